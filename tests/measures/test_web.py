"""Measures pages: dashboard, drill-down with restricted cases left out, permissions."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from sqlalchemy import Engine

from grip.access import restrictions
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
    assert '<strong id="measure-denominator">2.0</strong>' in r.text
    # ... but the list behind it leaves the restricted case out and says so.
    assert 'data-person="C1"' in r.text
    assert 'data-person="C2"' not in r.text
    assert "1 restricted or out-of-sample case" in r.text


def test_measure_pages_need_sign_in_and_reject_bad_input(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    r = client.get("/measures", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
    signed_in("qa_lead", "LA1")
    assert client.get("/measures/NOPE").status_code == 404
    r = client.get("/measures?date=31-03-2027")
    assert r.status_code == 400
    assert "YYYY-MM-DD" in r.text
