"""Every page loads without a missing file: no font, icon or stylesheet answers 404."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from accounts import make_user, sign_in_browser


def _failed_requests(page: Any) -> list[str]:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: _note_failure(failed, r))
    return failed


def _note_failure(failed: list[str], request: Any) -> None:
    # Chromium cancels a request still in flight (often the icon) when the page
    # navigates on; that is not a missing file, which answers 404 above.
    if request.failure != "net::ERR_ABORTED":
        failed.append(f"failed {request.url}: {request.failure}")


@pytest.mark.browser
def test_pages_ask_for_no_missing_file(live_server: str, page: Any, engine: Engine) -> None:
    failed = _failed_requests(page)
    page.goto(f"{live_server}/sign-in")
    page.wait_for_load_state("networkidle")
    sign_in_browser(page, live_server, engine, make_user(engine, "qa_lead", "LA1"))
    for path in ("/", "/account", "/audits"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
    assert failed == []
    # The service's own icon, not the GOV.UK crown (reserved for services on GOV.UK).
    assert page.get_attribute("link[rel=icon]", "href") == "/static/favicon.svg"


@pytest.mark.browser
def test_text_is_set_in_arial_not_the_gov_uk_typeface(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/sign-in")
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith("arial")
