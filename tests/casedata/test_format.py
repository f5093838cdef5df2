"""The extract format files are consistent and the documentation is generated from them."""

from __future__ import annotations

from pathlib import Path

from grip.casedata.docs import render_import_format
from grip.casedata.format import load_format
from grip.casedata.models import CASE_TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def test_import_format_doc_is_current() -> None:
    assert DOC.read_text() == render_import_format() + "\n", (
        "docs/import-format.md is stale: run grip import-format-docs > docs/import-format.md"
    )


def test_every_table_has_a_store_table_with_la_code_first_in_its_key() -> None:
    fmt = load_format()
    assert set(CASE_TABLES) == set(fmt.tables)
    for name, table in CASE_TABLES.items():
        pk = [c.name for c in table.primary_key.columns]
        assert pk == ["la_code", fmt.tables[name].key]


def test_references_point_at_tables_with_that_key() -> None:
    fmt = load_format()
    for t in fmt.tables.values():
        for c in t.columns.values():
            if c.ref:
                assert c.ref in fmt.tables, f"{t.name}.{c.name}"
                assert c.type == "id", f"{t.name}.{c.name} refers but is not an id"


def test_every_column_has_a_meaning_and_code_columns_a_list() -> None:
    fmt = load_format()
    for t in fmt.tables.values():
        for c in t.columns.values():
            assert c.meaning, f"{t.name}.{c.name} has no meaning"
            assert (c.type == "code") == (c.codes in fmt.codes)


def test_every_code_fits_its_store_column() -> None:
    fmt = load_format()
    for t in fmt.tables.values():
        for c in t.columns.values():
            if c.codes:
                length = CASE_TABLES[t.name].c[c.name].type.length  # type: ignore[attr-defined]
                longest = max(fmt.code_values(c), key=len)
                assert len(longest) <= length, f"{t.name}.{c.name}: {longest} > {length}"
