"""Measures pages: dashboard, drill-down with restricted cases left out, permissions."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grip.access import restrictions
from grip.access.models import AuditEvent
from grip.access.scope import Scope
from grip.store.db import transaction

from .builders import CaseBook


def _book(engine: Engine) -> None:
    b = CaseBook("LA1")
    for pid in ("C1", "C2"):
        b.child(pid)
        r = b.referral(pid, date(2026, 12, 7))
        # C1 in time (45th working day 11 Feb 2027), C2 one day late (WT: 45 working days).
        auth = date(2027, 2, 11) if pid == "C1" else date(2027, 2, 12)
        b.assessment(pid, r, date(2026, 12, 8), auth)
    b.save(engine)


def test_dashboard_shows_headlines_with_chart_and_table(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    signed_in("performance_analyst", "LA1")
    _book(engine)
    r = client.get("/measures?date=2027-03-31")
    assert r.status_code == 200, r.text
    assert 'data-measure="AS_45WD"' in r.text
    assert "<svg" in r.text and 'role="img"' in r.text
    assert "Trend as a table" in r.text
    assert "50%" in r.text  # AS_45WD: 1 of 2


def test_drill_down_lists_children_but_hides_restricted(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    signed_in("team_manager", "LA1")
    _book(engine)
    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope("LA1"), "C2", "test", dt.date(2027, 6, 1), [])
    r = client.get("/measures/AS_45WD?date=2027-03-31")
    assert r.status_code == 200, r.text
    # The total still counts C2 (statutory figure) ...
    assert '<strong id="measure-denominator">2</strong>' in r.text
    # ... but the list behind it leaves the restricted case out, without saying how many.
    assert 'data-person="C1"' in r.text
    assert 'data-person="C2"' not in r.text
    assert "restricted" not in r.text.lower()


def test_slices_do_not_reveal_a_restricted_childs_characteristics(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    """The penetration test read a hidden child's sex, ethnicity and age band from the
    drill-down's slices ("N restricted ... counted but not listed" per slice). Restricted
    children now count in the whole-LA total only."""
    signed_in("team_manager", "LA1")
    b = CaseBook("LA1")
    b.child("C1", sex="M", ethnicity="WBRI", dob=date(2015, 6, 1))
    b.child("C2", sex="F", ethnicity="BCRB", dob=date(2026, 6, 1))
    for pid in ("C1", "C2"):
        r = b.referral(pid, date(2026, 12, 7))
        b.assessment(pid, r, date(2026, 12, 8), date(2027, 2, 11))
    b.save(engine)
    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope("LA1"), "C2", "test", dt.date(2027, 6, 1), [])
    r = client.get("/measures/AS_45WD?date=2027-03-31")
    assert r.status_code == 200, r.text
    assert '<strong id="measure-denominator">2</strong>' in r.text  # whole LA: both
    for hidden in ("BCRB", "Under 1", "slice=F#"):
        assert hidden not in r.text, hidden
    assert "WBRI" in r.text and "slice=M#" in r.text
    for dimension, value in (("sex", "F"), ("ethnicity", "BCRB"), ("age_band", "Under 1")):
        page = client.get(f"/measures/AS_45WD?date=2027-03-31&dimension={dimension}&slice={value}")
        assert page.status_code == 200
        assert 'data-person="C2"' not in page.text and "restricted" not in page.text.lower()
        assert 'id="row-count">0 rows' in page.text


def test_measure_pages_need_sign_in_and_reject_bad_input(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    r = client.get("/measures", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
    signed_in("qa_lead", "LA1")
    assert client.get("/measures/NOPE").status_code == 404
    # GOV.UK date input (Service Manual, "Dates"): a date that does not exist is an error beside
    # the field, naming it, with what was typed kept.
    r = client.get("/measures?date-day=31&date-month=2&date-year=2027")
    assert r.status_code == 400
    assert "Date must be a real date" in r.text and 'href="#date-day"' in r.text
    assert 'value="31"' in r.text and "YYYY-MM-DD" not in r.text
    # Links made with an ISO date still work; the date input shows it in three parts.
    r = client.get("/measures?date=2027-03-31")
    assert r.status_code == 200 and "Measures at 31 March 2027" in r.text
    assert re.search(r'name="date-year"[^>]*value="2027"', r.text)


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_drill_down_is_audited_and_links_carry_ids_not_names(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    # Every read of a child-level list is an audit event; no name (a
    # child's or a worker's) ever goes into a URL.
    user = signed_in("team_manager", "LA1")
    b = CaseBook("LA1")
    b.team("T1", "Duty and Assessment")
    b.worker("W7", "T1")
    for pid in ("C1", "C2"):
        b.child(pid)
        b.allocate(pid, "W7", date(2026, 11, 1), team="T1")
        r = b.referral(pid, date(2026, 12, 7))
        b.assessment(pid, r, date(2026, 12, 8), date(2027, 2, 11))
    b.save(engine)

    r = client.get("/measures/AS_45WD?date=2027-03-31")
    assert r.status_code == 200, r.text
    hrefs = re.findall(r'href="([^"]*)"', r.text)
    assert any("dimension=worker&amp;slice=W7" in h for h in hrefs), hrefs
    # The worker's name is on the page (slice table, child list) but in no link.
    assert "Worker W7" in r.text
    assert not [h for h in hrefs if "Worker" in h or "Child" in h or "Test" in h]
    [ev] = _events(engine, "child_list.read")
    assert (ev.username, ev.authority_code, ev.object_type, ev.object_id) == (
        user.username,
        "LA1",
        "measure",
        "AS_45WD:2027-03-31",
    )
    assert ev.detail is not None and "rows listed=2 of 2" in ev.detail

    # The worker slice is chosen by id and shows the worker's rows; a second read, a second event.
    r = client.get("/measures/AS_45WD?date=2027-03-31&dimension=worker&slice=W7")
    assert r.status_code == 200, r.text
    assert "Showing worker “Worker W7 (W7)”" in r.text
    assert 'data-person="C1"' in r.text and 'data-person="C2"' in r.text
    events = _events(engine, "child_list.read")
    assert len(events) == 2
    assert any(e.detail and "dimension=worker; slice=W7" in e.detail for e in events)
    # The trail holds ids and counts only: no child's or worker's name.
    assert not [e for e in events if e.detail and ("Worker W7" in e.detail or "Test" in e.detail)]


def test_the_children_behind_a_figure_are_listed_a_page_at_a_time(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    from grip.web.routes.measures import ROWS_PER_PAGE

    signed_in("performance_analyst", "LA1")
    b = CaseBook("LA1")
    count = ROWS_PER_PAGE + 5
    for n in range(count):
        pid = f"C{n:03d}"
        b.child(pid)
        r = b.referral(pid, date(2026, 12, 7))
        b.assessment(pid, r, date(2026, 12, 8), date(2027, 2, 11))
    b.save(engine)
    first = client.get("/measures/AS_45WD?date=2027-03-31&failing=false")
    assert first.status_code == 200, first.text
    assert first.text.count('data-person="C') == ROWS_PER_PAGE
    assert f"1 to {ROWS_PER_PAGE} shown (page 1 of 2)" in first.text
    # The next page keeps the filters people chose.
    assert "?date=2027-03-31&amp;failing=false&amp;page=2#children" in first.text
    second = client.get("/measures/AS_45WD?date=2027-03-31&page=2")
    assert second.text.count('data-person="C') == 5
    assert f"{ROWS_PER_PAGE + 1} to {count} shown (page 2 of 2)" in second.text
    beyond = client.get("/measures/AS_45WD?date=2027-03-31&page=9")  # the last page, not none
    assert beyond.text.count('data-person="C') == 5
    with Session(engine) as db:
        details = db.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "child_list.read")
        ).all()
    assert any(f"page 2; rows listed=5 of {count}" in (d or "") for d in details)


def test_pack_downloads_from_the_dashboard_without_restricted_children_and_is_audited(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    import io

    import openpyxl

    signed_in("performance_analyst", "LA1")
    _book(engine)
    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope("LA1"), "C2", "test", dt.date(2027, 6, 1), [])
    page = client.get("/measures?date=2027-03-31")
    assert 'href="/measures/pack.xlsx?date=2027-03-31"' in page.text
    r = client.get("/measures/pack.xlsx?date=2027-03-31")
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    [summary] = [row for row in wb["Summary"].iter_rows(values_only=True) if row[1] == "AS_45WD"]
    assert summary[5:7] == (1, 2)  # C2 (late, restricted) still counted
    listed = [row for row in wb["Children not meeting"].iter_rows(values_only=True)]
    assert all(row[1] != "C2" for row in listed)  # ... but never listed
    assert all(row[1] != "C2" for row in wb["Drift"].iter_rows(values_only=True))
    with Session(engine) as db:
        [ev] = db.scalars(select(AuditEvent).where(AuditEvent.action == "export.xlsx")).all()
    assert (ev.object_type, ev.object_id) == ("measures_pack", "LA1:2027-03-31")


def test_pack_download_is_refused_to_a_social_worker(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    signed_in("social_worker", "LA1")
    _book(engine)
    assert client.get("/measures/pack.xlsx?date=2027-03-31").status_code == 403
    assert "pack.xlsx" not in client.get("/measures?date=2027-03-31").text


def test_a_social_worker_sees_the_figures_but_not_the_children_behind_them(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    """Need to know (docs/access.md, "What a social worker sees"): the LA's figures, not the
    list of every worker's children behind them; nothing is logged as a child-list read."""
    signed_in("social_worker", "LA1")
    _book(engine)
    r = client.get("/measures/AS_45WD?date=2027-03-31")
    assert r.status_code == 200, r.text
    assert '<strong id="measure-denominator">2</strong>' in r.text
    assert 'id="children-not-listed"' in r.text
    assert 'data-person="C1"' not in r.text and 'id="child-list"' not in r.text
    with Session(engine) as db:
        reads = db.scalars(select(AuditEvent).where(AuditEvent.action == "child_list.read"))
        assert list(reads) == []


def test_the_children_behind_a_measure_download_as_csv_without_restricted_children(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    """Every page of the drill-down in one file, through the safe writer; a restricted child
    is never in it (as in the performance pack); the export is in the audit trail."""
    import csv
    import io

    signed_in("performance_analyst", "LA1")
    _book(engine)
    page = client.get("/measures/AS_45WD?date=2027-03-31").text
    assert 'id="children-download"' in page
    r = client.get("/measures/AS_45WD/children.csv?date=2027-03-31")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Child", "Item", "In numerator"]
    assert sorted(row[0] for row in rows[1:]) == ["C1", "C2"]
    late = next(row for row in rows[1:] if row[0] == "C2")
    assert late[2] == "No" and late[4] == "12 February 2027"  # dates in words
    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope("LA1"), "C2", "test", dt.date(2027, 6, 1), [])
    r = client.get("/measures/AS_45WD/children.csv?date=2027-03-31&failing=true")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == []  # C2, the only one late, is restricted
    with Session(engine) as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "export.csv")).all()
    assert [e.object_id for e in events] == ["AS_45WD:2027-03-31"] * 2


def test_the_children_download_is_for_those_who_may_export(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    signed_in("team_manager", "LA1")
    _book(engine)
    assert 'id="children-download"' not in client.get("/measures/AS_45WD?date=2027-03-31").text
    assert client.get("/measures/AS_45WD/children.csv?date=2027-03-31").status_code == 403
