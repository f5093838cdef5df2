"""The outcomes register: every English LA's published inspection judgements over time.

The Python API::

    from grip import outcomes

    outcomes.extract_file(path)                  # one published Ofsted report -> Extracted
    outcomes.import_reports(engine, [folder])    # store them (idempotent, page provenance)
    outcomes.record_outcome(engine, la_code="303", framework="ilacs-2023", ...)  # Grip's own
    outcomes.latest(engine, outcomes.Filters(region="London"))
    outcomes.history(engine, "303")
    outcomes.stats.summary(outcomes.all_reports(engine))   # Kent SIF outcomes mapping §5
    outcomes.compare_themes(engine); outcomes.neighbours(engine, "303")

See docs/outcomes.md.
"""

from __future__ import annotations

from grip.outcomes import stats
from grip.outcomes.analysis import compare_themes, neighbours
from grip.outcomes.extract import Extracted, extract_all, extract_file
from grip.outcomes.queries import Filters, ReportRow, all_reports, history, latest
from grip.outcomes.register import (
    ImportResult,
    OutcomeError,
    import_file,
    import_reports,
    record_outcome,
)

__all__ = [
    "Extracted",
    "Filters",
    "ImportResult",
    "OutcomeError",
    "ReportRow",
    "all_reports",
    "compare_themes",
    "extract_all",
    "extract_file",
    "history",
    "import_file",
    "import_reports",
    "latest",
    "neighbours",
    "record_outcome",
    "stats",
]
