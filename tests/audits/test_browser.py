"""A whole audit in a real browser, from the month's sample and allocation to closure, each
step by the person whose job it is, with save-as-you-go checked."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from govuk import fill_date
from grip.access import clock

from .conftest import caseload

pytestmark = pytest.mark.browser


def _context_page(browser: Any) -> Any:
    return browser.new_context().new_page()


def _fill_grades(page: Any, form: str) -> None:
    for select in page.locator(f"{form} select[name^='g.']").all():
        select.select_option("good")
    for area in page.locator(f"{form} textarea[name^='r.']").all():
        area.fill("Clear plan, reviewed on time")


def test_whole_audit_in_the_browser(
    browser: Any, live_server: str, engine: Engine, browser_sign_in: Any
) -> None:
    caseload(engine, per_team=2)
    month = clock.now().date().strftime("%Y-%m")
    auditor_page = _context_page(browser)
    auditor = browser_sign_in(auditor_page, live_server, "auditor")
    moderator_page = _context_page(browser)
    browser_sign_in(moderator_page, live_server, "auditor")
    qa = _context_page(browser)
    browser_sign_in(qa, live_server, "qa_lead")

    # The QA lead chooses the month's sample and allocates a pick to the auditor.
    qa.goto(f"{live_server}/audits/sample?month={month}")
    qa.click("#run-sample button")
    qa.wait_for_selector("#picks tbody tr")
    assert qa.locator("#picks tbody tr").count() == 3  # one per practice group
    assert "para 150" in qa.locator("#picks tbody tr").first.inner_text()
    qa.locator("#picks tbody tr").first.locator("input[name=pick_ids]").check()
    qa.select_option("#auditor_id", str(auditor.id))
    qa.click("#allocate-button")
    qa.wait_for_url(f"{live_server}/audits/*")
    audit_url = qa.url
    assert qa.locator("[data-state]").first.inner_text() == "Allocated"

    # The auditor starts, answers with evidence (saved as they go), grades and moves on.
    p = auditor_page
    p.goto(audit_url)
    p.click("[data-transition=start]")
    p.wait_for_selector("#audit-form")
    first = p.locator("#audit-form input[type=radio][value=yes]").first
    first.check()
    p.wait_for_selector("#autosave-message:has-text('Saved')")
    for radio in p.locator("#audit-form input[type=radio][value=yes]").all():
        radio.check()
    for area in p.locator("#audit-form textarea[name^='e.']").all():
        area.fill("Seen on the record")
    _fill_grades(p, "#audit-form")
    p.click("#save-button")
    p.wait_for_selector("#saved-banner")
    p.click("[data-transition=request_reflection]")
    # No worker account: the auditor records the reflection discussed with the worker.
    p.wait_for_selector("#reflection-form")
    for area in p.locator("#reflection-form textarea").all():
        area.fill("Reflection agreed with the worker")
    fill_date(p, "reflection_discussed_on", clock.now().date())
    p.click("#reflection-form button")
    p.wait_for_selector("#saved-banner")
    p.click("[data-transition=record_family_feedback]")
    p.wait_for_selector("#family-form")
    for radio in p.locator("#family-form input[type=radio][value=yes]").all():
        radio.check()
    fill_date(p, "family_contacted_on", clock.now().date())
    p.fill("#family_respondent", "mother")
    p.select_option("#family_method", "phone")
    p.click("#family-form button")
    p.wait_for_selector("#saved-banner")
    p.click("[data-transition=submit]")
    p.wait_for_selector("[data-state=submitted]")

    # The QA lead appoints a second auditor, who grades blind.
    qa.goto(audit_url)
    qa.locator("#moderator_id option").nth(0).wait_for(state="attached")
    options = qa.locator("#moderator_id option").all()
    value = next(
        o.get_attribute("value") for o in options if o.get_attribute("value") != str(auditor.id)
    )
    qa.select_option("#moderator_id", value)
    qa.click("#appoint-form button")
    qa.wait_for_selector("#moderation")
    m = moderator_page
    m.goto(audit_url)
    assert m.locator("#blind-note").is_visible()
    assert "Seen on the record" not in m.content()
    _fill_grades(m, "#moderation-form")
    m.select_option("#moderation-form select[name='g._overall']", "requires_improvement")
    m.click("#complete-moderation")
    m.wait_for_selector("[data-state=moderated]")
    assert m.locator("#moderated-grade").inner_text() == "Requires improvement"

    # The QA lead closes it; the moderated grade is final.
    qa.goto(audit_url)
    qa.click("[data-transition=close]")
    qa.wait_for_selector("[data-state=closed]")
    assert qa.locator("#final-grade").inner_text() == "Requires improvement"
    history = qa.locator("#history").inner_text()
    for step in (
        "Allocated",
        "In progress",
        "Reflection with the worker",
        "Family feedback",
        "Submitted",
        "Moderated",
        "Closed",
    ):
        assert step in history
