"""Audit pages: permissions per role, save as you go, a stale save refused with
409 and an explanation, exports, and report figures equal to the audits they summarise."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from accounts import TestUser, make_user, sign_in
from grip.access.models import AuditEvent
from grip.access.scope import Scope, scoped
from grip.audits import lifecycle as lc

from .conftest import add_child, add_rows, caseload, quick_user
from .helpers import full_questions

LA = "LA1"


def _client(app: Any, engine: Engine, role: str) -> tuple[TestClient, TestUser]:
    c = TestClient(app, base_url="http://127.0.0.1")
    user = sign_in(c, engine, make_user(engine, role, LA))
    return c, user


def _post(c: TestClient, user: TestUser, url: str, data: dict[str, Any], **kw: Any) -> Any:
    return c.post(url, data={"csrf_token": user.csrf_token, **data}, follow_redirects=False, **kw)


def _allocated(engine: Engine, auditor: TestUser, worker: TestUser | None = None) -> str:
    add_rows(engine, "ssd_department", [{"dept_team_id": "T1", "dept_team_name": "Assessment 1"}])
    add_child(engine, "P1", "T1")
    qa = quick_user(engine, "qa_lead")
    with scoped(engine, Scope(LA)) as db:
        a = lc.allocate(
            db,
            la_code=LA,
            person_id="P1",
            auditor_id=auditor.id,
            actor=qa,
            month="2026-10",
            team_id="T1",
            worker_user_id=worker.id if worker else None,
        )
        return a.id


def test_audit_pages_by_role(app: Any, engine: Engine) -> None:
    auditor_client, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    r = auditor_client.get(f"/audits/{aid}")
    assert r.status_code == 200
    assert "The child's record" in r.text and 'data-transition="start"' in r.text
    assert auditor_client.get("/audits").status_code == 200
    assert auditor_client.get("/audits/sample").status_code == 200
    # Reports are for managers and the QA lead, not auditors or social workers.
    assert auditor_client.get("/audits/reports").status_code == 403
    sw_client, sw = _client(app, engine, "social_worker")
    assert sw_client.get("/audits/agreement").status_code == 403
    r = _post(sw_client, sw, f"/audits/{aid}/transition", {"name": "start", "version": "1"})
    assert r.status_code == 403
    qa_client, _qa = _client(app, engine, "qa_lead")
    assert qa_client.get("/audits/reports").status_code == 200
    assert qa_client.get("/audits/agreement").status_code == 200
    assert qa_client.get("/audits/actions").status_code == 200


def test_opening_an_audit_logs_a_read_of_the_audit_and_of_the_childs_record(
    app: Any, engine: Engine
) -> None:
    """Every read of a child's record is an audit-trail event; the audit page
    shows the child's record summary, so it logs both the audit and the case read."""
    auditor_client, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    assert auditor_client.get(f"/audits/{aid}").status_code == 200
    with engine.connect() as conn:
        events = conn.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.username).where(
                AuditEvent.action.in_(["audit.read", "case.read"])
            )
        ).all()
    assert sorted(events) == [
        ("audit.read", aid, auditor.username),
        ("case.read", "P1", auditor.username),
    ]


def test_save_as_you_go_and_stale_save_refused(app: Any, engine: Engine) -> None:
    c, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    r = _post(c, auditor, f"/audits/{aid}/transition", {"name": "start", "version": "1"})
    assert r.status_code == 303
    page = c.get(f"/audits/{aid}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version and version.group(1) == "2"
    key = "case-information.record-complete"
    # The script's save: JSON answer with the new version.
    r = _post(
        c,
        auditor,
        f"/audits/{aid}/save",
        {"version": "2", f"a.{key}": "yes", f"e.{key}": "Genogram on file"},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 200 and r.json() == {"saved": True, "version": 3}
    # A second tab still on version 2: refused, explained, nothing written.
    r = _post(
        c,
        auditor,
        f"/audits/{aid}/save",
        {"version": "2", f"a.{key}": "no", f"e.{key}": "Overwrite"},
    )
    assert r.status_code == 409
    assert "Someone else saved this audit after you opened it" in r.text
    assert "you loaded version 2, it is now version 3" in r.text
    r = _post(
        c,
        auditor,
        f"/audits/{aid}/save",
        {"version": "2", f"a.{key}": "no"},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 409 and r.json()["stale"] is True and r.json()["current"] == 3
    page = c.get(f"/audits/{aid}").text
    assert "Genogram on file" in page and "Overwrite" not in page
    # A normal (no-JS) save redirects back with a confirmation.
    r = _post(c, auditor, f"/audits/{aid}/save", {"version": "3", f"a.{key}": "partly"})
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=1")
    # Moving on before the form is complete is refused with the gaps listed.
    r = _post(
        c, auditor, f"/audits/{aid}/transition", {"name": "request_reflection", "version": "4"}
    )
    # … shown on the audit page itself, each gap in the error summary linked to the form.
    assert r.status_code == 400 and "give the evidence" in r.text
    assert 'href="#audit-form"' in r.text and 'id="audit-form"' in r.text


def test_missing_csrf_is_refused(app: Any, engine: Engine) -> None:
    c, auditor = _client(app, engine, "auditor")
    aid = _allocated(engine, auditor)
    r = c.post(
        f"/audits/{aid}/transition",
        data={"name": "start", "version": "1"},
        headers={"x-csrf-token": ""},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_reflection_by_the_worker_and_safety_concern(app: Any, engine: Engine) -> None:
    ac_client, auditor = _client(app, engine, "auditor")
    sw_client, worker = _client(app, engine, "social_worker")
    aid = _allocated(engine, auditor, worker)
    with scoped(engine, Scope(LA)) as db:
        a = lc.get_audit(db, LA, aid)
        aud = lc.As(auditor.id, "auditor")
        lc.transition(db, a, "start", aud, a.version)
        lc.save_form(db, a, aud, a.version, full_questions(a.template_id))
        lc.transition(db, a, "request_reflection", aud, a.version)
        version = a.version
    page = sw_client.get(f"/audits/{aid}").text
    assert 'id="reflection-form"' in page and 'id="audit-form"' not in page
    r = _post(
        sw_client,
        worker,
        f"/audits/{aid}/reflection",
        {"version": str(version), "rf.what-went-well": "Built trust with the child"},
    )
    assert r.status_code == 303
    # The worker cannot use the reflection route to change the auditor's answers.
    r = _post(
        sw_client,
        worker,
        f"/audits/{aid}/reflection",
        {"version": str(version + 1), "a.recording.up-to-date": "no"},
    )
    assert r.status_code == 403
    r = _post(
        ac_client,
        auditor,
        f"/audits/{aid}/safety",
        {
            "concern": "Unexplained bruising reported",
            "director_told_on-day": "5",
            "director_told_on-month": "10",
            "director_told_on-year": "2026",
            "director_told_time": "09:30",
        },
    )
    assert r.status_code == 303
    page = ac_client.get(f"/audits/{aid}").text
    assert "Told Director of Children&#39;s Social Care on 5 October 2026 at 09:30" in page
    # Southwark QA framework 2015, appendix 1 §2g: the Director is always told, and when.
    r = _post(ac_client, auditor, f"/audits/{aid}/safety", {"concern": "x"})
    assert r.status_code == 400 and 'href="#director_told_on-day"' in r.text
    assert "the Director of Children&#39;s Social Care was told" in r.text
    assert re.search(r'name="concern"[^>]*>x</textarea>', r.text)  # what was typed is kept


def test_report_figures_equal_the_audits_and_exports(app: Any, engine: Engine) -> None:
    """Every report figure equals a count made directly from the audits it summarises."""
    from grip.audits.demo import seed_demo_audits
    from grip.audits.models import Audit, AuditAction, SafetyConcern
    from grip.audits.reports import build, quarter_months

    c, _qa = _client(app, engine, "qa_lead")
    as_of = dt.date(2026, 10, 15)
    caseload(engine)
    made = seed_demo_audits(engine, LA, as_of, seed=3)
    # A year in every state.
    assert set(made.by_state) == {
        "allocated",
        "in_progress",
        "reflection",
        "family_feedback",
        "submitted",
        "moderated",
        "closed",
    }
    assert made.safety_concerns == 2 and made.moderated > 0
    quarter = "2026-Q3"
    with scoped(engine, Scope(LA)) as db:
        rep = build(db, LA, quarter, as_of)
        months = quarter_months(quarter)
        audits = [a for a in db.query(Audit).all() if a.month in months]
        graded = [a for a in audits if a.state in ("submitted", "moderated", "closed")]
        assert rep.audits == len(audits) > 0
        assert rep.submitted == len(graded)
        all_row = next(g for g in rep.grades if g.level == "all")
        for grade in ("outstanding", "good", "requires_improvement", "inadequate"):
            assert all_row.counts[grade] == sum(1 for a in graded if a.final_grade == grade)
        team_rows = [g for g in rep.grades if g.level == "team" and g.period == quarter]
        assert sum(g.total for g in team_rows) == len(graded)
        month_rows = [g for g in rep.grades if g.level == "team" and g.period in months]
        assert sum(g.total for g in month_rows) == len(graded)
        ids = {a.id for a in audits}
        actions = [x for x in db.query(AuditAction).all() if x.audit_id in ids]
        assert rep.actions_total == len(actions)
        assert rep.actions_done == sum(1 for x in actions if x.status == "done")
        assert rep.overdue_audits == [
            (a.id, a.person_id, rep.overdue_audits[i][2], lc.effective_due(a))
            for i, a in enumerate(x for x in audits if lc.is_overdue(x, as_of))
        ]
        start, end = dt.date(2026, 7, 1), dt.date(2026, 10, 1)
        concerns = [s for s in db.query(SafetyConcern).all() if start <= s.raised_at.date() < end]
        assert rep.concerns_raised == len(concerns)
    page = c.get(f"/audits/reports?quarter={quarter}").text
    shown = re.search(r'data-figure="audits">.*?__value">(\d+)<', page, re.S)
    assert shown and int(shown.group(1)) == rep.audits
    x = c.get(f"/audits/reports/{quarter}.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Audits in the quarter"] == rep.audits
    assert summary["Actions done"] == rep.actions_done
    d = c.get(f"/audits/reports/{quarter}.docx")
    assert d.status_code == 200 and d.content[:2] == b"PK"
    assert c.get("/audits/reports/2026-Q9.xlsx").status_code == 422


@pytest.mark.parametrize("path", ["/audits/nope", "/audits/reports?quarter=bad"])
def test_bad_input_is_explained(app: Any, engine: Engine, path: str) -> None:
    c, _ = _client(app, engine, "qa_lead")
    r = c.get(path)
    assert r.status_code in (404, 422)
    assert "There is a problem" in r.text


def test_sample_run_errors_shown_in_place_with_what_was_typed(app: Any, engine: Engine) -> None:
    """Cases per group must be at least 1 (0 is an error, not silently 1) and the month must
    have begun; each error is in the summary, linked to its field, the typed values kept."""
    qa_client, qa = _client(app, engine, "qa_lead")
    r = _post(qa_client, qa, "/audits/sample", {"month": "2026-10", "per_group": "0", "seed": "7"})
    assert r.status_code == 400
    assert 'href="#per_group"' in r.text
    assert "Cases per practice group must be 1 or more – you entered &#39;0&#39;" in r.text
    assert re.search(r'name="per_group"[^>]*value="0"', r.text)
    assert re.search(r'name="seed"[^>]*value="7"', r.text)
    assert "Audit sample for October 2026" in r.text
    r = _post(qa_client, qa, "/audits/sample", {"month": "2099-01", "per_group": "1"})
    assert r.status_code == 400 and 'href="#month"' in r.text and "has not begun" in r.text


def test_the_audit_list_is_shown_a_page_at_a_time_with_dates_in_words(
    app: Any, engine: Engine
) -> None:
    from grip.web.routes.audits import AUDITS_PER_PAGE

    qa_client, _qa = _client(app, engine, "qa_lead")
    auditor = quick_user(engine, "auditor")
    add_rows(engine, "ssd_department", [{"dept_team_id": "T1", "dept_team_name": "Assessment 1"}])
    count = AUDITS_PER_PAGE + 3
    for n in range(count):
        add_child(engine, f"P{n:03d}", "T1")
    qa = quick_user(engine, "qa_lead")
    with scoped(engine, Scope(LA)) as db:
        for n in range(count):
            lc.allocate(db, la_code=LA, person_id=f"P{n:03d}", auditor_id=auditor.user_id,
                        actor=qa, month="2026-10", team_id="T1")  # fmt: skip
    first = qa_client.get("/audits")
    assert first.status_code == 200, first.text
    assert first.text.count('data-audit="') == AUDITS_PER_PAGE
    assert f"{count} audits: 1 to {AUDITS_PER_PAGE} shown (page 1 of 2)" in first.text
    assert "October 2026" in first.text and "2026-10" not in first.text.split("<table")[1]
    second = qa_client.get("/audits?month=2026-10&page=2")
    assert second.text.count('data-audit="') == 3
    assert "?month=2026-10&amp;page=1#audit-list" in second.text  # the filter is kept
    # A restricted case's audit is neither listed nor counted for those outside its list.
    from grip.access import restrictions
    from grip.store.db import transaction

    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope(LA), "P000", "test", dt.date(2027, 6, 1), [])
    after = qa_client.get("/audits?page=2")
    assert after.text.count('data-audit="') == 2 and f"{count - 1} audits" in after.text
    assert ">P000<" not in qa_client.get("/audits").text


def test_a_social_worker_sees_only_the_audits_of_their_own_cases(app: Any, engine: Engine) -> None:
    """Need to know (docs/access.md, "What a social worker sees"): the audits of one's own
    cases, not every audit's grade across the LA; nor the monthly sample or overdue actions."""
    sw_client, worker = _client(app, engine, "social_worker")
    auditor = make_user(engine, "auditor", LA)
    mine = _allocated(engine, auditor, worker)
    qa = quick_user(engine, "qa_lead")
    with scoped(engine, Scope(LA)) as db:
        other = lc.allocate(db, la_code=LA, person_id="P1", auditor_id=auditor.id, actor=qa,
                            month="2026-09", team_id="T1").id  # fmt: skip
    listing = sw_client.get("/audits").text
    assert f"/audits/{mine}" in listing and f"/audits/{other}" not in listing
    assert sw_client.get(f"/audits/{mine}").status_code == 200
    assert sw_client.get(f"/audits/{other}").status_code == 404
    assert sw_client.get("/audits/sample").status_code == 403
    assert sw_client.get("/audits/actions").status_code == 403
    assert 'href="/audits/sample"' not in listing
