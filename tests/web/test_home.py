"""The home page (penetration test, December 2026): an external inspector saw the LA-wide
caseload totals and overdue counts there, which tell them about cases outside their sample.
A sample-only role sees neither; the LA's own roles still do."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import make_user, plant_rows, sign_in


def _home(app: Any, engine: Engine, role: str) -> str:
    with TestClient(app, base_url="http://127.0.0.1") as c:
        sign_in(c, engine, make_user(engine, role, "LA1"))
        r = c.get("/")
        assert r.status_code == 200
        return r.text


def test_an_inspector_sees_no_la_wide_totals(app: Any, engine: Engine) -> None:
    plant_rows(engine, "LA1", "P-HOME", "home")
    page = _home(app, engine, "inspector")
    assert 'id="headline-counts"' not in page and 'id="attention"' not in page
    manager = _home(app, engine, "head_of_service")
    assert 'id="headline-counts"' in manager and 'id="attention"' in manager
