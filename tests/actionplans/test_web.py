"""Action plan pages: opening a plan, refusals shown in place with the GOV.UK error summary,
LA isolation, and the plan's DOCX opened with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx

from grip.access import clock
from grip.actionplans import actions as acts
from grip.actionplans import plans

from .conftest import AREAS, LA, World, add_inspection


def _post(client: Any, user: Any, url: str, **data: str) -> Any:
    return client.post(url, data={"csrf_token": user.csrf_token, **data}, follow_redirects=False)


def _open(client: Any, user: Any, w: World) -> str:
    r = _post(
        client,
        user,
        "/action-plans",
        inspection_id=w.inspection_id,
        report_received_on="2026-12-18",
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def _first_area(w: World, url: str) -> str:
    """The id of the first area for improvement of the plan at ``url``."""
    with w.session(w.qa) as db:
        plan = plans.get_plan(db, LA, url.rsplit("/", 1)[1])
        return acts.areas(db, plan)[0].finding.id


def test_open_a_plan_and_see_its_deadline(client: Any, world: World, signed_in: Any) -> None:
    qa = signed_in("qa_lead")
    url = _open(client, qa, world)
    page = client.get(url)
    assert page.status_code == 200
    assert "2 April 2027" in page.text  # 70 working days after 18 December 2026 (para 219)
    assert AREAS[0] in page.text


def test_action_without_owner_or_due_date_shown_in_place(
    client: Any, world: World, signed_in: Any
) -> None:
    qa = signed_in("qa_lead")
    url = _open(client, qa, world)
    finding = _first_area(world, url)
    r = _post(client, qa, f"{url}/actions", finding_id=finding, description="Weekly checks")
    assert r.status_code == 400
    assert "Error: " in r.text and 'href="#owner"' in r.text and 'href="#due_date-day"' in r.text
    assert "Weekly checks</textarea>" in r.text  # what was typed is kept
    r = _post(
        client,
        qa,
        f"{url}/actions",
        finding_id=finding,
        description="Weekly checks",
        owner=str(world.other_la_user.id),
        due_date="2027-03-01",
    )
    assert (
        r.status_code == 400
        and "is not someone in this local authority who can be the owner" in r.text
    )
    r = _post(
        client,
        qa,
        f"{url}/actions",
        finding_id=finding,
        description="x",
        owner="7x",
        due_date="soon",
    )
    assert r.status_code == 400 and "Due date must be a real date, like 2027-04-02" in r.text
    assert "Owner must be a whole number" in r.text


def test_a_due_date_in_the_past_needs_confirmation(
    client: Any, world: World, signed_in: Any
) -> None:
    """An action whose due date has passed is usually a typing slip: it is kept only once the
    person ticks that it is meant (an action recorded after it fell due)."""
    qa = signed_in("qa_lead")
    url = _open(client, qa, world)
    finding = _first_area(world, url)
    past = (clock.now().date() - dt.timedelta(days=3)).isoformat()
    action = {"finding_id": finding, "description": "Audit supervision",
              "owner": str(world.hos.id), "due_date": past}  # fmt: skip
    r = _post(client, qa, f"{url}/actions", **action)
    assert r.status_code == 400 and 'href="#past_due_confirmed"' in r.text
    assert "is in the past: tick the box to keep it" in r.text
    assert "Audit supervision</textarea>" in r.text
    r = _post(client, qa, f"{url}/actions", **action, past_due_confirmed="yes")
    assert r.status_code == 303


def _action_form(w: World, url: str, due: dt.date, **more: str) -> dict[str, str]:
    return {
        "finding_id": _first_area(w, url),
        "description": "Weekly checks",
        "owner": str(w.hos.id),
        "due_date-day": str(due.day),
        "due_date-month": str(due.month),
        "due_date-year": str(due.year),
        **more,
    }


def _one_action(client: Any, user: Any, w: World, url: str) -> str:
    r = _post(client, user, f"{url}/actions", **_action_form(w, url, dt.date(2099, 3, 1)))
    assert r.status_code == 303, r.text
    with w.session(w.qa) as db:
        plan = plans.get_plan(db, LA, url.rsplit("/", 1)[1])
        return f"{url}/actions/{acts.actions_of(db, plan)[0].id}"


PLAN_FORMS = [  # (path under the plan, what is posted, the field linked, text kept)
    ("dates", {"report_received_on-day": "40", "report_received_on-month": "12",
               "report_received_on-year": "2026"}, "report_received_on-day", 'value="40"'),
    ("visits", {"visit_note": "Kept note"}, "visit_id", 'value="Kept note"'),
    ("review", {"review_note": "Kept review"}, "review_outcome", "Kept review</textarea>"),
]  # fmt: skip
ACTION_FORMS = [
    ("progress", {"progress_note": "Kept progress", "progress_on-day": "1",
                  "progress_on-month": "13", "progress_on-year": "2026"},
     "progress_on-day", "Kept progress</textarea>"),
    ("status", {"status": "lost"}, "status", "status &#39;lost&#39;: expected one of"),
    ("impact", {"audit": "no-such-audit"}, "audit", 'value="no-such-audit"'),
]  # fmt: skip


def test_each_plan_and_action_form_shows_its_errors_in_place(
    client: Any, world: World, signed_in: Any
) -> None:
    """Every form on the plan and action pages: a refusal is the same page again (400), the
    GOV.UK error summary linking to the field, what was typed kept."""
    qa = signed_in("qa_lead")
    add_inspection(world.engine, world.qa, "focused-visit", dt.date(2027, 6, 7))  # visits form
    r = _post(client, qa, "/action-plans", inspection_id=world.inspection_id,
              report_received_on="2026-12-18", inadequate="yes")  # fmt: skip
    url = str(r.headers["location"])  # inadequate: the review form is shown
    action = _one_action(client, qa, world, url)
    cases = [(url, *c) for c in PLAN_FORMS] + [(action, *c) for c in ACTION_FORMS]
    for base, path, data, field, kept in cases:
        r = _post(client, qa, f"{base}/{path}", **data)
        assert r.status_code == 400, (path, r.status_code)
        assert "There is a problem" in r.text, path
        assert f'href="#{field}"' in r.text and f'id="{field}"' in r.text, path
        assert kept in r.text, path


def test_no_plan_after_a_monitoring_visit(client: Any, world: World, signed_in: Any) -> None:
    qa = signed_in("qa_lead")
    mv = add_inspection(world.engine, world.qa, "monitoring-visit", dt.date(2027, 5, 4))
    r = _post(client, qa, "/action-plans", inspection_id=mv, report_received_on="2027-05-20")
    assert r.status_code == 400 and "para 221" in r.text


def test_other_la_and_roles(client: Any, world: World, signed_in: Any, app: Any) -> None:
    qa = signed_in("qa_lead")
    url = _open(client, qa, world)
    client.cookies.clear()
    signed_in("head_of_service", "LA2")
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/plan.docx").status_code == 404
    client.cookies.clear()
    signed_in("social_worker")
    assert client.get("/action-plans").status_code == 403


def test_plan_docx_has_the_actions_and_what_changed(
    client: Any, world: World, signed_in: Any
) -> None:
    qa = signed_in("qa_lead")
    url = _open(client, qa, world)
    finding = _first_area(world, url)
    r = _post(
        client,
        qa,
        f"{url}/actions",
        finding_id=finding,
        description="Weekly oversight checks",
        owner=str(world.hos.id),
        due_date="2027-03-01",
    )
    assert r.status_code == 303, r.text
    r = client.get(f"{url}/plan.docx")
    assert r.status_code == 200
    d = docx.Document(io.BytesIO(r.content))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        "Deadlines",
        "Actions",
        "Progress record: later visits",
        "What changed since the report",
    ]
    assert f"1. {AREAS[0]}" in headings
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert "Weekly oversight checks" in cells
    assert "Head of service" in cells  # the owner by job title, not name (para 190)
    assert world.hos.username not in " ".join(cells)
    assert "2 April 2027" in cells
    page = client.get(f"{url}/what-changed")
    assert page.status_code == 200 and AREAS[0] in page.text
