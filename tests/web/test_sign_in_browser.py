"""Sign-in and sign-out in a real browser, under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from accounts import make_user, sign_in_browser


@pytest.mark.browser
def test_browser_sign_in_and_out_without_csp_violations(
    live_server: str, page: Any, engine: Engine
) -> None:
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(f"{live_server}/account")
    assert page.url == f"{live_server}/sign-in"
    user = sign_in_browser(page, live_server, engine, make_user(engine, "qa_lead", "LA1"))
    page.goto(f"{live_server}/account")
    assert page.locator("#current-role").inner_text() == "QA lead"
    # GOV.UK Frontend's inline script ran (its nonce was accepted) and its module loaded.
    assert "js-enabled" in (page.get_attribute("body", "class") or "")
    page.click("#sign-out")
    page.wait_for_url(f"{live_server}/sign-in")
    page.goto(f"{live_server}/account")
    assert page.url == f"{live_server}/sign-in"
    assert not [m for m in console if "Content Security Policy" in m], console
    assert user.username


@pytest.mark.browser
def test_browser_wrong_password_message(live_server: str, page: Any, engine: Engine) -> None:
    user = make_user(engine, "auditor", "LA1")
    page.goto(f"{live_server}/sign-in")
    page.fill("#username", user.username)
    page.fill("#password", "not the right password at all")
    page.click("button[type=submit]")
    assert "Enter a correct username and password" in page.content()
