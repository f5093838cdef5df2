"""Annex A pages: build and download, upload and filter problems, behind the access rules."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.annex_a.guard import read_workbook

from .caseset import LA, make_caseset
from .test_guard import _cell, _sheet_xml, _xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def analyst(engine: Engine, client: Any, signed_in: Any) -> Any:
    make_caseset(engine)
    user = signed_in(role="performance_analyst", la=LA)
    client.headers["X-CSRF-Token"] = user.csrf_token
    return user


def test_build_page_and_download(analyst: Any, client: Any, tmp_path: Path) -> None:
    page = client.get("/annex-a")
    assert page.status_code == 200
    assert 'name="date"' in page.text and "ofsted-2024" in page.text
    r = client.post("/annex-a/build", data={"date": "2024-06-14", "spec": "ofsted-2024"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert "annex-a-T01-2024-06-14-ofsted-2024.xlsx" in r.headers["content-disposition"]
    out = tmp_path / "dl.xlsx"
    out.write_bytes(r.content)
    names = [s.name for s in read_workbook(out)]
    assert names == ["Cover"] + [f"List {n}" for n in range(1, 12)]


def test_build_with_a_bad_date_shows_the_error(analyst: Any, client: Any) -> None:
    r = client.post("/annex-a/build", data={"date": "14/06/2024", "spec": "ofsted-2024"})
    assert r.status_code == 400
    assert "Enter the inspection date as YYYY-MM-DD" in r.text
    assert 'href="#date"' in r.text


def test_upload_check_and_filter(analyst: Any, client: Any, tmp_path: Path) -> None:
    built = client.post("/annex-a/build", data={"date": "2024-06-14", "spec": "ofsted-2024"})
    # Checked against a year later, the lists fall outside their windows.
    r = client.post(
        "/annex-a/check",
        data={"date": "2025-06-14", "spec": "ofsted-2024"},
        files={"workbook": ("our annex.xlsx", io.BytesIO(built.content), XLSX)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    page = client.get(url)
    assert page.status_code == 200
    assert "our annex.xlsx" in page.text
    assert "window.outside" in page.text
    filtered = client.get(url, params={"list": "8", "rule": "age.mismatch"})
    rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<td", filtered.text)
    assert rows and "List 8" in filtered.text and "List 1</td>" not in filtered.text
    assert "window.outside</code>" not in filtered.text


def test_a_hostile_upload_is_refused_and_the_server_lives(
    analyst: Any, client: Any, tmp_path: Path
) -> None:
    p = _xlsx(tmp_path / "evil.xlsx", _sheet_xml(_cell("A1", 1) + _cell("XFD1048576", 2)))
    r = client.post(
        "/annex-a/check",
        data={"spec": "ofsted-2024"},
        files={"workbook": ("evil.xlsx", p.read_bytes(), XLSX)},
    )
    assert r.status_code == 400
    assert "evil.xlsx: refused" in r.text
    assert client.get("/annex-a/check").status_code == 200


def test_a_report_is_only_for_its_uploader(
    analyst: Any, client: Any, engine: Engine, app: Any, make_user: Any
) -> None:
    from fastapi.testclient import TestClient

    from grip.access.testing import sign_in

    built = client.post("/annex-a/build", data={"date": "2024-06-14", "spec": "ofsted-2024"})
    r = client.post(
        "/annex-a/check",
        data={"spec": "ofsted-2024"},
        files={"workbook": ("a.xlsx", built.content, XLSX)},
        follow_redirects=False,
    )
    url = r.headers["location"]
    assert client.get(url).status_code == 200
    with TestClient(app, base_url="http://127.0.0.1") as other:
        sign_in(other, engine, make_user("qa_lead", la=LA))
        assert other.get(url).status_code == 404


def test_roles_without_annex_a_permission_are_refused(
    engine: Engine, client: Any, signed_in: Any
) -> None:
    make_caseset(engine)
    user = signed_in(role="social_worker", la=LA)
    client.headers["X-CSRF-Token"] = user.csrf_token
    assert client.get("/annex-a").status_code == 403
    assert client.post("/annex-a/build", data={"date": "2024-06-14"}).status_code == 403
    assert client.get("/annex-a/check").status_code == 403


def test_signed_out_is_sent_to_sign_in(client: Any) -> None:
    r = client.get("/annex-a", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
