"""The authorisation matrix: every route × every role × object context.

The matrix is data: ``authz_matrix.yaml`` beside this file lists every route of the app with
its permission and the roles allowed. This test checks the file against the app (a new route
without an entry fails, with the entry to add printed) and against ``permissions.yaml``, then
signs in as each role and exercises every cell:

* a role without the permission gets 403;
* a role with it gets neither 401 nor 403 (nor a server error);
* object routes (``object: user`` / ``object: case``) are also asked about an object in
  another LA and, for cases, a restricted case the user is not on the access list for: both
  answer 404, never 403 — and a restricted case the user *is* listed for is visible;
* user routes are also asked about the signed-in user's own account (``own_account``) and
  about a user with roles in two LAs (``two_las``: DCS in LA2, social worker here), where the
  entry's ``expect:`` says which roles are refused (403): nobody changes their own account,
  and only the platform operator resets, enables or disables a person who works elsewhere.

Regenerate entries with ``.venv/bin/python tests/access/test_authz_matrix.py`` (prints YAML).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import app_role_settings, make_user, plant_rows, sign_in
from grip.access import restrictions
from grip.access.roles import policy
from grip.access.scope import Scope, system_job
from grip.store.db import transaction
from grip.web.app import create_app, iter_routes
from grip.web.security import PERMISSION_ATTR, UNSAFE_METHODS

MATRIX_FILE = Path(__file__).with_name("authz_matrix.yaml")
ROLES = list(policy().roles)


def app_routes(app: Any) -> dict[str, str]:
    """``{"METHOD /path": permission}`` for every route of the app."""
    out: dict[str, str] = {}
    for route in iter_routes(app):
        if not isinstance(route, APIRoute):
            continue
        perm = next(
            getattr(d.call, PERMISSION_ATTR)
            for d in route.dependant.dependencies
            if hasattr(d.call, PERMISSION_ATTR)
        )
        for method in sorted(route.methods - {"HEAD"}):
            out[f"{method} {route.path}"] = perm
    return out


def expected_entry(perm: str) -> dict[str, Any]:
    """The matrix entry for a route needing ``perm``."""
    allow = sorted(ROLES) if perm == "public" else sorted(policy().roles_for(perm))
    return {"permission": perm, "allow": allow}


def load_matrix() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))
    assert data["version"] == 1
    routes: dict[str, dict[str, Any]] = data["routes"]
    return routes


def test_matrix_covers_every_route_and_matches_the_policy(settings: Any) -> None:
    app = create_app(settings)
    actual = app_routes(app)
    matrix = load_matrix()
    missing = {k: expected_entry(v) for k, v in actual.items() if k not in matrix}
    assert not missing, (
        f"routes missing from {MATRIX_FILE} (add them, with 'object:' and 'params:' "
        f"where they take one):\n{yaml.safe_dump(missing, sort_keys=True)}"
    )
    stale = sorted(set(matrix) - set(actual))
    assert not stale, f"{MATRIX_FILE} lists routes the app does not have: {stale}"
    for key, entry in matrix.items():
        assert entry["permission"] == actual[key], f"{key}: permission differs from the route"
        assert sorted(entry["allow"]) == expected_entry(actual[key])["allow"], (
            f"{key}: allowed roles differ from permissions.yaml"
        )


def _objects(engine: Engine) -> dict[str, dict[str, str]]:
    """Objects for object routes: own LA, other LA, restricted (listed / not listed).
    (Users of the own LA are made fresh for each cell: actions change them.)"""
    other_user = make_user(engine, "social_worker", "LA2")
    plant_rows(engine, "LA1", "P-OWN", "own")
    plant_rows(engine, "LA2", "P-OTHER", "other")
    plant_rows(engine, "LA1", "P-RESTRICTED", "restricted")
    _restrict(engine)
    return {
        "user": {
            "own": "fresh",
            "other_la": str(other_user.id),
            "own_account": "self",
            "two_las": "fresh-two-las",
        },
        "case": {
            "own": "P-OWN",
            "other_la": "P-OTHER",
            "restricted": "P-RESTRICTED",
        },
    }


def _restrict(engine: Engine) -> None:
    with transaction(engine) as db:
        restrictions.restrict_case(
            db,
            Scope("LA1"),
            "P-RESTRICTED",
            "test restriction",
            dt.date.today() + dt.timedelta(days=365),
            [],
        )


def _expect(entry: dict[str, Any], ctx: str, role: str) -> int | str:
    """404, 403 or "ok" for a context: other LA and restricted answer 404 unless the entry
    says otherwise (``expect: {context: ok | 404 | 403 | {role: ...}}``; a mapping gives the
    answer per role, "ok" for roles it does not name)."""
    default: dict[str, int | str] = {"other_la": 404, "restricted": 404}
    want = (entry.get("expect") or {}).get(ctx, default.get(ctx, "ok"))
    if isinstance(want, dict):
        want = want.get(role, "ok")
    return want  # type: ignore[no-any-return]


def _url(path: str, entry: dict[str, Any], object_id: str | None) -> str:
    params = dict(entry.get("params") or {})

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        default = {"user": "user_id", "case": "person_id"}.get(entry.get("object", ""), "")
        if name == entry.get("param", default) and object_id is not None:
            return object_id
        return str(params.get(name, "1"))

    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", fill, path)


def _request(c: TestClient, method: str, url: str, csrf: str) -> Any:
    if method in UNSAFE_METHODS:
        return c.request(method, url, data={"csrf_token": csrf}, follow_redirects=False)
    return c.request(method, url, follow_redirects=False)


def _set_row_values(engine: Engine, matrix: dict[str, dict[str, Any]]) -> None:
    """Give planted rows the values their pages need (``set:`` in a row entry)."""
    from sqlalchemy import update

    from grip.store.base import Base

    for entry in matrix.values():
        if entry.get("object") == "row" and entry.get("set"):
            table = Base.metadata.tables[entry["table"]]
            with system_job("test setup: every planted row"), engine.begin() as conn:
                conn.execute(update(table).values(**entry["set"]))


def test_every_cell(settings: Any, engine: Engine) -> None:
    matrix = load_matrix()
    objects = _objects(engine)
    _set_row_values(engine, matrix)
    # Safe methods first, session-ending routes last, so one sign-in serves each role.
    order = sorted(
        matrix,
        key=lambda k: (k.split()[0] in UNSAFE_METHODS, bool(matrix[k].get("ends_session")), k),
    )
    failures: list[str] = []
    for role in ROLES:
        with (
            app_role_settings(settings, engine) as app_settings,
            TestClient(create_app(app_settings), base_url="http://127.0.0.1") as c,
        ):
            # On PostgreSQL the app runs as a grip_app member: row-level security applies.
            user = sign_in(c, engine, make_user(engine, role, "LA1"))
            if role == "inspector":
                with transaction(engine) as db:
                    from grip.access import users

                    row = users.get_user(db, user.username)
                    assert row is not None
                    users.set_inspection_sample(db, row, "LA1", ["P-OWN", "P-RESTRICTED"])
            for key in order:
                entry = matrix[key]
                method, path = key.split(" ", 1)
                if entry["permission"] == "public":
                    continue  # open by design; exercised by the sign-in tests
                allowed = role in entry["allow"]
                kind = entry.get("object")
                contexts: list[tuple[str, str | None]] = [("plain", None)]
                if kind == "row":
                    # A row planted by plant_rows in entry["table"]: its id is derived from
                    # the person id (own LA, other LA, restricted case).
                    contexts = [
                        (ctx, f"{pid}-{entry['table']}"[:48])
                        for ctx, pid in objects["case"].items()
                    ]
                elif kind:
                    contexts = [(ctx, oid) for ctx, oid in objects[kind].items()]
                for ctx, oid in contexts:
                    if kind == "case":
                        _restrict(engine)  # a lift in an earlier cell must not leak
                    if kind == "user" and oid == "fresh":
                        oid = str(make_user(engine, "social_worker", "LA1").id)
                    elif kind == "user" and oid == "fresh-two-las":
                        two = make_user(engine, "dcs", "LA2", extra={"LA1": "social_worker"})
                        oid = str(two.id)
                    elif kind == "user" and oid == "self":
                        oid = str(user.id)
                    r = _request(c, method, _url(path, entry, oid), user.csrf_token)
                    cell = f"{key} × {role} × {ctx}: {r.status_code}"
                    if r.status_code >= 500:
                        failures.append(cell + " (server error)")
                    elif not allowed:
                        if r.status_code != 403:
                            failures.append(cell + " (expected 403)")
                    elif (want := _expect(entry, ctx, role)) != "ok":
                        if r.status_code != want:
                            failures.append(cell + f" (expected {want})")
                    elif r.status_code in ((401, 403) if ctx == "plain" else (401, 403, 404)):
                        # Plain routes get placeholder ids, so "not found" is fine there.
                        failures.append(cell + " (expected access)")
                    if entry.get("ends_session"):
                        user = sign_in(c, engine, user)
    assert not failures, "\n".join(failures)


if __name__ == "__main__":  # print the matrix entries for the current app
    from grip.settings import Settings

    routes = app_routes(create_app(Settings()))
    current = load_matrix() if MATRIX_FILE.exists() else {}
    out = {
        k: {
            **expected_entry(v),
            **{x: y for x, y in current.get(k, {}).items() if x not in ("permission", "allow")},
        }
        for k, v in sorted(routes.items())
    }
    yaml.safe_dump({"version": 1, "routes": out}, sys.stdout, sort_keys=False, width=100)
