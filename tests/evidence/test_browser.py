"""The evidence record and the judgement meeting in a real browser: an entry naming a child is
refused with the words shown in place and the text kept, the rewritten entry is saved, and
the judgement meeting shows the rule engine's verdict with its paragraphs; axe checks the
refused form (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts import sign_in_browser

from .conftest import Team

pytestmark = pytest.mark.browser


def test_record_refuse_a_name_and_hold_a_judgement_meeting(
    browser: Any, live_server: str, team: Team
) -> None:
    from web.a11y import a11y_context, run_axe  # tests/web/a11y.py: the suite's axe-core runner

    page = a11y_context(browser).new_page()
    sign_in_browser(page, live_server, team.engine, team.lead)
    base = f"{live_server}/inspections/{team.inspection_id}"
    page.goto(f"{base}/evidence/new")
    page.select_option("#source", "case-file")
    page.check("#headings")  # the first heading: Early help
    page.check("input[name=cases][value=P1]")
    page.check("input[name=marker][value=strength]")
    page.fill("#statement", "Early help is timely and well coordinated.")
    page.fill("#evidence", "Marlia's assessment was completed in 20 days.")
    page.fill("#impact", "Needs do not escalate.")
    page.click("form button[type=submit]")

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "“Marlia” is a name of a child or family member" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.input_value("#evidence") == "Marlia's assessment was completed in 20 days."
    assert page.input_value("#statement") == "Early help is timely and well coordinated."
    assert page.is_checked("#headings") and page.is_checked("input[name=cases][value=P1]")
    assert run_axe(page) == []
    summary.locator("a[href='#evidence']").click()

    page.fill("#evidence", "The assessment for P1 (M.E.) was completed in 20 days.")
    page.click("form button[type=submit]")
    page.wait_for_selector("#version-1")
    assert "Early help is timely" in page.locator("#entry-current").inner_text()

    page.goto(f"{base}/judgements")
    for judgement in ("help-protection", "children-in-care", "leaders", "overall"):
        page.select_option(f"#grade-{judgement}", "good")
    page.check("input[name=entries-help-protection]")
    page.check("input[name=fact-widespread-or-serious-failure][value=no]")
    page.check("input[name=fact-leaders-show-understanding][value=yes]")
    page.click("text=Save and check")
    verdict = page.locator("#verdict").inner_text()
    assert "para 187" in verdict and "children in care" in verdict.lower()
    page.click("text=Confirm the judgements")
    page.locator(".govuk-error-summary").wait_for()
    assert "para 187" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(".govuk-panel--confirmation").count() == 0
