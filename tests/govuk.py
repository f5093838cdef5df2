"""Helpers for browser tests that fill GOV.UK Design System form patterns."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page


def fill_date(page: Page, name: str, day: dt.date | str, scope: str = "") -> None:
    """Type ``day`` into the GOV.UK date input ``name`` (its day, month and year fields).

    ``scope`` is a CSS selector to look inside, for a page with the same form more than once.
    """
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    prefix = f"{scope} " if scope else ""
    page.fill(f"{prefix}#{name}-day", str(day.day))
    page.fill(f"{prefix}#{name}-month", str(day.month))
    page.fill(f"{prefix}#{name}-year", str(day.year))
