"""The checker reports every planted defect as its own row, at its sheet row."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import Engine

from grip.annex_a.builder import build
from grip.annex_a.checker import check_sheets, check_workbook, write_report
from grip.annex_a.guard import Sheet, read_workbook
from grip.annex_a.spec import load_spec

from .caseset import LA, D, make_caseset

SPEC = load_spec("ofsted-2024")


@pytest.fixture
def sheets(engine: Engine, tmp_path: Path) -> list[Sheet]:
    from grip.annex_a.workbook import write_xlsx

    make_caseset(engine)
    out = tmp_path / "a.xlsx"
    write_xlsx(build(engine, LA, D, SPEC), out)
    return read_workbook(out)


def _sheet(sheets: list[Sheet], name: str) -> Sheet:
    return next(s for s in sheets if s.name == name)


def _col(name: str, header: str, sheets: list[Sheet]) -> int:
    return _sheet(sheets, name).rows[0].index(header)


def _found(report, sheet: str, row: int, rule: str, column: str | None = None) -> bool:
    return any(
        p.sheet == sheet
        and p.row == row
        and p.rule == rule
        and (column is None or p.column == column)
        for p in report.problems
    )


def test_every_planted_defect_is_found_at_its_row(sheets: list[Sheet]) -> None:
    s = copy.deepcopy(sheets)
    l1, l3, l6, l7, l8, l9 = (_sheet(s, f"List {n}") for n in (1, 3, 6, 7, 8, 9))
    # List 1 row 2: a code not in the list; row 3: a contact after the inspection date.
    l1.rows[1][_col("List 1", "Contact Source", s)] = "z) Carrier pigeon"
    l1.rows[2][_col("List 1", "Date of Contact", s)] = date(2024, 6, 20)
    # List 3 row 2: a blank required cell and a non-number count.
    l3.rows[1][_col("List 3", "Referral Source", s)] = None
    l3.rows[1][_col("List 3", "Number of Referrals in Last 12 Months", s)] = "two"
    # List 7 row 2: a review conference before the plan started; a duplicate on a new row 3.
    l7.rows[1][_col("List 7", "Date of latest review conference", s)] = date(2024, 2, 1)
    l7.rows.append(list(l7.rows[1]))
    # List 8 row 2 (C2): ceased with no reason; a wrong age; a date before birth.
    l8.rows[1][_col("List 8", "Date Ceased to be Looked After", s)] = date(2024, 6, 1)
    l8.rows[1][_col("List 8", "Age of Child (Years)", s)] = 15
    l8.rows[1][_col("List 8", "Start date of current legal status", s)] = date(2001, 1, 1)
    # List 6: C1's status no longer says CP plan (List 7 has C1 on an open plan).
    c1_row = next(i for i, r in enumerate(l6.rows) if r[0] == "C1")
    l6.rows[c1_row][_col("List 6", "Case Status", s)] = "b) CIN plan"
    # List 9 row 2: a care leaver aged 30 (date of birth changed to match).
    l9.rows[1][_col("List 9", "Date of Birth", s)] = datetime(1994, 1, 1)
    l9.rows[1][_col("List 9", "Age of Child (Years)", s)] = 30

    r = check_sheets(s, SPEC, D, "planted.xlsx")
    assert _found(r, "List 1", 2, "code.allowed", "Contact Source")
    assert _found(r, "List 1", 3, "date.after_inspection", "Date of Contact")
    assert _found(r, "List 1", 3, "window.outside")
    assert _found(r, "List 3", 2, "required.blank", "Referral Source")
    assert _found(r, "List 3", 2, "type.integer", "Number of Referrals in Last 12 Months")
    assert _found(r, "List 7", 2, "date.order", "Date of latest review conference")
    assert _found(r, "List 7", 3, "duplicate.child", "Child Unique ID")
    assert _found(r, "List 8", 2, "required_if.blank", "Reason Ceased to be Looked After")
    assert _found(r, "List 8", 2, "age.mismatch", "Age of Child (Years)")
    assert _found(r, "List 8", 2, "date.before_birth", "Start date of current legal status")
    assert _found(r, "List 7", 2, "cross.cp_plan_in_list6", "Case Status")
    assert _found(r, "List 9", 2, "cross.care_leaver_age", "Age of Child (Years)")
    # The child's date of birth now differs between lists for no child here except C4 (only on
    # List 9), so the same-details rule must stay quiet: no false positives.
    assert not any(p.rule == "cross.same_child_details" for p in r.problems)
    bad = next(p for p in r.problems if p.rule == "code.allowed")
    assert (bad.child_id, bad.value) == ("C1", "z) Carrier pigeon")
    assert "a) 1A: Individual" in bad.message
    # Rows with nothing planted have no errors.
    assert not [p for p in r.errors if p.sheet == "List 10"]


def test_same_child_must_carry_the_same_details_across_lists(sheets: list[Sheet]) -> None:
    s = copy.deepcopy(sheets)
    l7 = _sheet(s, "List 7")
    l7.rows[1][_col("List 7", "Gender", s)] = "b) Female"
    r = check_sheets(s, SPEC, D)
    p = next(p for p in r.problems if p.rule == "cross.same_child_details")
    assert (p.sheet, p.row, p.child_id, p.column) == ("List 7", 2, "C1", "Gender")


def test_aliases_are_accepted_with_a_warning_and_text_dates_flagged(sheets: list[Sheet]) -> None:
    s = copy.deepcopy(sheets)
    l1 = _sheet(s, "List 1")
    l1.rows[1][_col("List 1", "Gender", s)] = "Male"
    l1.rows[1][_col("List 1", "Date of Contact", s)] = "14/12/2023"
    r = check_sheets(s, SPEC, D)
    assert not r.errors
    assert _found(r, "List 1", 2, "code.alias", "Gender")
    assert _found(r, "List 1", 2, "type.date_text", "Date of Contact")


def test_lists_are_found_by_headers_not_sheet_names(tmp_path: Path) -> None:
    out = tmp_path / "la.xlsx"
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet("Contacts (L1)")
    ws.write_row(
        0,
        0,
        [
            "CHILD  ID",
            "gender",
            "Ethinicity",
            "Date of brith",
            "Age of child",
            "Date of contact",
            "Contact source",
        ],
    )
    dfmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(1, 0, ["K9", "a) Male", "a) WBRI"])
    ws.write_datetime(1, 3, datetime(2015, 3, 1), dfmt)
    ws.write_number(1, 4, 9)
    ws.write_datetime(1, 5, datetime(2024, 5, 1), dfmt)
    ws.write_string(1, 6, "q) 6: Police")
    ws2 = wb.add_worksheet("Children’s care")
    ws2.write_row(
        0, 0, ["Child Unique ID", "Date Started to be Looked After", "Child’s Category of Need"]
    )
    wb.close()
    r = check_workbook(out, SPEC, D)
    assert r.lists_found[1] == "Contacts (L1)"
    assert not [p for p in r.errors if p.list == 1]
    assert r.lists_found[8] == "Children’s care"
    missing = {p.column for p in r.problems if p.list == 8 and p.rule == "header.missing_column"}
    assert "Child's Legal Status" in missing and "Child Unique ID" not in missing
    assert any(p.rule == "workbook.list_missing" and p.list == 11 for p in r.problems)


@pytest.mark.parametrize("suffix", [".json", ".html", ".xlsx"])
def test_report_files(sheets: list[Sheet], tmp_path: Path, suffix: str) -> None:
    s = copy.deepcopy(sheets)
    _sheet(s, "List 1").rows[1][0] = '=HYPERLINK("http://x")'
    r = check_sheets(s, SPEC, D, "x.xlsx")
    out = tmp_path / f"report{suffix}"
    write_report(r, out)
    data = out.read_bytes()
    assert len(data) > 100
    if suffix == ".html":
        assert b"=HYPERLINK(&quot;" in data and b"<script" not in data
    if suffix == ".xlsx":
        rows = read_workbook(out)[0].rows
        assert rows[0][:3] == ["list", "sheet", "row"]
        assert any(row[6] == "type.id" for row in rows[1:])
