"""Safe exports: no formula in any XLSX, CSV or DOCX; control characters
handled; text over Excel's cell limit kept whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grip.documents import safe

DANGEROUS = [
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@cmd",
    "\t=x",
    "\r=x",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_triggers(value: str) -> None:
    out = safe.neutralise(value)
    assert out.startswith("'") and out[1:] == value


def test_plain_text_untouched_and_controls_replaced() -> None:
    assert safe.neutralise("Child seen alone") == "Child seen alone"
    assert safe.neutralise("a\x00b\x07c\nd\te") == "a\ufffdb\ufffdc\nd\te"


def _xlsx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_xlsx_has_zero_formulas_and_keeps_types() -> None:
    rows = [[v, 3, dt.date(2026, 1, 2), None, True] for v in DANGEROUS]
    data = safe.xlsx_bytes([safe.Sheet("Cases", ["text", "n", "d", "empty", "b"], rows)])
    assert "<f>" not in _xlsx_xml(data) and "<f " not in _xlsx_xml(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Cases"]
    for i, value in enumerate(DANGEROUS, start=2):
        cell = ws.cell(i, 1)
        # xlsxwriter stores a carriage return as the OOXML escape _x000D_ (Excel reads it back).
        assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == "'" + value
        assert ws.cell(i, 2).value == 3
        assert ws.cell(i, 3).value == dt.datetime(2026, 1, 2)


def test_xlsx_long_text_goes_whole_to_overflow_sheet() -> None:
    long_text = "".join(f"{i:06d} " for i in range(10_000))  # 70,000 characters
    data = safe.xlsx_bytes([safe.Sheet("Notes", ["note"], [[long_text], ["short"]])])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = wb["Notes"].cell(2, 1).value
    assert "continued in sheet Overflow" in cell and len(cell) <= safe.EXCEL_CELL_LIMIT
    pieces = [r[4] for r in wb["Overflow"].iter_rows(min_row=2, values_only=True)]
    assert "".join(pieces) == long_text
    assert wb["Notes"].cell(3, 1).value == "short"


def test_xlsx_text_that_looks_like_an_escape_survives() -> None:
    data = safe.xlsx_bytes([safe.Sheet("S", ["h"], [["_x0041_"]])])
    assert openpyxl.load_workbook(io.BytesIO(data))["S"].cell(2, 1).value == "_x0041_"


def test_csv_fields_neutralised() -> None:
    data = safe.csv_bytes(["a", "=b"], [[v, 1] for v in DANGEROUS])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["a", "'=b"]
    for row, value in zip(rows[1:], DANGEROUS, strict=True):
        assert row == ["'" + value, "1"]


def test_docx_cells_neutralised_and_controls_cleaned() -> None:
    data = safe.docx_bytes("Report \x01", ["para \x02"], [(["h"], [[v] for v in DANGEROUS])])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in xml and "instrText" not in xml
    import docx

    table = docx.Document(io.BytesIO(data)).tables[0]
    cells = [row.cells[0].text for row in table.rows[1:]]
    assert cells == [
        "'" + v.replace("\r", "\n") if v.startswith("\r") else "'" + v for v in DANGEROUS
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_any_text_never_becomes_a_formula(values: list[str]) -> None:
    data = safe.xlsx_bytes([safe.Sheet("S", ["h"], [[v] for v in values])])
    xml = _xlsx_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    ws = openpyxl.load_workbook(io.BytesIO(data))["S"]
    for i, _v in enumerate(values, start=2):
        got = ws.cell(i, 1).value
        assert got is None or not str(got).startswith(("=", "+", "-", "@", "\t", "\r"))
    for row in csv.reader(
        io.StringIO(safe.csv_bytes(["h"], [[v] for v in values]).decode("utf-8-sig"))
    ):
        assert not row or not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))
