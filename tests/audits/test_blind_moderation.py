"""Blind moderation: a moderator appointed to a submitted audit sees none of the auditor's
grades (the audit page, the audit list, the quarterly report and its workbook) until their own
moderation is recorded, while everyone else still does."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from accounts import TestUser, make_user, sign_in
from grip.access.scope import Scope, scoped
from grip.audits import lifecycle as lc
from grip.audits.reports import quarter_of

from .conftest import add_child, add_rows, quick_user
from .helpers import to_submitted

LA = "LA1"
MONTH = "2026-10"
QUARTER = quarter_of(dt.date(2026, 10, 15))


def _client(app: Any, engine: Engine, role: str) -> tuple[TestClient, TestUser]:
    c = TestClient(app, base_url="http://127.0.0.1")
    return c, sign_in(c, engine, make_user(engine, role, LA))


def _submitted_outstanding(engine: Engine, moderator: TestUser) -> str:
    """An audit graded Outstanding by its auditor, submitted, with ``moderator`` appointed."""
    add_rows(engine, "ssd_department", [{"dept_team_id": "T1", "dept_team_name": "Assessment 1"}])
    add_child(engine, "P1", "T1")
    qa, auditor = quick_user(engine, "qa_lead"), quick_user(engine, "auditor")
    with scoped(engine, Scope(LA)) as db:
        a = lc.allocate(
            db, la_code=LA, person_id="P1", auditor_id=auditor.user_id, actor=qa, month=MONTH
        )
        to_submitted(db, a, auditor, grade="outstanding")
        lc.appoint_moderator(db, a, qa, moderator.id, "second_auditor")
        return a.id


def _grades_seen(c: TestClient, aid: str) -> dict[str, Any]:
    page = c.get(f"/audits/{aid}").text
    listing = c.get("/audits").text
    report = c.get(f"/audits/reports?quarter={QUARTER}").text
    audits = re.search(r'data-figure="audits">.*?__value">(\d+)<', report, re.S)
    xlsx = c.get(f"/audits/reports/{QUARTER}.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    row = listing.split(f'data-audit="{aid}"', 1)[1].split("</tr>", 1)[0]
    final = page.split('id="final-grade">', 1)[1].split("<", 1)[0]
    return {
        "page": final,
        "list": "Outstanding" in row,
        "report": int(audits.group(1)) if audits else None,
        "workbook": summary["Audits in the quarter"],
    }


def test_the_moderator_sees_no_grade_of_the_auditor_anywhere(app: Any, engine: Engine) -> None:
    mod_client, moderator = _client(app, engine, "team_manager")
    qa_client, _qa = _client(app, engine, "qa_lead")
    aid = _submitted_outstanding(engine, moderator)
    assert _grades_seen(qa_client, aid) == {
        "page": "Outstanding",
        "list": True,
        "report": 1,
        "workbook": 1,
    }
    assert _grades_seen(mod_client, aid) == {
        "page": "Hidden until your moderation is complete",
        "list": False,
        "report": 0,
        "workbook": 0,
    }
