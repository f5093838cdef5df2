"""Opening an action plan and adding an action in a real browser (Chromium): the refusal of an
action without owner or due date is shown in place with the GOV.UK error summary, and axe
checks the pages."""

from __future__ import annotations

from typing import Any

import pytest

from accounts import sign_in_browser
from govuk import fill_date

from .conftest import AREAS, World

pytestmark = pytest.mark.browser


def test_open_a_plan_and_add_an_action(browser: Any, live_server: str, world: World) -> None:
    from web.a11y import a11y_context, run_axe  # tests/web/a11y.py: the suite's axe-core runner

    page = a11y_context(browser).new_page()
    sign_in_browser(page, live_server, world.engine, world.qa)
    page.goto(f"{live_server}/action-plans")
    assert run_axe(page) == []
    page.select_option("#inspection_id", world.inspection_id)
    fill_date(page, "report_received_on", "2026-12-18")
    page.click("#open-plan")
    page.wait_for_selector("#deadlines")
    assert "2 April 2027" in page.locator("#plan-due").inner_text()  # para 219
    assert run_axe(page) == []

    page.select_option("#finding_id", label=f"{AREAS[0]} (standard 2026-10-05)")
    page.fill("#description", "Team managers check oversight weekly")
    page.click("#add-action")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert "choose the action's owner" in summary.inner_text()
    assert page.input_value("#description") == "Team managers check oversight weekly"
    assert run_axe(page) == []
    summary.locator("a[href='#due_date-day']").click()

    page.select_option("#owner", str(world.hos.id))
    fill_date(page, "due_date", "2027-03-01")
    page.click("#add-action")
    page.wait_for_selector("#actions")
    page.click("#actions a")
    page.wait_for_selector("#add-progress")
    page.fill("#progress_note", "Checks started in two teams")
    page.click("#add-progress")
    page.wait_for_selector("#progress")
    assert "Checks started in two teams" in page.locator("#progress").inner_text()
    assert run_axe(page) == []
