"""From confirmed judgements to a published report in a real browser: the lead inspector
drafts the report and writes a section, the checks refuse an incomplete draft with their
paragraphs, the QA manager sends it to the LA, the LA comments on a paragraph, the lead
inspector declines with a reason, sends the final and publishes; axe checks the report and
section pages on the way (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts import sign_in_browser

from .conftest import TEXT, Team, write

pytestmark = pytest.mark.browser


def _as(browser: Any, live_server: str, team: Team, user: Any) -> Any:
    from web.a11y import a11y_context  # tests/web/a11y.py: the suite's axe-core runner

    page = a11y_context(browser).new_page()
    sign_in_browser(page, live_server, team.engine, user)
    return page


def test_confirmed_judgements_to_a_published_report(
    browser: Any, live_server: str, live: Team
) -> None:
    from web.a11y import run_axe

    base = f"{live_server}/inspections/{live.inspection_id}/report"
    lead = _as(browser, live_server, live, live.lead)
    lead.goto(base)
    assert lead.locator("#timetable tbody tr").count() == 4
    lead.click("#draft")
    lead.wait_for_selector("#state")
    lead.click("#move-submit_for_qa")
    summary = lead.locator(".govuk-error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "para 205" in text and "para 211" in text and "para 202" in text
    assert run_axe(lead) == []

    lead.goto(f"{base}/sections/care-leavers")
    lead.fill("#text", "Care leavers Marlia and others have personal advisers.")
    lead.click("#save")
    lead.locator(".govuk-error-summary").wait_for()
    assert "para 191" in lead.locator(".govuk-error-summary").inner_text()
    assert lead.input_value("#text").startswith("Care leavers Marlia")
    assert run_axe(lead) == []
    lead.fill("#text", TEXT["care-leavers"])
    lead.click("#save")
    lead.wait_for_selector("#care-leavers")
    write(live, {k: v for k, v in TEXT.items() if k != "care-leavers"})
    lead.goto(f"{base}/sections/children-summary")
    assert "Flesch reading ease" in lead.locator("#readability").inner_text()
    assert run_axe(lead) == []
    lead.goto(base)
    lead.click("#move-submit_for_qa")
    lead.wait_for_selector("text=Quality assurance review")

    qa = _as(browser, live_server, live, live.qa)
    qa.goto(base)
    qa.click("#move-send_for_factual_accuracy")
    qa.wait_for_selector("text=Factual accuracy check with the local authority")

    la = _as(browser, live_server, live, live.la_staff)
    la.goto(base)
    la.select_option("#section", "q-experiences")
    la.fill("#paragraph", "2")
    la.fill("#comment", "Only a few children waited.")
    la.click("#add-comment")
    la.wait_for_selector("text=Only a few children waited.")
    assert run_axe(la) == []

    lead.goto(base)
    lead.check("input[name^=decision-][value=declined]")
    lead.fill("textarea[name^=reason-]", "The audit found more than a few.")
    lead.click("text=Record the decision")
    lead.wait_for_selector("text=Declined: The audit found more than a few.")
    lead.click("#move-send_final")
    lead.wait_for_selector("text=Final version sent to the local authority")
    lead.click("#move-publish")
    lead.wait_for_selector("text=The document can no longer change")
    assert lead.locator("#move-publish").count() == 0
    assert "(as published)" in lead.locator("#files").inner_text()
    assert run_axe(lead) == []
    with lead.expect_download() as dl:
        lead.click("#files a[href$='report.pdf']")
    assert dl.value.suggested_filename.endswith(".pdf")
