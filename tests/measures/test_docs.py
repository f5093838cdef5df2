"""docs/measures.md is generated from the definitions: this fails when it is stale."""

from __future__ import annotations

from grip.measures.definitions import load_definitions
from grip.measures.docs import DOCS_PATH, render


def test_measures_doc_is_current() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render(), (
        "docs/measures.md is stale: run `grip measures-docs` and commit it"
    )


def test_doc_names_every_measure_and_rule() -> None:
    text = render()
    for m in load_definitions().measures:
        assert f"(`{m.id}`)" in text
        assert m.rule.describe() in text
