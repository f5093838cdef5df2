"""Canaries: strings planted in every text field of two LAs' data and of a
restricted case never appear in another LA's — or a non-listed user's — pages, API answers,
exports (XLSX and DOCX unzipped, their XML scanned) or logs.

Every GET route of the app is walked as every role, so case pages added later are covered
as they land. Positive controls prove the canaries are visible where they should be.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import app_role_settings, make_user, plant_rows, sign_in
from grip.access import audit, restrictions
from grip.access.roles import policy
from grip.access.scope import Scope
from grip.store.db import transaction
from grip.web.app import create_app
from grip.web.security import UNSAFE_METHODS

MATRIX_FILE = Path(__file__).with_name("authz_matrix.yaml")

LA1_CANARY = "CANARYAAA1"
LA2_CANARY = "CANARYBBB2"
RESTRICTED_CANARY = "CANARYRRR9"


def _bodies(response: Any) -> str:
    """Text of a response; XLSX/DOCX are unzipped and every XML part scanned."""
    data = response.content
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _assert_no_formulas(response: Any, body: str) -> int:
    """Zero formulas in an export: no <f> element in XLSX XML, no field of a CSV starting
    with a formula character, no field code in DOCX. Returns 1 if ``response`` was an export."""
    ctype = response.headers.get("content-type", "")
    if response.status_code != 200:
        return 0
    if "spreadsheetml" in ctype:
        assert "<f>" not in body and "<f " not in body, response.url
        return 1
    if "wordprocessingml" in ctype:
        assert "instrText" not in body and "fldSimple" not in body, response.url
        return 1
    if ctype.startswith("text/csv"):
        import csv

        for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), response.url
        return 1
    return 0


def _plant(engine: Engine) -> dict[str, Any]:
    plant_rows(engine, "LA1", "P-A1", LA1_CANARY)
    plant_rows(engine, "LA2", "P-B2", LA2_CANARY)
    plant_rows(engine, "LA1", "P-R1", RESTRICTED_CANARY)
    # Planted audits get values their pages and the quarterly pack can read.
    from sqlalchemy import update

    from grip.access.scope import system_job
    from grip.store.base import Base

    with system_job("test setup: planted audits"), engine.begin() as conn:
        conn.execute(
            update(Base.metadata.tables["audit"]).values(
                template_id="single-case-2015",
                template_version=1,
                state="allocated",
                month="2025-05",
            )
        )
    listed = make_user(engine, "social_worker", "LA1")
    with transaction(engine) as db:
        restrictions.restrict_case(
            db,
            Scope("LA1"),
            "P-R1",
            "restricted for the test",
            dt.date.today() + dt.timedelta(days=60),
            [listed.id],
        )
    # Canaries in the LA2 admin-visible data too: a user's name and an audit event.
    make_user(engine, "social_worker", "LA2", username=f"{LA2_CANARY.lower()}-user")
    audit.record_event(
        engine,
        action="case.read",
        la_code="LA2",
        object_type="case",
        object_id="P-B2",
        detail=LA2_CANARY,
    )
    audit.record_event(
        engine,
        action="case.read",
        la_code="LA1",
        object_type="case",
        object_id="P-A1",
        detail=LA1_CANARY,
    )
    return {"listed": listed}


def _get_urls() -> list[str]:
    matrix = yaml.safe_load(MATRIX_FILE.read_text())["routes"]
    urls = []
    for key, entry in matrix.items():
        method, path = key.split(" ", 1)
        if method in UNSAFE_METHODS or entry["permission"] == "public":
            continue
        params = dict(entry.get("params") or {})
        kind = entry.get("object")
        ids = {"case": ["P-A1", "P-B2", "P-R1"], "user": ["1"]}.get(kind or "", [None])
        names = ("person_id", "user_id", entry.get("param"))
        for oid in ids:
            url = path
            for name in re.findall(r"\{([^}:]+)(?::[^}]*)?\}", path):
                value = oid if oid is not None and name in names else str(params.get(name, "1"))
                url = re.sub(r"\{" + name + r"(?::[^}]*)?\}", value, url)
            urls.append(url)
    urls += [
        "/admin/audit-trail/export?format=xlsx",
        "/admin/audit-trail/export?format=csv",
        "/admin/audit-trail?action=case",
        "/audits/reports/2025-Q2.xlsx",
        "/audits/reports/2025-Q2.docx",
    ]
    return urls


def test_canaries_never_cross_la_or_restriction(
    settings: Any, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _plant(engine)
    urls = _get_urls()
    seen_la1 = False
    exports: set[str] = set()
    for role in policy().roles:
        with (
            app_role_settings(settings, engine) as app_settings,
            TestClient(create_app(app_settings), base_url="http://127.0.0.1") as c,
        ):
            # On PostgreSQL the app runs as a grip_app member: row-level security applies.
            sign_in(c, engine, make_user(engine, role, "LA1"))
            for url in urls:
                for accept in ("text/html", "application/json"):
                    r = c.get(url, headers={"accept": accept}, follow_redirects=False)
                    assert r.status_code < 500, (role, url, r.status_code)
                    body = _bodies(r)
                    if _assert_no_formulas(r, body):
                        exports.add(url)
                    assert LA2_CANARY not in body and LA2_CANARY.lower() not in body, (role, url)
                    assert RESTRICTED_CANARY not in body, (role, url)
                    assert "P-B2" not in body, (role, url)
                    seen_la1 = seen_la1 or LA1_CANARY in body
    # Positive control: LA1's own data does reach LA1's admin (the audit trail export).
    assert seen_la1
    # The trail's XLSX and CSV, and the audits pack in both formats, were scanned.
    assert exports >= {
        "/admin/audit-trail/export?format=xlsx",
        "/admin/audit-trail/export?format=csv",
        "/audits/reports/2025-Q2.xlsx",
        "/audits/reports/2025-Q2.docx",
    }, exports
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for canary in (LA1_CANARY, LA2_CANARY, RESTRICTED_CANARY):
        assert canary not in logs


def test_la2_admin_sees_la2_canaries_positive_control(settings: Any, engine: Engine) -> None:
    _plant(engine)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        sign_in(c, engine, make_user(engine, "la_admin", "LA2"))
        assert f"{LA2_CANARY.lower()}-user" in c.get("/admin/users").text
        xlsx = _bodies(c.get("/admin/audit-trail/export?format=xlsx"))
        assert LA2_CANARY in xlsx and LA1_CANARY not in xlsx
