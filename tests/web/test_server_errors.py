"""Each server error the penetration test found (December 2026), reproduced: every one now
answers a 4xx saying what was wrong, and a failing query's log holds no parameter values.
The sweep over every route is ``test_hostile_values.py``."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from accounts import make_user, sign_in

LONG = "x" * 300
BIG = "9" * 25

# (role, method, url, expected status, words the answer must hold)
FINDINGS = [
    ("la_admin", "POST", f"/admin/users/{BIG}/reset", 422, "user_id"),
    ("la_admin", "POST", f"/admin/users/{BIG}/disable", 422, "user_id"),
    ("la_admin", "GET", "/admin/audit-trail?until=9999-12-31", 400, "until"),
    ("la_admin", "GET", "/admin/audit-trail/export?since=0001-01-01", 400, "between 1900 and 2099"),
    ("qa_lead", "GET", "/audits/reports?quarter=9999-Q4", 422, "quarter"),
    ("qa_lead", "GET", "/audits/reports/9999-Q4.xlsx", 422, "quarter"),
    ("qa_lead", "GET", "/measures?date=0001-01-01", 400, "between 1900 and 2099"),
    ("qa_lead", "GET", "/measures?date=9999-12-31", 400, "between 1900 and 2099"),
    ("qa_lead", "GET", "/measures/FD_CONTACTS?date=9999-12-31", 400, "31 December 2099"),
    ("qa_lead", "GET", f"/annex-a/check/{LONG}", 404, "Check an Annex A workbook"),
    ("qa_lead", "GET", f"/selfeval/{BIG}", 422, "year"),
]


@pytest.mark.parametrize(("role", "method", "url", "status", "words"), FINDINGS)
def test_each_finding_answers_a_clear_4xx(
    app: Any, engine: Engine, role: str, method: str, url: str, status: int, words: str
) -> None:
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        user = sign_in(c, engine, make_user(engine, role, "LA1"))
        data = {"csrf_token": user.csrf_token} if method == "POST" else None
        r = c.request(method, url, data=data, headers={"accept": "text/html"})
    assert r.status_code == status, r.text[:500]
    assert words in r.text


def test_annex_a_build_refuses_dates_outside_the_calendar(app: Any, engine: Engine) -> None:
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        user = sign_in(c, engine, make_user(engine, "qa_lead", "LA1"))
        for when in ("0001-01-01", "9999-12-31"):
            r = c.post("/annex-a/build", data={"csrf_token": user.csrf_token, "date": when})
            assert r.status_code == 400, when
            assert "Inspection date must be between 1900 and 2099" in r.text
        r = c.post("/annex-a/build", data={"csrf_token": user.csrf_token, "spec": LONG})
        assert r.status_code == 400
        assert "Choose one of the templates listed" in r.text


def test_unknown_transition_and_template_are_refused(app: Any, engine: Engine) -> None:
    from grip.access.scope import Scope, scoped
    from grip.audits import lifecycle as lc

    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        qa = sign_in(c, engine, make_user(engine, "qa_lead", "LA1"))
        r = c.post(
            "/audits/allocate",
            data={
                "csrf_token": qa.csrf_token,
                "person_id": "C100",
                "auditor_id": str(qa.id),
                "template_id": "../x",
            },
        )
        assert r.status_code == 400 and "no audit template" in r.text
        with scoped(engine, Scope("LA1")) as db:
            aid = lc.allocate(
                db,
                la_code="LA1",
                person_id="C100",
                auditor_id=qa.id,
                actor=lc.As(qa.id, "qa_lead"),
                month="2026-10",
            ).id
        r = c.post(f"/audits/{aid}/transition", data={"csrf_token": qa.csrf_token, "name": LONG})
        assert r.status_code == 400 and "Step must be 60 characters or fewer" in r.text


def test_a_failing_query_logs_no_parameter_values(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLAlchemy's error message (which ends up in tracebacks and logs) must not carry the
    statement's values: the engines are made with ``hide_parameters``."""
    secret = "P-SECRET-PERSON-4471"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DBAPIError) as exc, engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": secret})
    logging.getLogger("test").exception("query failed", exc_info=exc.value)
    assert secret not in str(exc.value)
    assert secret not in caplog.text
    assert "hidden due to hide_parameters" in str(exc.value)
