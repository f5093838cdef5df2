"""Schemathesis over the JSON API as every role: no server error, no
cross-LA read (LA2's canaries never appear for an LA1 user), and nothing without sign-in."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from accounts import make_user, plant_rows, sign_in
from grip.access.roles import policy
from grip.web.app import create_app

CANARY = "CANARYAPI2"


def _api_schema(app: Any) -> Any:
    raw = get_openapi(title=app.title, version=app.version, routes=app.routes)
    raw["paths"] = {p: v for p, v in raw["paths"].items() if p.startswith("/api/")}
    assert raw["paths"], "the app has no JSON API routes"
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


def test_api_as_every_role(engine: Engine, settings: Any) -> None:
    plant_rows(engine, "LA2", "P-API", CANARY)
    app = create_app(settings)
    schema = _api_schema(app)
    operations = [r.ok() for r in schema.get_all_operations()]
    cookie = "grip_session"
    checked = 0
    seen: set[Any] = set()
    for role in [None, *policy().roles]:
        headers: dict[str, str] = {"accept": "application/json"}
        cookies: dict[str, str] = {}
        if role is not None:
            with TestClient(app, base_url="http://127.0.0.1") as c:
                user = sign_in(c, engine, make_user(engine, role, "LA1"))
                cookies = {cookie: c.cookies.get(cookie) or ""}
                headers["x-csrf-token"] = user.csrf_token
        for op in operations:
            _fuzz(op, role, cookies, headers, seen)
            checked += 1
    assert checked == len(operations) * (len(policy().roles) + 1)
    # The signed-in calls really were signed in: readers got answers, not 401s.
    assert ("social_worker", 200) in seen and (None, 401) in seen


def _fuzz(
    op: Any, role: str | None, cookies: dict[str, str], headers: dict[str, str], seen: set[Any]
) -> None:
    @settings_for_fuzz
    @given(case=op.as_strategy())
    def check(case: Any) -> None:
        response = case.call(headers=headers, cookies=cookies)
        assert response.status_code < 500, (role, case.path, response.status_code)
        if role is None:
            assert response.status_code == 401, (case.path, response.status_code)
        assert CANARY not in response.text, (role, case.path)
        seen.add((role, response.status_code))

    check()


settings_for_fuzz = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
