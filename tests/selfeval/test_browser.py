"""Drafting, refreshing and exporting a self-evaluation in a real browser (Chromium)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from .conftest import LAWorld

pytestmark = pytest.mark.slow


def test_draft_refresh_and_export_in_the_browser(
    browser: Any, live_server: str, la: LAWorld, browser_sign_in: Any
) -> None:
    page = browser.new_context(accept_downloads=True).new_page()
    browser_sign_in(page, live_server, "dcs")
    page.goto(f"{live_server}/selfeval")
    page.fill("#on", "2026-06-30")
    page.click("#open-form button")
    page.wait_for_url(f"{live_server}/selfeval/2026")
    assert page.locator("#panel-help_and_protection tbody tr").count() > 0
    page.fill("#narrative-know", "Practice is improving at the front door.")
    page.check("#principle-succinct")
    page.click("#save")
    page.wait_for_selector("#versions")
    assert page.locator("#versions tbody tr").count() == 2
    page.fill("#on", "2026-09-30")
    page.click("#refresh-form button")
    page.wait_for_selector("#moved")
    assert page.input_value("#narrative-know") == "Practice is improving at the front door."
    assert page.is_checked("#principle-succinct")
    with page.expect_download() as dl:
        page.click("#export-docx")
    written = docx.Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
    texts = [p.text for p in written.paragraphs]
    assert "Practice is improving at the front door." in texts
