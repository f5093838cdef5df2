"""Every route driven with hostile values answers without a server error (penetration test,
December 2026: dates 0001-01-01 and 9999-12-31, quarter 9999-Q4, a 300-character path
segment, a 25-digit id, an unknown user id and ``template_id=../x`` each gave a 500 with a
logged traceback).

The routes are enumerated from the app; each is called, signed in as a role allowed to use it,
once per hostile value in every path parameter, every query parameter and (for state-changing
routes) every form field any template names. Nothing may answer 5xx.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from accounts import app_role_settings, make_user, plant_rows, sign_in
from grip.access.scope import Scope, scoped, system_job
from grip.audits.lifecycle import As
from grip.inspections.records import NewInspection, create_inspection
from grip.store.base import Base
from grip.web.app import create_app, iter_routes
from grip.web.security import UNSAFE_METHODS

MATRIX = yaml.safe_load(
    (Path(__file__).parents[1] / "access" / "authz_matrix.yaml").read_text(encoding="utf-8")
)["routes"]
TEMPLATES = Path(__file__).parents[2] / "src" / "grip" / "web" / "templates"

HOSTILE = [
    "0001-01-01",
    "9999-12-31",
    "9999-Q4",
    "x" * 300,
    "9" * 25,
    "999999",
    "../x",
]
# Broad roles first: each route is called as the first of these allowed to use it.
PREFERENCE = [
    "qa_lead",
    "head_of_service",
    "la_admin",
    "dcs",
    "performance_analyst",
    "team_manager",
    "auditor",
    "social_worker",
    "inspector",
    "platform_operator",
]
SKIP = {"POST /sign-out", "POST /sign-in", "POST /sign-in/code", "POST /account/la"}


def _form_fields() -> list[str]:
    """Every form field name any template uses."""
    names: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_.]+)"', path.read_text(encoding="utf-8")))
    return sorted(names - {"csrf_token"})


def _routes(app: Any) -> dict[str, list[tuple[str, APIRoute]]]:
    """``{role: [(method, route), ...]}``: who calls each non-public route."""
    out: dict[str, list[tuple[str, APIRoute]]] = defaultdict(list)
    for route in iter_routes(app):
        if not isinstance(route, APIRoute):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            key = f"{method} {route.path}"
            entry = MATRIX[key]
            if key in SKIP or entry["permission"] == "public":
                continue
            role = next(r for r in PREFERENCE if r in entry["allow"])
            out[role].append((method, route))
    return out


def _path(
    route: APIRoute, key: str, ids: dict[str, str], hostile: dict[str, str] | None = None
) -> str:
    params = {**ids, "fmt": "csv", "measure_id": "FD_CONTACTS", **(MATRIX[key].get("params") or {})}
    params |= hostile or {}

    def fill(m: re.Match[str]) -> str:
        return str(params.get(m.group(1), "1"))

    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", fill, route.path)


def _calls(
    method: str, route: APIRoute, ids: dict[str, str], fields: list[str]
) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(url, query, form) for every hostile value in every place the route takes input."""
    key = f"{method} {route.path}"
    calls: list[tuple[str, dict[str, str], dict[str, str]]] = [(_path(route, key, ids), {}, {})]
    for value in HOSTILE:
        for p in route.dependant.path_params:
            calls.append((_path(route, key, ids, {p.name: value}), {}, {}))
        for q in route.dependant.query_params:
            calls.append((_path(route, key, ids), {q.name: value}, {}))
        if method in UNSAFE_METHODS:
            calls.append((_path(route, key, ids), {}, dict.fromkeys(fields, value)))
    return calls


def _drive(
    c: TestClient,
    csrf: str,
    role: str,
    method: str,
    route: APIRoute,
    ids: dict[str, str],
    fields: list[str],
) -> list[str]:
    """Call one route with every hostile value; the calls that answered 5xx."""
    failures = []
    for n, (url, query, form) in enumerate(_calls(method, route, ids, fields)):
        r = c.request(
            method,
            url,
            params=query,
            data={**form, "csrf_token": csrf} if method in UNSAFE_METHODS else None,
            headers={"accept": "text/html"},
            follow_redirects=False,
        )
        if r.status_code >= 500:
            where = "form" if form else "query" if query else "path"
            value = next(iter({**query, **form}.values()), "")[:24]
            failures.append(f"{role} {method} {url[:90]} {where}={value}: {r.status_code}")
        elif n == 0 and r.status_code == 404:
            # The planted objects do not reach this route: hostile queries and forms would
            # stop at the same "not found", so only its hostile path values are tried.
            return failures + _paths_only(c, csrf, role, method, route, ids)
    return failures


def _paths_only(
    c: TestClient, csrf: str, role: str, method: str, route: APIRoute, ids: dict[str, str]
) -> list[str]:
    key = f"{method} {route.path}"
    failures = []
    for value in HOSTILE:
        for p in route.dependant.path_params:
            url = _path(route, key, ids, {p.name: value})
            data = {"csrf_token": csrf} if method in UNSAFE_METHODS else None
            r = c.request(method, url, data=data, follow_redirects=False)
            if r.status_code >= 500:
                failures.append(f"{role} {method} {url[:90]} path: {r.status_code}")
    return failures


def _plant(engine: Engine) -> dict[str, str]:
    """A case, an audit of it and an inspection in LA1 (and a case in LA2), so object routes
    reach their forms' handling."""
    plant_rows(engine, "LA1", "P-OWN", "own")
    plant_rows(engine, "LA2", "P-OTHER", "other")
    audit = Base.metadata.tables["audit"]
    with system_job("test setup: a planted audit"), engine.begin() as conn:
        conn.execute(
            update(audit).values(
                template_id="single-case-2015", template_version=1, state="allocated"
            )
        )
    lead = make_user(engine, "qa_lead", "LA1")
    with scoped(engine, Scope("LA1", lead.id, lead.role)) as db:
        spec = NewInspection("standard", "mock", fieldwork_start=dt.date(2026, 3, 2))
        inspection = create_inspection(db, "LA1", spec, As(lead.id, lead.role))
        return {"audit_id": "P-OWN-audit", "inspection_id": inspection.id}


def test_no_route_answers_a_hostile_value_with_a_server_error(
    settings: Any, engine: Engine
) -> None:
    ids = _plant(engine)
    fields = _form_fields()
    failures: list[str] = []
    with app_role_settings(settings, engine) as app_settings:
        app = create_app(app_settings)
        for role, routes in _routes(app).items():
            with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
                user = sign_in(c, engine, make_user(engine, role, "LA1"))
                for method, route in routes:
                    failures += _drive(c, user.csrf_token, role, method, route, ids, fields)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
