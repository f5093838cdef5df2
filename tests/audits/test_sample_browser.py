"""The QA lead's sample page in a real browser: two sampled cases ticked and allocated to one
auditor with one submit, a case added to the sample on purpose (Southwark QA framework 2015,
appendix 1 §2a), and the page's error states; each state checked with axe (WCAG 2.2 AA) and
at a phone's width."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from accounts import make_user, sign_in_browser
from grip.access import clock
from grip.access.scope import Scope, scoped
from grip.audits.models import Audit

from .conftest import LA, caseload

pytestmark = pytest.mark.browser


def _check(page: Any, label: str) -> None:
    """axe finds nothing and the page does not scroll sideways at 375 px."""
    from web.a11y import PHONE_WIDTH, describe, page_width_at_phone, run_axe

    violations = run_axe(page)
    assert violations == [], describe(label, violations)
    assert page_width_at_phone(page) <= PHONE_WIDTH, f"{label}: scrolls sideways at 375 px"


def _shows_error(page: Any, href: str, text: str) -> None:
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert text in summary.inner_text()
    assert summary.locator(f"a[href='{href}']").count() == 1


def test_the_qa_lead_allocates_two_cases_at_once_and_adds_one_on_purpose(
    browser: Any, live_server: str, engine: Engine
) -> None:
    from web.a11y import a11y_context

    caseload(engine, per_team=3)
    month = clock.now().date().strftime("%Y-%m")
    auditor = make_user(engine, "auditor", LA)
    page = a11y_context(browser).new_page()
    sign_in_browser(page, live_server, engine, make_user(engine, "qa_lead", LA))
    page.goto(f"{live_server}/audits/sample?month={month}")
    page.click("#run-sample button")
    rows = page.locator("#picks tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3  # one case per practice group (§2a)
    _check(page, "the month's sample")

    # Nothing ticked: the error is shown on the page itself, linked to the first box.
    page.select_option("#auditor_id", str(auditor.id))
    page.click("#allocate-button")
    _shows_error(page, "#pick_ids", "choose the cases to allocate")
    assert page.input_value("#auditor_id") == str(auditor.id)  # the choice is kept
    _check(page, "allocation refused")

    rows.nth(0).locator("input[name=pick_ids]").check()
    rows.nth(1).locator("input[name=pick_ids]").check()
    page.click("#allocate-button")
    page.wait_for_url(f"{live_server}/audits/sample?month={month}")
    assert [rows.nth(i).locator("td").last.inner_text().strip() for i in range(3)][:2] == [
        "Allocated",
        "Allocated",
    ]
    assert rows.nth(2).locator("input[name=pick_ids]").count() == 1  # still to allocate
    with scoped(engine, Scope(LA)) as db:
        assert [a.auditor_id for a in db.scalars(select(Audit))] == [auditor.id] * 2

    # A case outside the sample, added on purpose; an unknown child is refused in place.
    sampled = set(page.eval_on_selector_all("#picks tbody tr", "rs => rs.map(r => r.dataset.pick)"))
    extra = next(f"C{t}{k:02}" for t in (1, 2, 3) for k in range(3) if f"C{t}{k:02}" not in sampled)
    page.fill("#person_id", "NOBODY")
    page.fill("#reason", "Neglect theme")
    page.click("#add-on-purpose button")
    _shows_error(page, "#person_id", "has no open allocation")
    assert page.input_value("#reason") == "Neglect theme"
    _check(page, "a case added on purpose, refused")
    page.fill("#person_id", extra)
    page.click("#add-on-purpose button")
    added = page.locator(f"#picks tr[data-pick='{extra}']")
    added.wait_for()
    assert "On purpose" in added.inner_text() and "Neglect theme" in added.inner_text()
    _check(page, "the sample with a case added on purpose")
