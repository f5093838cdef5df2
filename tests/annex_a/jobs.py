"""Test helpers: start an Annex A build or check through the pages and wait for its job."""

from __future__ import annotations

from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def finish(client: Any, started: Any, timeout: float = 120) -> Any:
    """Wait for the job a POST started (its 303 to the job page); return the job page's final
    answer (a check's problems page, a build's download page, or the failure)."""
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    assert url.startswith("/annex-a/jobs/"), url
    job = client.app.state.jobs.wait(url.rsplit("/", 1)[1], timeout)
    assert job is not None and not job.active, f"job still {job and job.state} after {timeout}s"
    return client.get(url)


def build(client: Any, date: str = "2024-06-14", spec: str = "ofsted-2024") -> Any:
    """Build through the pages; the download response (the workbook)."""
    started = client.post(
        "/annex-a/build", data={"date": date, "spec": spec}, follow_redirects=False
    )
    page = finish(client, started)
    assert page.status_code == 200, page.text
    return client.get(started.headers["location"] + "/download")


def check(client: Any, name: str, content: bytes, **data: str) -> Any:
    """Upload ``content`` for checking; the final answer (following the redirect to the
    problems page when the check is done)."""
    started = client.post(
        "/annex-a/check",
        data={"spec": "ofsted-2024", **data},
        files={"workbook": (name, content, XLSX)},
        follow_redirects=False,
    )
    return finish(client, started)
