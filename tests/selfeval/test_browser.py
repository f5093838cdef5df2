"""Drafting, refreshing and exporting a self-evaluation in a real browser (Chromium)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from govuk import fill_date

from .conftest import LAWorld

pytestmark = pytest.mark.slow


def test_draft_refresh_and_export_in_the_browser(
    browser: Any, live_server: str, la: LAWorld, browser_sign_in: Any
) -> None:
    page = browser.new_context(accept_downloads=True).new_page()
    browser_sign_in(page, live_server, "dcs")
    page.goto(f"{live_server}/selfeval")
    fill_date(page, "on", "2026-06-30")
    page.click("#open-form button")
    page.wait_for_url(f"{live_server}/selfeval/2026")
    assert page.locator("#panel-help_and_protection tbody tr").count() > 0
    page.fill("#narrative-know", "Practice is improving at the front door.")
    page.check("#principle-succinct")
    page.click("#save")
    page.wait_for_selector("#versions")
    assert page.locator("#versions tbody tr").count() == 2
    fill_date(page, "on", "2026-09-30")
    page.click("#refresh-form button")
    page.wait_for_selector("#moved")
    assert page.input_value("#narrative-know") == "Practice is improving at the front door."
    assert page.is_checked("#principle-succinct")
    with page.expect_download() as dl:
        page.click("#export-docx")
    written = docx.Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
    texts = [p.text for p in written.paragraphs]
    assert "Practice is improving at the front door." in texts


def test_record_the_engagement_meeting_and_its_letter_in_the_browser(
    browser: Any, live_server: str, la: LAWorld, browser_sign_in: Any
) -> None:
    """Paras 46-48 in the browser: a meeting without Ofsted is refused in place, the recorded
    meeting shows its letter overdue, the letter is recorded; axe checks each state."""
    from web.a11y import a11y_context, run_axe  # tests/web/a11y.py: the suite's axe-core runner

    page = a11y_context(browser).new_page()
    browser_sign_in(page, live_server, "dcs")
    page.goto(f"{live_server}/selfeval/meetings")
    assert run_axe(page) == []
    fill_date(page, "meeting_on", "2026-05-01")
    page.fill("#attendee-name-1", "A. Director")
    page.select_option("#attendee-role-1", "DCS")
    page.check("#agenda")
    page.click("#record")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "para 46" in summary.inner_text()
    assert page.input_value("#attendee-name-1") == "A. Director"
    assert run_axe(page) == []
    page.fill("#attendee-name-2", "B. Inspector")
    page.select_option("#attendee-role-2", "Senior HMI")
    fill_date(page, "agenda_agreed_on", "2026-04-20")
    page.click("#record")
    page.wait_for_selector("#letter-status")
    assert "Letter overdue" in page.inner_text("#letter-status")
    assert run_axe(page) == []
    fill_date(page, "received_on", "2026-05-29")
    page.fill("#summary", "Scope of a focused visit: the front door.")
    page.click("#record-letter")
    page.wait_for_selector("#letter-summary")
    assert "Letter received" in page.inner_text("#letter-status")
