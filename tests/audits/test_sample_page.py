"""The sample page's conveniences for the QA lead: several cases allocated at once (all or
none), a case added to the month's sample on purpose with its reason (Southwark QA framework
2015, appendix 1 §2a), and errors shown in place on the audit page's own forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Engine, func, select

from accounts import make_user
from grip.access.restrictions import restrict_case
from grip.access.scope import Scope, scoped
from grip.audits.models import Audit, SamplePick
from grip.audits.sampling import picks_for

from .conftest import LA
from .test_assignees import MONTH, _picks, _qa_client
from .test_web import _allocated, _client, _post


def _audits(engine: Engine) -> int:
    with scoped(engine, Scope(LA)) as db:
        return int(db.scalar(select(func.count()).select_from(Audit)) or 0)


def test_several_ticked_cases_are_allocated_to_one_auditor_at_once(
    app: Any, engine: Engine
) -> None:
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    auditor = make_user(engine, "auditor", LA)
    chosen = [picks[0][0], picks[2][0]]
    r = c.post(
        "/audits/allocate",
        data={"csrf_token": qa.csrf_token, "month": MONTH, "pick_ids": chosen,
              "auditor_id": str(auditor.id), "theme": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/audits/sample?month={MONTH}"
    with scoped(engine, Scope(LA)) as db:
        audits = db.scalars(select(Audit)).all()
        assert sorted(a.pick_id or "" for a in audits) == sorted(chosen)
        assert {a.auditor_id for a in audits} == {auditor.id}
    page = c.get(f"/audits/sample?month={MONTH}").text
    assert page.count('name="pick_ids"') == len(picks) - 2  # the rest can still be ticked


def test_a_bad_choice_allocates_none_of_the_ticked_cases(app: Any, engine: Engine) -> None:
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    auditor = make_user(engine, "auditor", LA)
    worker = make_user(engine, "social_worker", LA)
    base = {"csrf_token": qa.csrf_token, "month": MONTH, "auditor_id": str(auditor.id)}
    # One allocated worker cannot be the worker of several children's cases.
    two = [picks[0][0], picks[1][0]]
    r = c.post("/audits/allocate", data={**base, "pick_ids": two, "worker_user_id": worker.id})
    assert r.status_code == 400 and 'href="#worker_user_id"' in r.text
    assert all(f'value="{p}" checked' in r.text for p in two)  # the ticks are kept
    # A pick that is not in this month's sample refuses the whole allocation.
    r = c.post("/audits/allocate", data={**base, "pick_ids": [picks[0][0], "not-a-pick"]})
    assert r.status_code == 400 and 'href="#pick_ids"' in r.text
    assert "is not in the sample" in r.text
    # Nothing ticked.
    r = c.post("/audits/allocate", data=base)
    assert r.status_code == 400 and "choose the cases to allocate" in r.text
    assert _audits(engine) == 0


def test_a_case_is_added_to_the_sample_on_purpose_with_its_reason(app: Any, engine: Engine) -> None:
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    sampled = {p for _i, p in picks}
    extra = next(f"C{t}{k:02}" for t in (1, 2, 3) for k in range(3) if f"C{t}{k:02}" not in sampled)
    r = _post(c, qa, "/audits/sample/add",
              {"month": MONTH, "person_id": extra, "reason": "Neglect theme"})  # fmt: skip
    assert r.status_code == 303
    with scoped(engine, Scope(LA)) as db:
        pick = next(p for p in picks_for(db, LA, MONTH) if p.person_id == extra)
        assert pick.deliberate and pick.picked_by == qa.id
        assert pick.reason == "Chosen on purpose: Neglect theme"
    page = c.get(f"/audits/sample?month={MONTH}").text
    assert "Chosen on purpose: Neglect theme" in page and "On purpose" in page


def test_only_an_open_unrestricted_case_not_yet_sampled_can_be_added(
    app: Any, engine: Engine
) -> None:
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    sampled = {p for _i, p in picks}
    free = [f"C{t}{k:02}" for t in (1, 2, 3) for k in range(3) if f"C{t}{k:02}" not in sampled]
    with scoped(engine, Scope(LA)) as db:
        restrict_case(db, Scope(LA), free[0], "Staff member's relative", dt.date(2027, 6, 1), [])
    cases = {
        free[0]: "is not a case you can add",
        "NOBODY": "has no open allocation",
        picks[0][1]: "is already in the sample",
        "": "Enter child&#39;s id",
    }
    for person, message in cases.items():
        r = _post(c, qa, "/audits/sample/add",
                  {"month": MONTH, "person_id": person, "reason": "Theme"})  # fmt: skip
        assert r.status_code == 400 and 'href="#person_id"' in r.text, person
        assert message in r.text, person
        assert re.search(r'name="reason"[^>]*>Theme</textarea>', r.text)
    r = _post(c, qa, "/audits/sample/add", {"month": MONTH, "person_id": free[1], "reason": ""})
    assert r.status_code == 400 and 'href="#reason"' in r.text
    with scoped(engine, Scope(LA)) as db:
        assert db.scalar(select(func.count()).select_from(SamplePick)) == len(picks)


def test_the_audit_pages_forms_show_their_errors_in_place(app: Any, engine: Engine) -> None:
    """No separate "not saved" page: the audit page again, the summary linked to the field,
    what was typed kept."""
    c, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    r = _post(c, auditor, f"/audits/{aid}/transition", {"name": "start", "version": "1"})
    assert r.status_code == 303
    r = _post(c, auditor, f"/audits/{aid}/actions",
              {"description": "Update the chronology", "owner": "Team manager"})  # fmt: skip
    assert r.status_code == 400
    assert 'href="#due_date-day"' in r.text and "give the action a due date" in r.text
    assert re.search(r'name="description"[^>]*value="Update the chronology"', r.text)
    assert "<h1" in r.text and "Audit of P1" in r.text
    r = _post(c, auditor, f"/audits/{aid}/actions",
              {"description": "x", "owner": "y", "due_date-day": "31", "due_date-month": "2",
               "due_date-year": "2027"})  # fmt: skip
    assert r.status_code == 400 and "Due date must be a real date" in r.text


def test_agreement_says_when_its_sample_is_too_small_to_mean_much(app: Any, engine: Engine) -> None:
    from grip.audits.moderation import smallest_meaningful_sample

    c, _qa = _client(app, engine, "qa_lead")
    page = c.get("/audits/agreement").text
    smallest = smallest_meaningful_sample()
    assert smallest > 1  # read from moderation.yaml
    assert 'id="small-sample"' in page and "These figures rest on 0 moderated audits" in page
    assert f"fewer than {smallest} is too few" in page


def test_agreement_dates_are_checked_in_place(app: Any, engine: Engine) -> None:
    c, _qa = _client(app, engine, "qa_lead")
    query = "date_from-day=1&date_from-month=6&date_from-year=2026&date_to-day=1&date_to-month=1"
    r = c.get(f"/audits/agreement?{query}&date_to-year=2026")
    assert r.status_code == 400 and 'href="#date_from-day"' in r.text
    assert "must be on or before" in r.text
    r = c.get("/audits/agreement?date_from-day=31&date_from-month=2&date_from-year=2026")
    assert r.status_code == 400 and "From must be a real date" in r.text
    assert re.search(r'name="date_from-day"[^>]*value="31"', r.text)


def test_a_sampled_case_is_allocated_once(app: Any, engine: Engine) -> None:
    """A form sent twice (or a page left open while someone else allocates) does not make a
    second audit of the same sampled case: the second allocation is refused beside the boxes,
    and none of the ticked cases is allocated."""
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    auditor = make_user(engine, "auditor", LA)
    base = {"csrf_token": qa.csrf_token, "month": MONTH, "auditor_id": str(auditor.id)}
    r = c.post("/audits/allocate", data={**base, "pick_ids": [picks[0][0]]},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    r = c.post("/audits/allocate", data={**base, "pick_ids": [picks[1][0], picks[0][0]]})
    assert r.status_code == 400 and 'href="#pick_ids"' in r.text
    assert f"{picks[0][1]} is already allocated for audit" in r.text
    assert _audits(engine) == 1


def test_the_audit_history_is_in_words(app: Any, engine: Engine) -> None:
    """Pages show words, not codes: each step of the history by what happened, an action by
    its description rather than its id, the state it moved to by its label."""
    from grip.audits.models import AuditAction

    c, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    assert _post(c, auditor, f"/audits/{aid}/transition",
                 {"name": "start", "version": "1"}).status_code == 303  # fmt: skip
    r = _post(c, auditor, f"/audits/{aid}/actions",
              {"description": "Update the chronology", "owner": "Team manager",
               "due_date-day": "1", "due_date-month": "3", "due_date-year": "2027"})  # fmt: skip
    assert r.status_code == 303
    with scoped(engine, Scope(LA)) as db:
        action_id = db.scalars(select(AuditAction.id)).one()
    history = c.get(f"/audits/{aid}").text.split('id="history"')[1].split("</ol>")[0]
    assert "Allocated to the auditor → Allocated" in history
    assert "Audit started → In progress" in history
    assert "Improvement action added (Update the chronology)" in history
    assert action_id not in history and "action_added" not in history
