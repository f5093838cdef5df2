"""Self-evaluation pages: open, write, a stale save refused with the other's change shown,
refresh errors in place, export, readiness, and roles."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import TestUser, make_user, sign_in

from .conftest import LA, LAWorld

pytestmark = pytest.mark.slow


def _client(app: Any, engine: Engine, role: str) -> tuple[TestClient, TestUser]:
    c = TestClient(app, base_url="http://127.0.0.1")
    return c, sign_in(c, engine, make_user(engine, role, LA))


def _post(c: TestClient, user: TestUser, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, data={"csrf_token": user.csrf_token, **data}, follow_redirects=False)


def test_write_conflict_refresh_export_and_roles(app: Any, la: LAWorld) -> None:
    dcs_c, dcs = _client(app, la.engine, "dcs")
    qa_c, qa = _client(app, la.engine, "qa_lead")
    bad = _post(dcs_c, dcs, "/selfeval/open", {"year": "2026", "on": "2030-01-01"})
    assert bad.status_code == 400 and "after today (2026-10-15)" in bad.text
    assert 'name="on-year" type="text" value="2030"' in bad.text and 'href="#on-day"' in bad.text
    opened = _post(dcs_c, dcs, "/selfeval/open", {"year": "2026", "on": "2026-06-30"})
    assert opened.status_code == 303 and opened.headers["location"] == "/selfeval/2026"
    # A second self-evaluation for the same year opens the existing one, never a duplicate.
    again = _post(dcs_c, dcs, "/selfeval/open", {"year": "2026", "on": "2026-05-31"})
    assert again.status_code == 303 and again.headers["location"] == "/selfeval/2026"
    page = dcs_c.get("/selfeval/2026")
    assert page.status_code == 200 and "How do you know it?" in page.text
    assert re.search(r'name="version" value="1"', page.text)
    saved = _post(dcs_c, dcs, "/selfeval/2026", {"version": "1", "narrative-know": "DCS view"})
    assert saved.status_code == 303
    stale = _post(qa_c, qa, "/selfeval/2026", {"version": "1", "narrative-know": "QA view"})
    assert stale.status_code == 409 and "Nothing you sent was saved" in stale.text
    assert (
        "Their saved text for “Your overview”:</strong> DCS view" in stale.text
        and ">QA view</textarea>" in stale.text
    )
    # Who saved is shown by name, in the refusal and in the versions table, never a user id.
    assert "Test dcs edited narrative" in stale.text
    assert re.search(r"<td class=\"govuk-table__cell\">Test dcs</td>", stale.text)
    early = _post(dcs_c, dcs, "/selfeval/2026/refresh", {"version": "2", "on": "1990-01-01"})
    assert early.status_code == 400 and "before LA1&#39;s data starts" in early.text
    fresh = _post(dcs_c, dcs, "/selfeval/2026/refresh", {"version": "2", "on": "2026-09-30"})
    assert (
        fresh.status_code == 200
        and 'id="moved"' in fresh.text
        and ">DCS view</textarea>" in fresh.text
    )
    got = dcs_c.get("/selfeval/2026/export.docx")
    assert got.status_code == 200
    assert docx.Document(io.BytesIO(got.content)).core_properties.title.endswith("2026")
    pdf = dcs_c.get("/selfeval/2026/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ready = dcs_c.get("/selfeval/readiness")
    assert ready.status_code == 200 and "No inspection history recorded" in ready.text
    analyst_c, analyst = _client(app, la.engine, "performance_analyst")
    assert analyst_c.get("/selfeval/2026").status_code == 200
    assert _post(analyst_c, analyst, "/selfeval/2026", {"version": "3"}).status_code == 403
    social_c, _ = _client(app, la.engine, "social_worker")
    assert social_c.get("/selfeval").status_code == 403


def _meeting_form(on: str, roles: list[str], agreed: str = "") -> dict[str, Any]:
    return {
        "meeting_on": on,
        "agenda_agreed_on": agreed,
        "attendee-name": [f"Person {i}" for i, _ in enumerate(roles, start=1)] + ["", ""],
        "attendee-role": [*roles, "", ""],
        "agenda": ["The possible scope of a focused visit"],
        "agenda_other": "Front door changes",
        "notes": "",
    }


def test_engagement_meeting_pages_paras_46_to_48(app: Any, la: LAWorld) -> None:
    """Record the meeting (errors in place, typed values kept), see the letter overdue a month
    on (para 48), record the letter, and a second meeting for the year is refused."""
    dcs_c, dcs = _client(app, la.engine, "dcs")
    assert "No meeting has been recorded" in dcs_c.get("/selfeval/meetings").text
    bad = _post(dcs_c, dcs, "/selfeval/meetings", _meeting_form("2026-05-01", ["DCS"]))
    assert bad.status_code == 400 and "para 46" in bad.text
    assert 'href="#attendee-name-1"' in bad.text and 'value="Person 1"' in bad.text
    assert (
        'value="Front door changes"' not in bad.text
        and ">Front door changes</textarea>" in bad.text
    )
    late = _post(
        dcs_c, dcs, "/selfeval/meetings", _meeting_form("2026-05-01", ["DCS", "HMI"], "2026-05-03")
    )
    assert late.status_code == 400 and 'href="#agenda_agreed_on-day"' in late.text
    assert (
        "para 47" in late.text and 'name="agenda_agreed_on-day" type="text" value="3"' in late.text
    )
    baddate = _post(dcs_c, dcs, "/selfeval/meetings", _meeting_form("1/5/2026", ["DCS", "HMI"]))
    assert (
        baddate.status_code == 400
        and "Date of the meeting must be a real date, like 2027-04-02" in baddate.text
    )
    ok = _post(
        dcs_c, dcs, "/selfeval/meetings", _meeting_form("2026-05-01", ["DCS", "HMI"], "2026-04-20")
    )
    assert ok.status_code == 303
    url = ok.headers["location"]
    page = dcs_c.get(url)
    assert page.status_code == 200 and "Person 2, HMI" in page.text
    # Today is 15 October 2026: the letter was due by 1 June 2026 (para 48).
    assert "Letter overdue" in page.text and "1 June 2026" in page.text
    assert "not for publication and holds no judgement" in page.text
    listing = dcs_c.get("/selfeval/meetings")
    assert "Letter overdue" in listing.text and "1 May 2026" in listing.text
    future = _post(dcs_c, dcs, f"{url}/letter", {"received_on": "2026-11-01", "summary": "x"})
    assert future.status_code == 400 and 'href="#received_on-day"' in future.text
    assert 'name="received_on-month" type="text" value="11"' in future.text
    letter = _post(
        dcs_c, dcs, f"{url}/letter", {"received_on": "2026-05-28", "summary": "Focused visit scope"}
    )
    assert letter.status_code == 303
    page = dcs_c.get(url)
    assert "Letter received" in page.text and "Letter overdue" not in page.text
    again = _post(dcs_c, dcs, "/selfeval/meetings", _meeting_form("2026-09-01", ["DCS", "HMI"]))
    assert again.status_code == 400 and "already recorded (1 May 2026)" in again.text
    assert f'href="{url}"' in again.text
    notes = {**_meeting_form("2026-05-01", ["DCS", "HMI"], "2026-04-20"), "notes": "Good talk"}
    assert _post(dcs_c, dcs, url, notes).status_code == 303
    assert "Good talk" in dcs_c.get(url).text
    analyst_c, analyst = _client(app, la.engine, "performance_analyst")
    assert analyst_c.get(url).status_code == 200
    assert (
        _post(analyst_c, analyst, f"{url}/letter", {"received_on": "2026-05-28"}).status_code == 403
    )
    missing = dcs_c.get("/selfeval/meetings/nope")
    assert missing.status_code == 404
    assert "no such annual engagement meeting" in missing.text
    no_year = dcs_c.get("/selfeval/1999")
    assert no_year.status_code == 404 and "no self-evaluation for 1999" in no_year.text
    assert dcs_c.get("/selfeval/1999/export.pdf").status_code == 404
