"""The inspection pages through the app: create with errors in place, the checklist, the team
granting inspector access, the Annex B log, Annex A handover and the analysis DOCX."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

import docx
from sqlalchemy import Engine

from accounts import page_csrf, sign_in
from grip.access import clock

from .conftest import LA, add_children

NOW = dt.datetime(2026, 2, 20, 10, 0, tzinfo=dt.UTC)


def _create(client: Any, **fields: str) -> Any:
    page = client.get("/inspections/new")
    data = {"csrf_token": page_csrf(page.text), "type": "standard", "kind": "mock",
            "fieldwork_start": "2026-03-02", **fields}  # fmt: skip
    if "-" not in data["fieldwork_start"]:  # typed into the day box of the date input
        data["fieldwork_start-day"] = data.pop("fieldwork_start")
    return client.post("/inspections", data=data, follow_redirects=False)


def test_bad_input_is_shown_beside_its_field_and_kept(client: Any, signed_in: Any) -> None:
    signed_in("qa_lead", LA)
    r = _create(client, fieldwork_start="2026-08-03", title="Summer mock")
    assert r.status_code == 400
    assert "There is a problem" in r.text and 'href="#fieldwork_start-day"' in r.text
    assert "para 14" in r.text and 'value="Summer mock"' in r.text
    r = _create(client, fieldwork_start="3 March")
    assert "Fieldwork start must include a month and year" in r.text
    assert "No inspections or visits yet." in client.get("/inspections").text  # nothing saved


def test_a_mock_inspection_from_the_lead_inspectors_side(
    client: Any, signed_in: Any, engine: Engine, make_user: Any
) -> None:
    clock.freeze(NOW)
    qa = signed_in("qa_lead", LA)
    add_children(engine, ["P1", "P2"])
    peer = make_user("qa_lead", "LA2")
    r = _create(client, title="Spring mock")
    assert r.status_code == 303
    url = r.headers["location"]
    page = client.get(url)
    assert "Spring mock" in page.text and "Notification call to the DCS" in page.text
    token = page_csrf(page.text)
    r = client.post(f"{url}/team", data={"csrf_token": token, "username": peer.username,
                                         "team_role": "lead_inspector"})  # fmt: skip
    assert r.status_code == 200 and peer.username in r.text  # followed the redirect
    r = client.post(f"{url}/milestones", data={"csrf_token": token, "milestone": "notification"})
    assert 'id="m-notification"' in r.text and "Done" in r.text
    # The peer signs in to LA1 as an external inspector and runs the inspection.
    client.cookies.clear()
    lead = sign_in(client, engine, dataclasses.replace(peer, la_code=LA, role="inspector"))
    assert client.get("/inspections").text.count("Spring mock") == 1
    page = client.get(url)
    assert "You are the lead inspector" in page.text
    r = client.post(f"{url}/move", data={"csrf_token": lead.csrf_token, "move": "notify"})
    assert 'id="state">Notified<' in r.text
    r = client.post(
        f"{url}/requests",
        data={"csrf_token": lead.csrf_token, "request": "Supervision records for case P1",
              "reason": "", "request_type": "document", "response_due": "2026-02-21",
              "response_due_time": "12:00"},
    )  # fmt: skip
    assert r.status_code == 400 and 'href="#reason"' in r.text
    assert "Supervision records for case P1" in r.text  # the input is kept
    r = client.post(
        f"{url}/requests",
        data={"csrf_token": lead.csrf_token, "request": "Supervision records for case P1",
              "reason": "Management oversight", "request_type": "document",
              "response_due": "2026-02-21", "response_due_time": "12:00", "case_id": "P1"},
    )  # fmt: skip
    assert 'id="r-1"' in r.text and "1</strong> awaiting the local authority" in r.text
    # Back as the QA lead: the LA answers.
    client.cookies.clear()
    sign_in(client, engine, qa)
    log = client.get(f"{url}/requests")
    assert "Save the response" in log.text
    # A refused response is shown beside its own row's field, with what was typed.
    action = re.search(r'action="(/inspections/[^"]+/requests/[^"]+)"', log.text)
    assert action is not None
    long = {"csrf_token": page_csrf(log.text), "row": "1", "response": "x" * 4001,
            "supplied": "Supervision log"}  # fmt: skip
    r = client.post(action.group(1), data=long)
    assert r.status_code == 400 and 'href="#response"' in r.text and 'id="response"' in r.text
    assert "you entered 4001" in r.text and 'value="Supervision log"' in r.text
    del qa


def test_an_inspector_not_on_the_team_finds_nothing(
    client: Any, signed_in: Any, engine: Engine, make_user: Any
) -> None:
    qa = signed_in("qa_lead", LA)
    url = _create(client).headers["location"]
    del qa
    client.cookies.clear()
    signed_in("inspector", LA)
    assert client.get(url).status_code == 404
    assert "Standard inspection" not in client.get("/inspections").text


def test_annex_a_handover_ticks_the_milestone_and_the_analysis_docx_opens(
    client: Any, signed_in: Any, engine: Engine
) -> None:
    clock.freeze(NOW)
    user = signed_in("qa_lead", LA)
    url = _create(client).headers["location"]
    r = client.post(f"{url}/annex-a", data={"csrf_token": user.csrf_token})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-disposition"].endswith('-2026-02-23.xlsx"')
    page = client.get(url)
    row = page.text.split('id="m-child_level_data"', 1)[1].split("</tr>", 1)[0]
    assert "Done" in row
    r = client.get(f"{url}/analysis.docx")
    assert r.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "Pre-inspection analysis" in text and "paras 65-69" in text
    assert "23 February 2026" in text


def test_the_inspection_pages_forms_show_their_errors_in_place(client: Any, signed_in: Any) -> None:
    """No separate error page for what was typed: the inspection page again, the GOV.UK error
    summary linked to the field, the input kept."""
    user = signed_in("qa_lead", LA)
    url = _create(client).headers["location"]
    r = client.post(f"{url}/team", data={"csrf_token": user.csrf_token, "username": "nobody-x",
                                         "team_role": "lead_inspector"})  # fmt: skip
    assert r.status_code == 400 and 'href="#username"' in r.text
    assert "no active Grip user called" in r.text and 'value="nobody-x"' in r.text
    r = client.post(f"{url}/cases", data={"csrf_token": user.csrf_token,
                                          "choose": "inspector-sample", "size": "0"})  # fmt: skip
    assert r.status_code == 400 and 'href="#size"' in r.text
    assert "How many cases must be 1 or more" in r.text
    r = client.post(f"{url}/households", data={"csrf_token": user.csrf_token, "kind": "foster",
                                               "household_id": "", "reason": "x"})  # fmt: skip
    assert r.status_code == 400 and "There is a problem" in r.text
    assert "<h1" in r.text and "Standard inspection" in r.text  # the inspection page itself
    r = client.post("/inspections/history", data={"csrf_token": user.csrf_token,
                                                   "type": "standard", "last_day-day": "31",
                                                   "last_day-month": "2",
                                                   "last_day-year": "2025"})  # fmt: skip
    assert r.status_code == 400 and 'href="#last_day-day"' in r.text
    assert "Last day of fieldwork must be a real date" in r.text


def test_the_lead_inspector_names_cases_for_the_sample(
    client: Any, signed_in: Any, engine: Engine, make_user: Any
) -> None:
    """The inspectors' sample case by case (ILACS framework (Ofsted 170040) para 135): only
    children in the LA's case data and not restricted; another LA's child, a restricted one and
    an unknown id are refused in place with the same words, nothing added, the input kept."""
    from grip.access import restrictions
    from grip.access.scope import Scope, scoped

    clock.freeze(NOW)
    qa = signed_in("qa_lead", LA)
    add_children(engine, ["P1", "P2", "P3"])
    make_user("la_admin", "LA2")
    add_children(engine, ["Q1"], la="LA2")
    with scoped(engine, Scope(LA)) as db:
        restrictions.restrict_case(db, Scope(LA), "P3", "test", NOW.date() + dt.timedelta(days=90),
                                   [qa.id])  # fmt: skip
    url = _create(client).headers["location"]
    for bad in ("Q1", "P3", "P99"):
        named = {"choose": "inspector-named", "named": f"P1, {bad}"}
        r = client.post(f"{url}/cases", data={"csrf_token": qa.csrf_token, **named})
        assert r.status_code == 400 and 'href="#named"' in r.text and f'value="P1, {bad}"' in r.text
        assert f"person id &#39;{bad}&#39;: not a case in LA1 that can be sampled" in r.text
        assert "No cases chosen yet." in r.text  # all or nothing
    r = client.post(f"{url}/cases", data={"csrf_token": qa.csrf_token,
                                          "choose": "inspector-named", "named": " "})  # fmt: skip
    assert r.status_code == 400 and "enter at least one person id" in r.text
    r = client.post(f"{url}/cases", data={"csrf_token": qa.csrf_token,
                                          "choose": "inspector-named", "named": "P1 P2"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = client.get(url).text
    assert "Named by the lead inspector" in page and "No cases chosen yet." not in page


def test_para_135_in_a_real_inspection_only_the_inspectors_choose_their_sample(
    client: Any, signed_in: Any
) -> None:
    """ILACS framework (Ofsted 170040) paras 135, 150: inspectors select the cases they sample.
    In a real inspection the LA's QA lead may share audited cases but not choose the
    inspectors' sample; in the LA's own mock inspection its managers set it up."""
    user = signed_in("qa_lead", LA)
    real = _create(client, kind="real").headers["location"]
    page = client.get(real)
    assert "Choose the sample" not in page.text and "name-cases" not in page.text
    r = client.post(f"{real}/cases", data={"csrf_token": user.csrf_token,
                                           "choose": "inspector-sample", "size": "2"})  # fmt: skip
    assert r.status_code == 403 and "paras 135, 150" in r.text
    mock = _create(client).headers["location"]
    assert "Choose the sample" in client.get(mock).text
