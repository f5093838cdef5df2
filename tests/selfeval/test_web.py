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

from grip.access.testing import TestUser, make_user, sign_in

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
    assert 'value="2030-01-01"' in bad.text and 'href="#on"' in bad.text
    opened = _post(dcs_c, dcs, "/selfeval/open", {"year": "2026", "on": "2026-06-30"})
    assert opened.status_code == 303 and opened.headers["location"] == "/selfeval/2026"
    page = dcs_c.get("/selfeval/2026")
    assert page.status_code == 200 and "How do you know it?" in page.text
    assert re.search(r'name="version" value="1"', page.text)
    saved = _post(dcs_c, dcs, "/selfeval/2026", {"version": "1", "narrative-know": "DCS view"})
    assert saved.status_code == 303
    stale = _post(qa_c, qa, "/selfeval/2026", {"version": "1", "narrative-know": "QA view"})
    assert stale.status_code == 409 and "Nothing you sent was saved" in stale.text
    assert (
        "Their saved text:</strong> DCS view" in stale.text and ">QA view</textarea>" in stale.text
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
