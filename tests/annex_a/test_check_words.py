"""Each check the Annex A workbook checker makes is shown to people in words, never as its code
(the code stays in the CSV report, for filtering)."""

from __future__ import annotations

import re
from pathlib import Path

import grip.annex_a.checker as checker
from grip.annex_a.spec import available_specs, load_spec

SOURCE = Path(checker.__file__).read_text(encoding="utf-8")


def _codes() -> set[str]:
    """Every rule code the checker's source can give, the column types' included."""
    literal = set(re.findall(r'"((?:[a-z_]+)\.(?:[a-z_]+))"', SOURCE))
    known_prefixes = ("workbook.", "header.", "required", "type.", "range.", "code.", "cell.",
                      "text.", "date.", "age.", "duplicate.", "window.")  # fmt: skip
    codes = {c for c in literal if c.startswith(known_prefixes)}
    types = {c.type for s in available_specs() for lst in load_spec(s).lists for c in lst.columns}
    return codes | {f"type.{t}" for t in types if t in ("date", "integer", "number")}


def test_every_check_has_words() -> None:
    missing = sorted(c for c in _codes() if checker.rule_words(c) == c)
    assert missing == []


def test_a_check_is_read_in_words() -> None:
    assert checker.rule_words("required.blank") == "Blank, but every row needs it"
    assert checker.rule_words("no.such") == "no.such"
