"""The builder on a hand-made case set (tests/annex_a/caseset.py), inspection date 14 June 2024.

Each expected membership and derived value is written out by hand with the rule it tests:
ILACS framework (Ofsted 170040) para 249 (populations and windows), para 250 (one child ID), para
251 (one row per child, most recent event), para 253 (siblings), and the spec's written rules.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from grip.annex_a.builder import AnnexA, BuildError, build
from grip.annex_a.checker import check_workbook
from grip.annex_a.spec import load_spec
from grip.annex_a.workbook import write_csv, write_xlsx
from grip.cli import main
from grip.jobs import frozen_heap

from .caseset import LA, D, make_caseset


def _rows(annex: AnnexA, number: int) -> list[dict[str, Any]]:
    lst = annex.lists[number - 1]
    return [dict(zip([c.id for c in lst.spec.columns], r, strict=True)) for r in lst.rows]


@pytest.fixture
def cases(engine: Engine) -> Engine:
    make_caseset(engine)
    return engine


def test_ofsted_2024_memberships_and_derived_values(cases: Engine) -> None:
    a = build(cases, LA, D, "ofsted-2024")
    # List 1, 6-month window from 14/12/2023: the contact ON the boundary day counts, the one a
    # day before does not, the one after D never does (window convention, spec header).
    l1 = _rows(a, 1)
    assert [r["date_of_contact"] for r in l1] == [date(2023, 12, 14), date(2024, 3, 14)]
    assert l1[0]["contact_source"] == "e) 2A: Schools"  # lettered form, para 248
    assert l1[0]["age"] == 9  # age_in_years(1 Mar 2015, 14 Jun 2024)
    # List 3: only R2 (1 Feb 2024); R1 is before the window, R3 after D.
    l3 = _rows(a, 3)
    assert [(r["child_id"], r["date_of_referral"]) for r in l3] == [("C1", date(2024, 2, 1))]
    # Referrals in the 12 months up to R2, not counting R2: R1 (1 Sep 2023) -> 1.
    assert l3[0]["referrals_12m"] == 1
    assert l3[0]["referral_nfa"] == "b) No"
    assert (l3[0]["allocated_team"], l3[0]["allocated_worker"]) == ("Safeguarding 1", "Worker One")
    # List 6: C1's open episode (status CP plan: an open CP plan on D), C2's (looked after) and
    # C3's episode closed 10 Jan 2024, inside 6 months (status Closed).
    l6 = {r["child_id"]: r for r in _rows(a, 6)}
    assert set(l6) == {"C1", "C2", "C3"}
    assert l6["C2"]["case_status"] == "d) Looked after"
    assert l6["C1"]["case_status"] == "c) CP plan"
    assert l6["C1"]["last_seen"] == date(2024, 6, 10)  # the 20 June visit is after D
    assert l6["C3"]["case_status"] == "f) Closed"
    assert l6["C3"]["cin_closure_reason"].startswith("h) RC8")
    # List 7: C1's plan P1; one earlier plan (P0, 2020); last visit 10 June seen alone.
    (l7,) = _rows(a, 7)
    assert l7["cp_plan_start_date"] == date(2024, 3, 1)
    assert l7["previous_cp_plans"] == 1
    assert (l7["last_visit"], l7["seen_alone"]) == (date(2024, 6, 10), "a) Yes")
    assert l7["latest_review"] == date(2024, 5, 30)
    assert l7["cp_plan_end_date"] is None
    assert (l7["initial_category"], l7["latest_category"]) == ("a) Neglect", "d) Emotional abuse")
    # List 8: C2 in care (period B) and C6 who ceased on 1 May 2024 (inside 6 months).
    l8 = {r["child_id"]: r for r in _rows(a, 8)}
    assert set(l8) == {"C2", "C6"}
    c2 = l8["C2"]
    assert c2["age"] == 16  # born 14 June 2008: the 16th birthday is D itself
    assert c2["date_started_la"] == date(2023, 9, 1)  # most recent period (para 251)
    assert c2["second_period_12m"] == "a) Yes"  # period A ended 1 Jun 2023, within 12 months
    # Placements open in the 12 months from 14 Jun 2023: PB1 and PB2 (PA ended 1 Jun 2023).
    assert c2["placements_12m"] == 2
    assert (c2["placement_type"], c2["placement_location"]) == ("K2", "b) Out")
    # Missing from 14 Jun 2023: M1 (1 Jan 2024); M3 (13 Jun 2023) is a day too early.
    assert (c2["missing_12m"], c2["absent_12m"]) == (1, 1)
    assert (c2["rhi_offered"], c2["rhi_accepted"]) == ("a) Yes", "b) No")
    assert c2["siblings"] == 1  # C3 shares family F1 (para 253)
    assert (c2["legal_status"], c2["legal_status_start"]) == ("C2", date(2023, 9, 1))
    assert c2["disability"] == "a) Yes"
    assert (l8["C6"]["date_ceased_la"], l8["C6"]["reason_ceased"]) == (date(2024, 5, 1), "E11")
    # List 9: C4 (20); C5 (26) is past leaving care age.
    l9 = _rows(a, 9)
    assert [r["child_id"] for r in l9] == ["C4"]
    assert l9[0]["personal_adviser"] == "Adviser One"
    assert l9[0]["eligibility"] == "b) Former relevant child"
    # List 10: C6 adopted 1 May 2024; C7's reversal (1 Jan 2023) is before the 12 months.
    assert [r["child_id"] for r in _rows(a, 10)] == ["C6"]
    # List 11: H1 enquired 1 Jul 2023; H2 left in 2021.
    assert [r["adopter_id"] for r in _rows(a, 11)] == ["H1"]
    # One child ID across lists (para 250): C1 on lists 1, 3, 6, 7.
    on = {n for n in range(1, 12) if any(r.get("child_id") == "C1" for r in _rows(a, n))}
    assert on == {1, 3, 6, 7}
    assert a.counts() == {
        "List 1": 2,
        "List 2": 0,
        "List 3": 1,
        "List 4": 0,
        "List 5": 0,
        "List 6": 3,
        "List 7": 1,
        "List 8": 2,
        "List 9": 1,
        "List 10": 1,
        "List 11": 1,
    }


def test_ilacs_2017_uses_the_para_249_windows(cases: Engine) -> None:
    a = build(cases, LA, D, "ilacs-2017")
    # 3-month window from 14 Mar 2024: the contact on 14 Mar is on the boundary and counts.
    assert [r["date_of_contact"] for r in _rows(a, 1)] == [date(2024, 3, 14)]
    assert _rows(a, 3) == []  # R2 (1 Feb 2024) is outside 3 months
    # C3's episode closed 10 Jan 2024: more than 3 months before D, so not on list 6.
    assert [r["child_id"] for r in _rows(a, 6)] == ["C1", "C2"]
    # The 2017 template's case status puts looked after first; C1 is on a CP plan only.
    status = {r["child_id"]: r["case_status"] for r in _rows(a, 6)}
    assert status == {"C1": "b) Child Protection plan", "C2": "a) Looked after child"}
    # The 2017 spec counts the current referral too (include_current: true) - data, not code.
    assert load_spec("ilacs-2017").list(3).column("referrals_12m").params["include_current"]


def test_events_after_the_date_are_excluded_and_ends_after_it_blank(cases: Engine) -> None:
    # On 30 Apr 2024 C6 was still in care and not yet adopted (order 1 May 2024).
    a = build(cases, LA, date(2024, 4, 30), "ofsted-2024")
    c6 = {r["child_id"]: r for r in _rows(a, 8)}["C6"]
    assert c6["date_ceased_la"] is None and c6["reason_ceased"] is None
    l10 = {r["child_id"]: r for r in _rows(a, 10)}
    assert l10["C6"]["adoption_order_date"] is None  # pending: decision made, not yet adopted
    # Before C1's first contact in the window nothing of later dates leaks in.
    early = build(cases, LA, date(2023, 12, 31), "ofsted-2024")
    assert all(r["date_of_contact"] <= date(2023, 12, 31) for r in _rows(early, 1))
    assert _rows(early, 7) == []  # P1 starts 1 Mar 2024


def test_an_event_exactly_on_the_window_start_counts_and_one_day_before_does_not(
    cases: Engine,
) -> None:
    # 2017 list 6: ceased within 3 months. C3 closed 10 Jan 2024: on for D = 10 Apr 2024,
    # off for D = 11 Apr 2024.
    on = build(cases, LA, date(2024, 4, 10), "ilacs-2017")
    off = build(cases, LA, date(2024, 4, 11), "ilacs-2017")
    assert "C3" in {r["child_id"] for r in _rows(on, 6)}
    assert "C3" not in {r["child_id"] for r in _rows(off, 6)}


@pytest.mark.parametrize("spec_id", ["ofsted-2024", "ilacs-2017"])
def test_build_then_check_gives_zero_problems(cases: Engine, tmp_path: Path, spec_id: str) -> None:
    a = build(cases, LA, D, spec_id)
    out = tmp_path / "annex.xlsx"
    write_xlsx(a, out)
    report = check_workbook(out, load_spec(spec_id), D)
    assert report.problems == []
    assert len(report.lists_found) == 11
    assert report.rows_checked == sum(a.counts().values())


def test_workbook_layout_dates_and_cover(cases: Engine, tmp_path: Path) -> None:
    import openpyxl

    a = build(cases, LA, D, "ofsted-2024")
    out = tmp_path / "annex.xlsx"
    write_xlsx(a, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Cover"] + [f"List {n}" for n in range(1, 12)]
    ws = wb["List 1"]
    assert ws["A1"].value == "Child Unique ID" and ws["F1"].value == "Date of Contact"
    assert ws["F2"].is_date and ws["F2"].number_format == "dd/mm/yyyy"
    cover = {r[0].value: r[1].value for r in wb["Cover"].iter_rows() if r[0].value}
    assert cover["List 8: Children in care"] == 2
    assert cover["Inspection date"].date() == D
    assert "ofsted-2024" in cover["Spec"]
    paths = write_csv(a, tmp_path / "csv")
    assert (
        (tmp_path / "csv" / "List 1.csv")
        .read_text()
        .splitlines()[1]
        .endswith("14/12/2023,e) 2A: Schools")
    )
    assert len(paths) == 11


@pytest.mark.parametrize("spec_id", ["ofsted-2024", "ilacs-2017"])
def test_a_build_in_a_job_worker_equals_the_plain_build(cases: Engine, spec_id: str) -> None:
    """A job's worker builds with its heap frozen (grip.jobs.frozen_heap, for speed): the lists
    must be exactly those of a plain build."""
    plain = build(cases, LA, D, spec_id)
    with frozen_heap():
        frozen = build(cases, LA, D, spec_id)
    assert [lst.rows for lst in frozen.lists] == [lst.rows for lst in plain.lists]
    assert frozen.unmapped_codes == plain.unmapped_codes
    assert sum(frozen.counts().values()) > 0


def test_unknown_la_is_a_clear_error(cases: Engine) -> None:
    with pytest.raises(BuildError, match="no local authority with code 'ZZZ'"):
        build(cases, "ZZZ", D)


def test_cli_build_json_and_check_exit_status(
    cases: Engine, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIP_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GRIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRIP_SECRET_KEY", "test-secret-key-not-for-production")
    from grip.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    out = tmp_path / "a.xlsx"
    runner = CliRunner()
    res = runner.invoke(
        main, ["annex-a", "build", "--la", LA, "--date", "2024-06-14", "--out", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    counts = json.loads(res.output)["counts"]
    assert counts["List 8"] == 2 and counts["List 11"] == 1
    res = runner.invoke(
        main,
        [
            "annex-a",
            "check",
            str(out),
            "--date",
            "2024-06-14",
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "r.json").read_text())["errors"] == 0
    # Checking against the wrong date puts rows outside their windows: errors, exit 1.
    res = runner.invoke(main, ["annex-a", "check", str(out), "--date", "2025-06-14"])
    assert res.exit_code == 1
    assert "window.outside" in res.output
