"""Validation of case extracts: every rule of docs/import-format.md reported at its row and column.

Rows are 1-based data rows, header not counted (the synthetic generator's defects use the same
numbering). Extracts are tiny synthetic ones from ``grip.casedata.extract.example_rows``, with
one problem planted at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from grip.casedata import validate as validate_module
from grip.casedata.extract import example_rows, write_extract
from grip.casedata.format import load_format
from grip.casedata.synth import synthesise
from grip.casedata.validate import (
    Problem,
    ValidationReport,
    format_summary,
    validate_extract,
    write_problems_csv,
)

LA = "T01"
AS_OF = {"la_code": LA, "as_of": "2026-11-01"}


def make(tmp_path: Path, change: Any = None, manifest: dict[str, Any] | None = None) -> Path:
    """Write the example extract (3 children) after ``change(rows)``; return its folder."""
    rows = example_rows(3)
    if change is not None:
        change(rows)
    return write_extract(tmp_path / "extract", rows, AS_OF if manifest is None else manifest)


def only(report: ValidationReport, rule: str) -> list[Problem]:
    return [p for p in report.problems if p.rule == rule]


def test_example_extract_has_no_problem(tmp_path: Path) -> None:
    report = validate_extract(make(tmp_path), LA)
    assert report.ok and not report.fatal, format_summary(report)
    assert report.as_of == dt.date(2026, 11, 1)
    assert set(report.rows_read) == set(load_format().tables)
    assert all(n == 3 for n in report.rows_read.values())


def _set(table: str, index: int, column: str, value: Any) -> Any:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows[table][index][column] = value

    return change


# (table, 0-based row, column, planted value, rule) — one per rule of docs/import-format.md
ROW_DEFECTS = [
    ("ssd_person", 1, "pers_dob", "2020-13-01", "type"),
    ("ssd_person", 0, "pers_dob", "20200101", "type"),  # ISO basic form is not YYYY-MM-DD
    ("ssd_person", 2, "pers_dob", "1899-12-31", "type"),
    ("ssd_person", 2, "pers_sex", "X", "code"),
    ("ssd_person", 0, "pers_forename", "", "required"),
    ("ssd_person", 1, "pers_is_uasc", "Yes", "type"),
    ("ssd_professionals", 1, "prof_full_time_equivalency", "1,0", "type"),
    ("grip_adopters", 2, "adop_number_of_adopters", "two", "type"),
    ("grip_adopters", 0, "adop_number_of_adopters", "99999999999", "type"),
    ("ssd_contacts", 2, "cont_contact_source_code", "1a", "code"),
    ("ssd_contacts", 1, "cont_contact_id", "C" * 49, "too_long"),
    ("ssd_contacts", 0, "cont_person_id", "ssd_person-404", "reference"),
    ("ssd_contacts", 0, "cont_contact_date", "2000-01-01", "before_birth"),
    ("ssd_cin_episodes", 1, "cine_close_date", "2001-01-01", "date_order"),
    ("ssd_cp_visits", 2, "cppv_cp_plan_id", "ssd_cp_plans-9", "reference"),
]


@pytest.mark.parametrize(("table", "index", "column", "value", "rule"), ROW_DEFECTS)
def test_each_rule_is_reported_at_its_row_and_column(
    tmp_path: Path, table: str, index: int, column: str, value: str, rule: str
) -> None:
    report = validate_extract(make(tmp_path, _set(table, index, column, value)), LA)
    assert not report.ok and not report.fatal
    found = [p for p in report.problems if p.table == table and p.column == column]
    assert found, format_summary(report)
    p = found[0]
    assert (p.row, p.value, p.rule) == (index + 1, value, rule)
    assert p.expected and p.file == f"{table}.csv"
    assert index in report.tables[table].invalid
    assert report.rows_valid[table] == 2


def test_duplicate_key_reports_the_second_copy_and_points_at_the_first(tmp_path: Path) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_cla_health"][2]["clah_health_check_id"] = "ssd_cla_health-1"

    report = validate_extract(make(tmp_path, change), LA)
    [p] = report.problems
    assert (p.table, p.row, p.column, p.rule) == (
        "ssd_cla_health",
        3,
        "clah_health_check_id",
        "duplicate_key",
    )
    assert "row 1" in p.expected
    assert report.rows_valid["ssd_cla_health"] == 2  # the first copy still loads


def test_a_row_referring_to_an_invalid_row_is_reported_and_so_are_its_dependants(
    tmp_path: Path,
) -> None:
    # An invalid referral makes its assessment invalid too (reference_invalid); other
    # children's rows are untouched.
    report = validate_extract(
        make(tmp_path, _set("ssd_cin_episodes", 1, "cine_referral_source_code", "ZZ")), LA
    )
    dependants = only(report, "reference_invalid")
    tables = {p.table for p in dependants}
    assert {"ssd_cin_assessments", "ssd_s47_enquiry", "ssd_cp_plans"} <= tables
    assert all(p.row == 2 for p in dependants)
    direct = [p for p in dependants if p.value == "ssd_cin_episodes-2"]
    assert {p.table for p in direct} >= {"ssd_cin_assessments", "ssd_s47_enquiry"}
    assert all("ssd_cin_episodes row 2" in p.expected for p in direct)
    # A grandchild: a CP visit refers to a plan that is invalid only through its referral.
    assert any(p.table == "ssd_cp_visits" and p.column == "cppv_cp_plan_id" for p in dependants)
    assert report.rows_valid["ssd_person"] == 3
    assert report.rows_valid["ssd_cin_assessments"] == 2


def test_person_invalid_makes_every_row_about_them_invalid(tmp_path: Path) -> None:
    report = validate_extract(make(tmp_path, _set("ssd_person", 0, "pers_ethnicity", "??")), LA)
    fmt = load_format()
    person_tables = {t.name for t in fmt.tables.values() if t.person}
    flagged = {p.table for p in only(report, "reference_invalid")}
    assert person_tables <= flagged
    for name in person_tables:
        assert 0 in report.tables[name].invalid


# --- structure -----------------------------------------------------------------------------


def test_missing_and_unknown_files(tmp_path: Path) -> None:
    folder = make(tmp_path)
    (folder / "ssd_missing.csv").unlink()
    (folder / "ssd_persons.csv").write_text("x\n")
    report = validate_extract(folder, LA)
    assert report.fatal
    rules = {(p.file, p.rule) for p in report.problems}
    assert ("ssd_missing.csv", "missing_file") in rules
    assert ("ssd_persons.csv", "unknown_file") in rules


def test_missing_unknown_and_repeated_columns(tmp_path: Path) -> None:
    folder = make(tmp_path)
    path = folder / "ssd_family.csv"
    path.write_text("fami_table_id,fami_person_id,fami_person_id,colour\nF1,P1,P1,red\n")
    report = validate_extract(folder, LA)
    assert report.fatal
    got = {(p.rule, p.column) for p in report.problems if p.table == "ssd_family"}
    assert got == {
        ("missing_column", "fami_family_id"),
        ("duplicate_column", "fami_person_id"),
        ("unknown_column", "colour"),
    }


def test_not_utf8_names_the_file_and_row(tmp_path: Path) -> None:
    folder = make(tmp_path)
    path = folder / "ssd_person.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"forename 2", b"for\xe9name 2")  # Latin-1 e-acute
    path.write_bytes(b"\n".join(lines))
    report = validate_extract(folder, LA)
    [p] = report.problems
    assert (p.table, p.row, p.rule) == ("ssd_person", 2, "not_utf8")
    assert "UTF-8" in p.expected and report.fatal


def test_ragged_rows_are_reported_alone(tmp_path: Path) -> None:
    folder = make(tmp_path)
    path = folder / "ssd_contacts.csv"
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    lines[3] = lines[3].rsplit(",", 2)[0]
    path.write_text("\n".join(lines) + "\n")
    report = validate_extract(folder, LA)
    ragged = only(report, "ragged_row")
    assert [(p.row, p.value) for p in ragged] == [(2, "6 fields"), (3, "3 fields")]
    assert all(p.table == "ssd_contacts" and "5 fields" in p.expected for p in ragged)
    # No knock-on "required" noise for the padded fields of a ragged row.
    assert not [p for p in report.problems if p.table == "ssd_contacts" and p.rule != "ragged_row"]
    assert not report.fatal  # a row problem: --skip-invalid could leave these rows out


def test_blank_lines_and_line_breaks_inside_values_keep_row_numbers(tmp_path: Path) -> None:
    # The csv module path (DuckDB would skip the blank line): the row numbers stay those of
    # the records after the header.
    folder = make(tmp_path)
    path = folder / "ssd_contacts.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("contact outcome 1", '"contact outcome\non two lines"')
    lines.insert(2, "")
    lines[4] = lines[4].replace("ssd_person-3", "ssd_person-9")  # record 3 after the blank
    path.write_text("\n".join(lines) + "\n")
    report = validate_extract(folder, LA)
    [p] = [p for p in report.problems if p.table == "ssd_contacts"]
    assert (p.row, p.rule, p.value) == (4, "reference", "ssd_person-9")
    assert report.rows_read["ssd_contacts"] == 3  # the blank line is not a row


def test_malformed_csv(tmp_path: Path) -> None:
    folder = make(tmp_path)
    path = folder / "ssd_department.csv"
    path.write_text(path.read_text() + 'D9,"unclosed name,x,y\n')
    report = validate_extract(folder, LA)
    assert [p.rule for p in report.problems if p.table == "ssd_department"] == ["malformed_csv"]
    assert report.fatal


def test_empty_file(tmp_path: Path) -> None:
    folder = make(tmp_path)
    (folder / "grip_adopters.csv").write_text("")
    report = validate_extract(folder, LA)
    assert [(p.table, p.rule) for p in report.problems] == [("grip_adopters", "empty_file")]


def test_header_only_file_is_an_empty_table(tmp_path: Path) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["grip_adopters"] = []

    report = validate_extract(make(tmp_path, change), LA)
    assert report.ok and report.rows_read["grip_adopters"] == 0


# --- manifest -------------------------------------------------------------------------------


def test_manifest_for_another_la_is_refused_unless_named(tmp_path: Path) -> None:
    folder = make(tmp_path, manifest={"la_code": "OTHER", "as_of": "2026-11-01"})
    report = validate_extract(folder, LA)
    [p] = report.problems
    assert (p.rule, p.value, p.file) == ("la_mismatch", "OTHER", "manifest.json")
    assert "--from-la OTHER" in p.expected and report.fatal
    assert validate_extract(folder, LA, from_la="OTHER").ok
    assert not validate_extract(folder, LA, from_la="THIRD").ok


def test_manifest_format_version_and_row_counts(tmp_path: Path) -> None:
    folder = make(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = "1999-01"
    manifest["rows"]["ssd_person"] = 4  # the file has 3: a truncated transfer
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = validate_extract(folder, LA)
    assert {(p.rule, p.table) for p in report.problems} == {
        ("format_version", "manifest"),
        ("row_count", "ssd_person"),
    }
    assert report.fatal


def test_as_of_comes_from_the_manifest_or_the_caller(tmp_path: Path) -> None:
    folder = make(tmp_path)
    (folder / "manifest.json").unlink()
    report = validate_extract(folder, LA)
    assert report.fatal and [p.column for p in report.problems] == ["as_of"]
    report = validate_extract(folder, LA, as_of=dt.date(2026, 1, 2))
    assert report.ok and report.as_of == dt.date(2026, 1, 2)
    (folder / "manifest.json").write_text("{not json")
    broken = validate_extract(folder, LA)
    assert [p.rule for p in broken.problems] == ["manifest"] and broken.fatal


@pytest.mark.parametrize("code", ["", "has space", "x" * 17, "E09'00"])
def test_impossible_la_codes_are_refused(tmp_path: Path, code: str) -> None:
    with pytest.raises(ValueError, match="LA code"):
        validate_extract(make(tmp_path), code)


# --- both readers agree ------------------------------------------------------------------


def test_csv_module_and_duckdb_readers_report_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = synthesise(tmp_path / "s", 150, 3, dt.date(2026, 10, 31), la_code=LA, defects=0.05)
    fast = validate_extract(result.out_dir, LA)
    monkeypatch.setattr(validate_module._Checker, "_read_fast", lambda *_a: None)
    slow = validate_extract(result.out_dir, LA)
    assert fast.problems == slow.problems
    assert fast.rows_read == slow.rows_read
    for name, table in fast.tables.items():
        assert table.values == slow.tables[name].values, name


def test_every_planted_synthetic_defect_is_reported_at_its_row_and_column(
    tmp_path: Path,
) -> None:
    result = synthesise(tmp_path / "s", 400, 11, dt.date(2026, 10, 31), la_code=LA, defects=0.03)
    assert len(result.defects) > 20
    report = validate_extract(result.out_dir, LA)
    found = {(p.table, p.row, p.column): p for p in report.problems}
    for d in result.defects:
        p = found.get((d.table, d.row, d.column))
        assert p is not None, f"planted {d} not reported"
        assert p.value == d.value or p.rule in ("required", "duplicate_key")


# --- reporting -------------------------------------------------------------------------------


def test_summary_groups_by_table_and_rule_with_examples(tmp_path: Path) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        for r in rows["ssd_person"]:
            r["pers_sex"] = "Q"
        rows["ssd_contacts"][0]["cont_contact_date"] = "soon"

    report = validate_extract(make(tmp_path, change), LA)
    text = format_summary(report, examples=2)
    assert "ssd_person.csv: code x3" in text
    assert "ssd_person.csv row 1, pers_sex = 'Q': expected a code from the sex list" in text
    assert "... and 1 more" in text
    assert "ssd_contacts.csv: type x1" in text
    short = format_summary(report, examples=1, max_groups=1)
    assert "ssd_contacts.csv" not in short
    assert "more problems of other kinds (see --errors-out)" in short


def test_errors_csv_has_every_problem_and_no_formula(tmp_path: Path) -> None:
    def change(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_person"][0]["pers_sex"] = '=HYPERLINK("http://x")'
        rows["ssd_person"][1]["pers_sex"] = "@SUM(A1)"
        rows["ssd_person"][2]["pers_sex"] = "-1+2"

    report = validate_extract(make(tmp_path, change), LA)
    out = tmp_path / "errors.csv"
    assert write_problems_csv(report.problems, out) == len(report.problems)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(report.problems)
    values = [r["value"] for r in rows if r["column"] == "pers_sex"]
    assert values == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-1+2"]
    assert rows[0]["file"] == "ssd_person.csv" and rows[0]["rule"] == "code"
