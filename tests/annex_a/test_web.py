"""Annex A pages: build and download, upload and filter problems, behind the access rules."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import jobwork
from grip.annex_a.guard import read_workbook
from grip.jobs import user_owner

from . import jobs
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
    assert 'name="date-day"' in page.text and 'value="ofsted-2024" selected' in page.text
    started = client.post(
        "/annex-a/build", data={"date": "2024-06-14", "spec": "ofsted-2024"}, follow_redirects=False
    )
    ready = jobs.finish(client, started)
    assert ready.status_code == 200 and "Download the workbook" in ready.text
    # Each list's row count is shown before the download, adding up to the total.
    import re

    shown = re.findall(
        r'<td class="govuk-table__cell">(List \d+)</td><td[^>]*>([\d,]+)</td>', ready.text
    )
    assert [name for name, _ in shown] == [f"List {n}" for n in range(1, 12)]
    total = re.search(r"([\d,]+) rows in the eleven lists", ready.text)
    assert total and sum(int(n.replace(",", "")) for _, n in shown) == int(
        total[1].replace(",", "")
    )
    r = client.get(started.headers["location"] + "/download")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert "annex-a-T01-2024-06-14-ofsted-2024.xlsx" in r.headers["content-disposition"]
    out = tmp_path / "dl.xlsx"
    out.write_bytes(r.content)
    names = [s.name for s in read_workbook(out)]
    assert names == ["Cover"] + [f"List {n}" for n in range(1, 12)]


def test_build_with_a_bad_date_shows_the_error(analyst: Any, client: Any) -> None:
    typed = {"date-day": "31", "date-month": "2", "date-year": "2024", "spec": "ofsted-2024"}
    r = client.post("/annex-a/build", data=typed)
    assert r.status_code == 400
    assert "Inspection date must be a real date" in r.text
    assert 'href="#date-day"' in r.text and 'value="31"' in r.text  # what was typed is kept


def test_a_check_without_a_workbook_says_so_beside_its_field(analyst: Any, client: Any) -> None:
    r = client.post("/annex-a/check", data={"spec": "ofsted-2024"})
    assert r.status_code == 400
    assert '<a href="#workbook">Choose an Excel workbook (.xlsx) to check</a>' in r.text
    field = re.search(r'<input class="govuk-file-upload[^>]*>', r.text)
    assert field is not None and "govuk-file-upload--error" in field.group(0)
    assert 'aria-describedby="workbook-error"' in field.group(0)


def test_build_only_for_a_date_the_case_data_covers(analyst: Any, client: Any) -> None:
    """A list as at a date after the data ends would count as still open what the data does not
    yet know about; before it begins, every list would be empty."""
    typed = {"date-day": "1", "date-month": "1", "date-year": "2035", "spec": "ofsted-2024"}
    r = client.post("/annex-a/build", data=typed)
    assert r.status_code == 400
    message = re.search(r"Inspection date must be between ([^<]+)", r.text)
    assert message is not None and "the dates the case data covers" in message.group(1)
    assert "you entered 1 January 2035" in message.group(1)
    assert client.app.state.jobs.active_for(f"user:{analyst.id}") == []


def test_upload_check_and_filter(analyst: Any, client: Any, tmp_path: Path) -> None:
    built = jobs.build(client)
    # Checked against a year later, the lists fall outside their windows.
    page = jobs.check(client, "our annex.xlsx", built.content, date="2025-06-14")
    assert page.status_code == 200
    url = str(page.url)
    assert "our annex.xlsx" in page.text
    assert "window.outside" in page.text
    filtered = client.get(url, params={"list": "8", "rule": "age.mismatch"})
    rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<td", filtered.text)
    assert rows and "List 8" in filtered.text and "List 1</td>" not in filtered.text
    assert "window.outside</code>" not in filtered.text
    # The whole report downloads as a CSV file, one row a problem.
    import csv
    import io

    r = client.get(url + "/report.csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["List", "Sheet", "Row"] and len(rows) > 1
    assert any(row[6] == "window.outside" for row in rows[1:])


def test_a_hostile_upload_is_refused_and_the_server_lives(
    analyst: Any, client: Any, tmp_path: Path
) -> None:
    p = _xlsx(tmp_path / "evil.xlsx", _sheet_xml(_cell("A1", 1) + _cell("XFD1048576", 2)))
    r = jobs.check(client, "evil.xlsx", p.read_bytes())
    assert r.status_code == 400
    assert "evil.xlsx: refused" in r.text
    assert client.get("/annex-a/check").status_code == 200


def test_a_report_is_only_for_its_uploader(
    analyst: Any, client: Any, engine: Engine, app: Any, make_user: Any
) -> None:
    from fastapi.testclient import TestClient

    from accounts import sign_in

    built = jobs.build(client)
    page = jobs.check(client, "a.xlsx", built.content)
    url = str(page.url)
    assert page.status_code == 200 and "/annex-a/check/" in url
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


def test_a_second_heavy_job_is_refused_with_a_page_saying_what_to_do(
    analyst: Any, client: Any, tmp_path: Path
) -> None:
    """Heavy jobs are limited per user (issue 10 §6): while one runs, another build answers 429
    with a link to the running one; when the service is full, 503. Both say when to retry."""
    release = tmp_path / "release"
    registry = client.app.state.jobs
    running = registry.submit(
        "annex_a.build", user_owner(analyst.id), "Annex A as at 14 June 2024",
        jobwork.wait_for, str(release), scope=LA, url="/annex-a/jobs/{id}",
    )  # fmt: skip
    try:
        r = client.post(
            "/annex-a/build", data={"date": "2024-06-14"}, headers={"accept": "text/html"}
        )
        assert r.status_code == 429 and r.headers["retry-after"]
        assert "You already have a heavy job running" in r.text
        assert f'href="/annex-a/jobs/{running.id}"' in r.text
        page = client.get(f"/annex-a/jobs/{running.id}")
        assert page.status_code == 200 and 'data-grip-job="/annex-a/jobs/' in page.text
        state = client.get(f"/annex-a/jobs/{running.id}", headers={"accept": "application/json"})
        assert state.json()["state"] in ("queued", "running")
        with registry.slot("user:someone-else"):
            other = client.post(
                "/annex-a/check",
                data={"spec": "ofsted-2024"},
                files={"workbook": ("a.xlsx", b"PK", XLSX)},
                headers={"accept": "text/html"},
            )
        assert other.status_code == 429  # still this user's own limit first
    finally:
        release.touch()
    registry.wait(running.id, 30)
    with registry.slot("user:a"), registry.slot("user:b"):
        full = client.post(
            "/annex-a/build", data={"date": "2024-06-14"}, headers={"accept": "text/html"}
        )
    assert full.status_code == 503 and "Try again in a minute" in full.text


def test_an_upload_is_kept_only_while_it_is_checked(
    analyst: Any, client: Any, settings: Any, tmp_path: Path
) -> None:
    """The uploaded workbook holds children's data: it is deleted when its check ends, and one
    a stopped server left behind is deleted by the next upload."""
    folder = settings.data_dir / "annex_a_uploads"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / "left-by-a-restart.xlsx"
    left.write_bytes(b"PK")
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    built = jobs.build(client)
    page = jobs.check(client, "a.xlsx", built.content)
    assert page.status_code == 200
    assert list(folder.glob("*.xlsx")) == []
