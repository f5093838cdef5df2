"""The measures dashboard in a real browser: headline figures, 12-month trends with a table
alternative, and drill-down to the children behind a figure."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from .builders import CaseBook

pytestmark = pytest.mark.browser


def _book(engine: Engine) -> None:
    b = CaseBook("LA1")
    b.team("T1", "Duty and Assessment")
    b.worker("W7", "T1")
    for pid in ("C1", "C2"):
        b.child(pid)
        b.allocate(pid, "W7", date(2026, 11, 1), team="T1")
        r = b.referral(pid, date(2026, 12, 7))
        # Working Together: 45 working days from Mon 7 Dec 2026 is Thu 11 Feb 2027 (25 and
        # 28 December and 1 January are bank holidays). C1 in time, C2 one working day late.
        auth = date(2027, 2, 11) if pid == "C1" else date(2027, 2, 12)
        b.assessment(pid, r, date(2026, 12, 8), auth)
    b.save(engine)


def test_dashboard_trends_table_and_drill_down(
    page: Any, live_server: str, browser_sign_in: Any, engine: Engine
) -> None:
    browser_sign_in(page, live_server, "team_manager", "LA1")
    _book(engine)
    page.goto(f"{live_server}/measures?date=2027-03-31")
    assert page.locator("h1").inner_text() == "Measures at 31 March 2027"

    card = page.locator('[data-measure="AS_45WD"]')
    assert card.locator("[data-value]").inner_text() == "50%"
    # The trend is a chart with a text alternative, and the same figures as a table.
    chart = card.locator('svg[role="img"]')
    assert chart.count() == 1
    table = card.locator("details table")
    assert not table.is_visible()
    card.locator("details summary").click()
    assert table.is_visible()
    months = table.locator("tbody tr")
    assert months.count() == 12
    assert months.nth(0).locator("td").nth(0).inner_text() == "30 April 2026"
    last = months.nth(11).locator("td")
    assert (last.nth(0).inner_text(), last.nth(1).inner_text()) == ("31 March 2027", "50%")

    # Drill down: the measure, then the children behind the figure.
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(r".*/measures/AS_45WD\?date=2027-03-31$"))
    assert page.locator("#measure-value").inner_text() == "50%"
    children = page.locator("#child-list tbody tr")
    assert sorted(children.nth(i).get_attribute("data-person") for i in range(2)) == ["C1", "C2"]
    page.get_by_role("link", name="Show only those not meeting the measure").click()
    page.wait_for_url(re.compile(r".*failing=true.*"))
    assert children.count() == 1
    row = children.nth(0)
    assert row.get_attribute("data-person") == "C2"
    cells = row.locator("td")
    assert cells.nth(3).inner_text() == "11 February 2027"  # due
    assert cells.nth(5).inner_text() == "1"  # working days late

    # A worker slice from the slice table: chosen by id, so the URL holds no name.
    page.goto(f"{live_server}/measures/AS_45WD?date=2027-03-31")
    page.locator('table[data-dimension="worker"] a').first.click()
    page.wait_for_url(re.compile(r".*dimension=worker&slice=W7#children$"))
    assert "Worker" not in page.url and "Child" not in page.url
    assert page.get_by_text("Showing worker “Worker W7 (W7)”").count() == 1
    assert children.count() == 2
