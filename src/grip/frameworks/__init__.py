"""Inspection frameworks as versioned data, and the judgement rules engine.

The Python API later capabilities use::

    from grip import frameworks

    ilacs = frameworks.load("ilacs-2017")          # a validated Framework
    for heading in ilacs.judgement("help-protection").headings:
        print(heading.ref, heading.title)          # ilacs-2017/help-protection/early-help …
    frameworks.list_frameworks()                   # in-force first, then older ones
    result = frameworks.evaluate(ilacs, {"help-protection": "inadequate", "overall": "good"})
    result.status                                  # "violation"; result.rules say why

See docs/frameworks.md for the file format, the rule language and the engine's semantics.
"""

from __future__ import annotations

from grip.frameworks.engine import Evaluation, InputError, RuleOutcome, check, evaluate
from grip.frameworks.loader import (
    FrameworkError,
    framework_ids,
    input_schema,
    list_frameworks,
    load,
    parse_file,
    show_schema,
)
from grip.frameworks.models import (
    Criterion,
    Descriptor,
    Document,
    Fact,
    FocusedVisits,
    Framework,
    Grade,
    Heading,
    Judgement,
    Rule,
    SourceRef,
)
from grip.frameworks.search import SearchHit, search

__all__ = [
    "Criterion",
    "Descriptor",
    "Document",
    "Evaluation",
    "Fact",
    "FocusedVisits",
    "Framework",
    "FrameworkError",
    "Grade",
    "Heading",
    "InputError",
    "Judgement",
    "Rule",
    "RuleOutcome",
    "SearchHit",
    "SourceRef",
    "check",
    "evaluate",
    "framework_ids",
    "input_schema",
    "list_frameworks",
    "load",
    "parse_file",
    "search",
    "show_schema",
]
