"""The ILACS 2017 Annex A template, exactly: its headers, every code of every list, its variants.

The workbooks here are written in the template's layout from the spec's own lists (headers in
the template's order, every code of every code column), as an LA's case system produces them,
and checked with ``ilacs-2017`` for the ILACS framework (Ofsted 170040) paras 246-253.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import Engine

from grip.annex_a.builder import build
from grip.annex_a.checker import CheckReport, check_workbook
from grip.annex_a.spec import ColumnSpec, ListSpec, Spec, load_spec
from grip.annex_a.workbook import write_xlsx
from grip.calendar import add_months, age_in_years

from .caseset import LA, D, make_caseset

SPEC = load_spec("ilacs-2017")
EVENT_DAY = D - timedelta(days=20)  # inside every list's window


def _dob(lst: ListSpec) -> date:
    # Care leavers (list 9) are 16 to 25 on D (para 249); everyone else is a child.
    return add_months(D, -12 * (20 if lst.number == 9 else 10))


def _value(spec: Spec, lst: ListSpec, col: ColumnSpec, i: int, variant: bool) -> Any:
    if col.type == "code":
        codes = spec.code_set(col).codes
        c = codes[i % len(codes)]
        return _variant(c.code) if variant else c.code
    if col.type == "id":
        return f"L{lst.number}C{i}"
    if col.type == "date":
        return _dob(lst) if col.id == "date_of_birth" else EVENT_DAY
    if col.type == "number":
        # The template computes the age; an age with decimals is accepted as it gives it.
        return age_in_years(_dob(lst), D) + (0.4 if i % 2 else 0)
    if col.type == "integer":
        return col.min if col.min is not None else 1
    if col.type == "postcode":
        return "SE1 7QP"
    return "Free text as the template allows"


def _variant(code: str) -> str:
    """What a case system writes instead of the template's form: letter prefix dropped, ": "
    for " - " (and the reverse), upper case."""
    bare = code.split(") ", 1)[1] if ") " in code[:4] else code
    if " - " in bare:
        return bare.replace(" - ", ": ", 1).upper()
    return bare.replace(": ", " - ", 1).upper()


def _rows_needed(spec: Spec, lst: ListSpec) -> int:
    sizes = [len(spec.code_set(c).codes) for c in lst.columns if c.type == "code"]
    return max(sizes, default=1)


def write_template_workbook(path: Path, spec: Spec = SPEC, *, variant: bool = False) -> Path:
    """Every list of the template with its headers, and rows using every code of every list."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    dates = wb.add_format({"num_format": "dd/mm/yyyy"})
    for lst in spec.lists:
        ws = wb.add_worksheet(lst.sheet)
        cols = [c for c in lst.columns if not c.grip_extra]
        for j, col in enumerate(cols):
            ws.write_string(0, j, col.header)
        for i in range(_rows_needed(spec, lst)):
            for j, col in enumerate(cols):
                v = _value(spec, lst, col, i, variant)
                if isinstance(v, date):
                    ws.write_datetime(i + 1, j, v, dates)
                elif isinstance(v, int | float):
                    ws.write_number(i + 1, j, v)
                else:
                    ws.write_string(i + 1, j, v)
    wb.close()
    return path


def _errors(report: CheckReport) -> list[str]:
    return [f"{p.sheet} r{p.row} {p.column}: {p.value} {p.rule} {p.message}" for p in report.errors]


def test_every_list_and_every_code_of_the_template_checks_with_no_problem(tmp_path: Path) -> None:
    """Para 247-249: the template's every list, header and code is accepted as it stands."""
    out = write_template_workbook(tmp_path / "template.xlsx")
    report = check_workbook(out, SPEC, D)
    assert sorted(report.lists_found) == list(range(1, 12))
    assert report.problems == [], _errors(report)[:20]
    codes = sum(len(cs.codes) for cs in SPEC.code_sets.values())
    assert report.rows_checked >= max(len(cs.codes) for cs in SPEC.code_sets.values()) and codes


def test_case_system_variants_are_warnings_naming_the_template_form(tmp_path: Path) -> None:
    """Variants of each code are accepted as warnings that name the template's form, never
    errors (para 248: the DfE codes and descriptors, which case systems write in their own way)."""
    out = write_template_workbook(tmp_path / "variants.xlsx", variant=True)
    report = check_workbook(out, SPEC, D)
    assert _errors(report) == []
    alias = [p for p in report.warnings if p.rule == "code.alias"]
    assert alias
    female = next(p for p in alias if p.value == "FEMALE")
    assert "'b) Female'" in female.message


@pytest.mark.parametrize(
    ("list_number", "column", "value", "template_form"),
    [
        (1, "ethnicity", "s) NOBT", "s) NOBT"),
        (6, "case_status", "c) Child in need plan", "c) Child in need plan"),
        (6, "primary_need", "N1 - Abuse or Neglect", "N1 - Abuse or neglect"),
        (8, "category_of_need", "N1 - Abuse or Neglect", "N1 - Abuse or neglect"),
        (8, "legal_status", "C2: FCO", "C2: FCO"),
        (8, "legal_status", "E1: Placement order", "E1: Placement order"),
        (
            8,
            "placement_type",
            "f) U6: Foster placement - not FFA",
            "f) U6: Foster placement - not FFA",
        ),
        (9, "accommodation", "U: Independent living", "U: Independent living"),
        (
            9,
            "activity",
            "F3: Full time in training or employment",
            "F3: Full time in training or employment",
        ),
        (
            9,
            "activity",
            "F5",
            "F5: Young person engaged full time in training or employment (not apprenticeship)",
        ),
        (1, "gender", "Female", "b) Female"),
        (6, "primary_need", "N1: Abuse or neglect", "N1 - Abuse or neglect"),
    ],
)
def test_the_template_codes_a_case_system_writes_are_accepted(
    list_number: int, column: str, value: str, template_form: str
) -> None:
    """The codes an LA's workbook in the template's layout holds (each was an error before)."""
    col = SPEC.list(list_number).column(column)
    assert SPEC.code_set(col).canonical(value) == template_form


def test_case_status_letters_follow_the_template_looked_after_first() -> None:
    """The 2017 template's case status: a) looked after first, then CP plan, CIN plan,
    open assessment, e) closed episode."""
    col = SPEC.list(6).column("case_status")
    assert SPEC.code_set(col).allowed == [
        "a) Looked after child",
        "b) Child Protection plan",
        "c) Child in need plan",
        "d) Open assessment",
        "e) Closed episode",
    ]
    assert col.params["priority"][0] == "CLA"


def test_free_text_where_the_template_has_free_text(tmp_path: Path) -> None:
    """The organisation completing an early help assessment is free text in the template."""
    assert SPEC.list(2).column("organisation").type == "text"
    assert SPEC.list(8).column("placement_la").type == "text"


def _one_list_workbook(path: Path, lst: ListSpec, extra: list[str], rows: int = 3) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    dates = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet(lst.sheet)
    cols = [c for c in lst.columns if not c.grip_extra]
    for j, h in enumerate([c.header for c in cols] + extra):
        ws.write_string(0, j, h)
    for i in range(rows):
        for j, col in enumerate(cols):
            v = _value(SPEC, lst, col, i, False)
            if col.id == "date_of_contact" and i == 0:
                # A formula whose cached value is a date: the checker never sees what it says.
                ws.write_formula(i + 1, j, "=TODAY()-20", dates, EVENT_DAY.toordinal() - 693594)
            elif col.id == "age" and i == 1:
                ws.write_formula(i + 1, j, '=DATEDIF(D3,"2024-06-14","y")', None, v)
            elif isinstance(v, date):
                ws.write_datetime(i + 1, j, v, dates)
            elif isinstance(v, int | float):
                ws.write_number(i + 1, j, v)
            else:
                ws.write_string(i + 1, j, v)
        for k in range(len(extra)):
            ws.write_string(i + 1, len(cols) + k, "local note")
    wb.close()
    return path


def test_cells_holding_formulas_are_reported_not_trusted(tmp_path: Path) -> None:
    """A formula's cached value is not data: an error where the case system should give the
    value, a warning in the column the template itself computes (the age)."""
    out = _one_list_workbook(tmp_path / "formulas.xlsx", SPEC.list(1), [])
    report = check_workbook(out, SPEC, D)
    found = [(p.row, p.column, p.severity) for p in report.problems if p.rule == "cell.formula"]
    assert found == [(2, "Date of Contact", "error"), (3, "Age of Child (Years)", "warning")]


def test_unknown_headers_are_reported_once_per_sheet(tmp_path: Path) -> None:
    out = _one_list_workbook(tmp_path / "extra.xlsx", SPEC.list(1), ["LA notes"], rows=6)
    report = check_workbook(out, SPEC, D)
    unknown = [p for p in report.problems if p.rule == "header.unknown_column"]
    assert [(p.sheet, p.row, p.column) for p in unknown] == [("List 1", 1, "LA notes")]


def test_a_workbook_of_another_template_version_is_recognised(
    engine: Engine, tmp_path: Path
) -> None:
    """A 2024-template workbook checked as 2017 (and the reverse) says which spec to use."""
    make_caseset(engine)
    newer = tmp_path / "2024.xlsx"
    write_xlsx(build(engine, LA, D, load_spec("ofsted-2024")), newer)
    report = check_workbook(newer, SPEC, D)
    [p] = [p for p in report.problems if p.rule == "workbook.other_spec"]
    assert "--spec ofsted-2024" in p.message and p.severity == "error"
    older = write_template_workbook(tmp_path / "2017.xlsx")
    back = check_workbook(older, load_spec("ofsted-2024"), D)
    assert any("--spec ilacs-2017" in p.message for p in back.problems)
    # A workbook of its own version says nothing of the kind.
    assert not any(p.rule == "workbook.other_spec" for p in check_workbook(older, SPEC, D).problems)


def test_list_11_window_is_checked_on_the_bare_template_layout(tmp_path: Path) -> None:
    """Para 249 list 11 on a workbook with only the template's columns (no Grip refusal date):
    a refusal is read from the template's leaving date and reason "3 - Application refused",
    so a refusal in the window belongs, while a withdrawal (not a rejection) or an adopter with
    nothing in the last 12 months is outside the window."""
    lst = SPEC.list(11)
    cols = [c for c in lst.columns if not c.grip_extra]
    assert "refused_date" not in {c.id for c in cols}
    long_ago = add_months(D, -30)
    rows = {
        "REFUSED-IN-WINDOW": {
            "leaving_date": EVENT_DAY,
            "leaving_reason": "3 - Application refused",
        },
        "WITHDREW-IN-WINDOW": {
            "leaving_date": EVENT_DAY,
            "leaving_reason": "1 - Adopter withdrew from process",
        },
        "NOTHING-IN-WINDOW": {"stage1_start": long_ago},
        "STAGE1-IN-WINDOW": {"stage1_start": EVENT_DAY},
    }
    path = tmp_path / "bare-list-11.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    dates = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet(lst.sheet)
    for j, col in enumerate(cols):
        ws.write_string(0, j, col.header)
    for i, (aid, values) in enumerate(rows.items(), start=1):
        full = {"adopter_id": aid, "enquiry_date": long_ago, **values}
        for j, col in enumerate(cols):
            v = full.get(col.id)
            if isinstance(v, date):
                ws.write_datetime(i, j, v, dates)
            elif v is not None:
                ws.write_string(i, j, v)
    wb.close()
    report = check_workbook(path, SPEC, D)
    outside = {p.child_id for p in report.errors if p.list == 11 and p.rule == "window.outside"}
    assert outside == {"WITHDREW-IN-WINDOW", "NOTHING-IN-WINDOW"}, _errors(report)
