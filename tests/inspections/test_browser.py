"""A mock standard inspection in a real browser, from notification to the end of fieldwork,
each step by the person whose job it is, with the Annex B request log in use."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from accounts import make_user, sign_in_browser
from govuk import fill_date
from grip.access import clock

from .conftest import LA, add_allocation, add_children

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _page(browser: Any) -> Any:
    return browser.new_context().new_page()


def _press(page: Any, label: str) -> None:
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_mock_standard_inspection_in_the_browser(
    browser: Any, live_server: str, engine: Engine
) -> None:
    clock.freeze(dt.datetime(2026, 2, 20, 10, 0, tzinfo=dt.UTC))
    qa_user = make_user(engine, "qa_lead", LA)
    dcs_user = make_user(engine, "dcs", LA)
    peer = make_user(engine, "qa_lead", "LA2")
    ids = ["P1", "P2", "P3"]
    add_children(engine, ids)
    for pid in ids:
        add_allocation(engine, pid, "T1", dt.date(2025, 12, 1))
    qa = _page(browser)
    sign_in_browser(qa, live_server, engine, qa_user)

    # The QA lead opens the mock inspection: a refused date first, shown in place.
    qa.goto(f"{live_server}/inspections/new")
    qa.select_option("#type", "standard")
    qa.check("input[name=kind][value=mock]")
    qa.fill("#title", "Spring mock inspection")
    fill_date(qa, "fieldwork_start", "2026-03-03")
    _press(qa, "Open")
    assert qa.title().startswith("Error: ")
    assert "starts on a Monday" in qa.locator(".govuk-error-summary").inner_text()
    assert qa.input_value("#title") == "Spring mock inspection"
    fill_date(qa, "fieldwork_start", "2026-03-02")
    _press(qa, "Open")
    url = qa.url
    assert "Notification call to the DCS" in qa.locator("#checklist").inner_text()

    # The team: a peer as lead inspector, the LA's DCS; then the inspectors' own sample.
    for username, role in ((peer.username, "lead_inspector"), (dcs_user.username, "dcs")):
        qa.fill("#username", username)
        qa.select_option("#team_role", role)
        _press(qa, "Add to the team")
    assert "Lead inspector" in qa.locator("#team-table").inner_text()
    qa.fill("#size", "2")
    _press(qa, "Choose the sample")
    assert qa.locator("#case-table tbody tr").count() == 2

    # The lead inspector notifies, arrives, and records a request for information.
    lead = _page(browser)
    sign_in_browser(lead, live_server, engine, dataclasses.replace(peer, la_code=LA))
    lead.goto(url)
    _press(lead, "Record the notification call")
    assert lead.locator("#state").inner_text() == "Notified"
    _press(lead, "Start the fieldwork on site")
    assert lead.locator("#state").inner_text() == "On site"
    lead.goto(f"{url}/requests")
    lead.fill("#request", "Supervision records for case P1 since April")
    lead.fill("#reason", "To test management oversight")
    lead.fill("#case_id", "P1")
    fill_date(lead, "response_due", "2026-02-20")
    lead.fill("#response_due_time", "16:00")
    _press(lead, "Add the request")
    assert "1 awaiting the local authority" in lead.locator("#outstanding").inner_text()

    # The DCS answers on the record (para 167).
    dcs = _page(browser)
    sign_in_browser(dcs, live_server, engine, dcs_user)
    dcs.goto(f"{url}/requests")
    dcs.fill("#response-1", "Uploaded to the secure site")
    dcs.fill("#supplied-1", "SUP-P1-2025.pdf")
    _press(dcs, "Save the response to request 1")
    row = dcs.locator("#r-1").inner_text()
    assert "Answered" in row and "SUP-P1-2025.pdf" in row
    assert "0 awaiting" in dcs.locator("#outstanding").inner_text()

    # The lead closes the request and gives feedback on the last day of fieldwork.
    lead.reload()
    _press(lead, "Close request 1")
    assert "Closed" in lead.locator("#r-1").inner_text()
    lead.goto(url)
    _press(lead, "Record the feedback meeting")
    assert lead.locator("#state").inner_text() == "Feedback given"

    # The QA lead ticks the last day of fieldwork off the checklist.
    qa.goto(url)
    qa.locator("#m-fieldwork_end button").click()
    qa.wait_for_load_state()
    assert "Done" in qa.locator("#m-fieldwork_end").inner_text()
    for page in (qa, lead, dcs):
        page.context.close()
