"""Every page of Grip meets WCAG 2.2 AA, checked with axe-core in a real browser.

WCAG 2.2 AA is the legal bar for UK public-sector services, and the issues ask for pages in the
GOV.UK style and accessible. Each page a GET can reach is loaded in Debian's Chromium with real
data (a synthetic LA from ``grip.demo.build_demo`` plus a year of demo audits), signed in as a
role that may see it, and axe runs every WCAG 2.0/2.1/2.2 A and AA rule on it. A GET route of
the app that is neither visited here nor listed in ``EXCLUDED`` (with the reason) fails the
test, so a new page cannot escape the check. See docs/accessibility.md.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from a11y import (
    PHONE_WIDTH,
    REFLOW_WIDTH,
    a11y_context,
    describe,
    page_width_at_phone,
    phone_overflow,
    reflow_overflow,
    run_axe,
)
from fastapi.routing import APIRoute
from openpyxl import Workbook
from sqlalchemy import Engine, select

from accounts import make_user, next_code
from grip import frameworks
from grip.access import restrictions
from grip.access.scope import Scope, scoped
from grip.audits import lifecycle as lc
from grip.audits.demo import seed_demo_audits
from grip.audits.models import Audit
from grip.casedata.models import CASE_TABLES
from grip.demo import build_demo
from grip.measures.definitions import load_definitions
from grip.settings import Settings
from grip.web.app import iter_routes

pytestmark = pytest.mark.browser

LA = "A11"
AS_OF = dt.date.today()

#: GET routes that are not HTML pages, so axe has nothing to check. Each says why.
EXCLUDED: dict[str, str] = {
    "/healthz": "health probe for load balancers: a JSON body, not a page",
    "/api/openapi.json": "the API's JSON schema",
    "/api/frameworks": "JSON API",
    "/api/frameworks/{framework_id}": "JSON API",
    "/admin/audit-trail/export": "CSV download of the audit trail",
    "/audits/reports/{quarter}.{fmt}": "report download (XLSX, DOCX or CSV), not a page",
    "/inspections/{inspection_id}/analysis.docx": "DOCX download of the analysis, not a page",
    "/api/outcomes/stats": "JSON API",
    "/selfeval/{year}/export.{fmt}": "self-evaluation download (DOCX or PDF), not a page",
    "/annex-a/jobs/{job_id}/download": "XLSX download of a finished Annex A build",
    "/annex-a/check/{token}/report.csv": "CSV download of a workbook check's problems",
    "/measures/pack.xlsx": "XLSX download of the performance pack, not a page",
    "/measures/{measure_id}/children.csv": "CSV download of the children behind a measure",
    "/inspections/{inspection_id}/report/files/{name}.{fmt}": "report download (DOCX or PDF)",
    "/action-plans/{plan_id}/plan.docx": "DOCX download of the action plan, not a page",
}

#: GET routes checked in the sign-in journey (``_axe_sign_in_journey``) rather than by a plain
#: visit: only a person part-way through signing in can reach them.
JOURNEY: frozenset[str] = frozenset({"/sign-in/code"})


@dataclass(frozen=True)
class Visit:
    """One page to check: who looks at it, where, and the status it must answer with."""

    role: str  # "anonymous" for a browser that has not signed in
    url: str
    status: int = 200
    why: str = ""


@dataclass
class Data:
    """Ids of the objects that parametrised pages need."""

    audits_by_state: dict[str, str]  # one demo audit of each state the seeder made
    audit_open: str
    restricted_person: str
    check_token: str = ""
    built_job: str = ""  # the page of a finished Annex A build
    outcome_report: int = 0
    inspection: str = ""  # a mock inspection the QA lead leads, with evidence (grip.evidence)
    evidence_entry: str = ""
    mock_inspection: str = ""  # a mock standard inspection led by an external inspector
    meeting: str = ""  # an annual engagement meeting whose letter is overdue (grip.selfeval)
    action_plan: str = ""  # an inadequate LA's action plan with one action (grip.actionplans)
    plan_action: str = ""
    auditor_id: int = 0  # a user the LA admin may disable (the confirmation page)


def _get_routes(app: Any) -> list[APIRoute]:
    """The app's GET routes, in the order the router tries them (first match wins).

    Static mounts (``/static``, ``/assets/govuk``) serve files, not pages, and are not routes
    of this kind."""
    seen: set[str] = set()
    out: list[APIRoute] = []
    for r in iter_routes(app):
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path not in seen:
            seen.add(r.path)
            out.append(r)
    return out


def _route_of(routes: list[APIRoute], url: str) -> str | None:
    """The path template of the route that serves ``url``, or ``None`` (a 404 page)."""
    path = urlsplit(url).path
    return next((r.path for r in routes if r.path_regex.match(path)), None)


def _seed(settings: Settings, engine: Engine) -> tuple[Data, dict[str, Any]]:
    """A synthetic LA with case data, users and a year of audits; one open audit allocated to
    a fresh auditor (so the audit form is shown editable); one restricted case nobody is
    listed for (so the restrictions page has a row and break-glass has a form)."""
    build_demo(settings, children=150, seed=1, as_of=AS_OF, la_code=LA)
    seed_demo_audits(engine, LA, AS_OF, seed=1)
    qa = make_user(engine, "qa_lead", LA)
    auditor = make_user(engine, "auditor", LA)
    person = CASE_TABLES["ssd_person"]
    with scoped(engine, Scope(LA)) as db:
        audits = db.execute(select(Audit.id, Audit.state, Audit.person_id)).all()
        audited = {a.person_id for a in audits}
        people = [
            p
            for p in db.scalars(
                select(person.c.pers_person_id)
                .where(person.c.la_code == LA)
                .order_by(person.c.pers_person_id)
            )
            if p not in audited
        ]
        open_audit = lc.allocate(
            db,
            la_code=LA,
            person_id=people[0],
            auditor_id=auditor.id,
            actor=lc.As(qa.id, "qa_lead"),
            month=AS_OF.strftime("%Y-%m"),
        )
        restrictions.restrict_case(
            db,
            Scope(LA),
            people[1],
            "synthetic restriction for the accessibility check",
            AS_OF + dt.timedelta(days=90),
            [],
        )
        open_id = open_audit.id
    outcome_report = _seed_outcomes(engine)
    meeting_id = _seed_selfeval(engine, lc.As(qa.id, "qa_lead"))
    by_state = {a.state: a.id for a in sorted(audits)}
    assert len(by_state) >= 2, f"the demo audits should span several states: {by_state}"
    data = Data(
        audits_by_state=by_state,
        audit_open=open_id,
        restricted_person=people[1],
        outcome_report=outcome_report,
        meeting=meeting_id,
    )
    data.mock_inspection = _seed_inspection(
        engine, qa, (inspector := make_user(engine, "inspector", LA))
    )
    data.inspection, data.evidence_entry = _seed_evidence(engine, qa, people[2:6])
    data.action_plan, data.plan_action = _seed_action_plan(engine, qa)
    data.auditor_id = auditor.id
    return data, {"auditor": auditor, "qa_lead": qa, "inspector": inspector}


def _seed_inspection(engine: Engine, qa: Any, lead: Any) -> str:
    """A mock standard inspection with a lead inspector, cases, a request and a line of
    enquiry, its fieldwork on the first allowed Monday at least two weeks ahead."""
    from grip.inspections import NewInspection, add_cases, add_member, create_inspection
    from grip.inspections.analysis import add_line
    from grip.inspections.requests import NewRequest, add_request
    from grip.inspections.timeline import date_problems

    start = AS_OF + dt.timedelta(days=14 + (7 - AS_OF.weekday()) % 7)
    while date_problems("standard", start):
        start += dt.timedelta(days=7)
    person = CASE_TABLES["ssd_person"]
    with scoped(engine, Scope(LA, qa.id, "qa_lead")) as db:
        spec = NewInspection("standard", "mock", title="Mock standard inspection",
                             fieldwork_start=start)  # fmt: skip
        insp = create_inspection(db, LA, spec, lc.As(qa.id, "qa_lead"))
        # The sample takes only unrestricted cases (grip.inspections.cases.unsampleable).
        ids = [p for p in db.scalars(select(person.c.pers_person_id).where(person.c.la_code == LA)
                                     .order_by(person.c.pers_person_id).limit(10))
               if not restrictions.is_restricted(db, LA, p)][:3]  # fmt: skip
        add_cases(db, insp, [(p, "Audited by the local authority") for p in ids], "la-audited",
                  lc.As(qa.id, "qa_lead"))  # fmt: skip
        add_member(db, insp, lead.username, "lead_inspector", lc.As(qa.id, "qa_lead"))
        as_lead = lc.As(lead.id, "inspector")
        due = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        add_request(db, insp, NewRequest("The latest supervision records", "Oversight",
                                         "document", due, ids[0]), as_lead)  # fmt: skip
        add_line(db, insp, "How well are children's plans reviewed?", as_lead)
        return insp.id


def _seed_selfeval(engine: Engine, qa: lc.As) -> str:
    """This year's self-evaluation, so its page shows evidence panels and the edit form, and
    last year's engagement meeting with its letter overdue; returns the meeting's id."""
    from grip.selfeval import meeting
    from grip.selfeval import service as selfeval

    with scoped(engine, Scope(LA, qa.user_id, qa.role)) as db:
        selfeval.open_year(db, LA, AS_OF.year, qa, AS_OF)
        on = AS_OF - dt.timedelta(days=370)
        people = [{"name": "A. Director", "role": "DCS"}, {"name": "B. Hmi", "role": "HMI"}]
        topics = ["The possible scope of a focused visit"]
        return meeting.record_meeting(
            db, LA, meeting.MeetingInput(on, people, topics, on, "Notes"), qa
        ).id


def _seed_evidence(engine: Engine, lead: Any, people: list[str]) -> tuple[str, str]:
    """A mock standard inspection led by ``lead`` with a sample and one evidence entry."""
    from grip.audits.lifecycle import As
    from grip.evidence.name_guard import NameIndex
    from grip.evidence.record import EntryInput, record_entry
    from grip.inspections import NewInspection, add_cases, add_member, create_inspection

    with scoped(engine, Scope(LA, lead.id, lead.role)) as db:
        me = As(lead.id, lead.role)
        insp = create_inspection(db, LA, NewInspection(type="standard", kind="mock"), me)
        add_member(db, insp, lead.username, "lead_inspector", me)
        add_cases(db, insp, [(p, "sampled") for p in people], "inspector-sample", me)
        head = "ilacs-2017/help-protection/early-help"
        entry = EntryInput("case-file", "strength", [head], people[:2], "Early help is timely.")
        eid = record_entry(db, insp, entry, me, NameIndex.from_store(db, LA)).id
        return insp.id, eid


def _seed_action_plan(engine: Engine, qa: Any) -> tuple[str, str]:
    """A real standard inspection judged inadequate, feedback given with an area for
    improvement, its action plan with one action and a progress update."""
    import json

    from grip.access import clock
    from grip.actionplans import actions, plans
    from grip.evidence.models import Feedback, Finding
    from grip.inspections import NewInspection, create_inspection

    me = lc.As(qa.id, "qa_lead")
    with scoped(engine, Scope(LA, qa.id, "qa_lead")) as db:
        spec = NewInspection("standard", "real", title="Standard inspection",
                             fieldwork_start=dt.date(2026, 10, 5))  # fmt: skip
        insp = create_inspection(db, LA, spec, me)
        db.add(Feedback(la_code=LA, inspection_id=insp.id, attendees="DCS", note="",
                        given_at=clock.now(), given_by=qa.id))  # fmt: skip
        db.add(Finding(la_code=LA, id=lc.new_id(), inspection_id=insp.id,
                       kind="area-for-improvement", text="Management oversight is not recorded",
                       entry_ids=json.dumps([]), recorded_at=clock.now()))  # fmt: skip
        db.flush()
        plan = plans.create_plan(db, LA, insp.id, dt.date(2026, 11, 20), me, inadequate=True)
        area = actions.areas(db, plan, me)[0].finding.id
        action = actions.add_action(db, plan, me, finding_id=area, description="Weekly checks",
                                    owner_user_id=qa.id, due_date=dt.date(2027, 3, 1))  # fmt: skip
        actions.add_progress(db, plan, action, me, AS_OF, "Checks started in two teams")
        actions.add_impact(db, plan, action, me, "measure", "FD_REFERRALS")
        return plan.id, action.id


def _seed_outcomes(engine: Engine) -> int:
    """One real published report read into the outcomes register (so its page shows evidence),
    and an earlier inspection recorded as Grip would, so statistics and history have rows."""
    from pathlib import Path

    from grip.outcomes import import_file, record_outcome

    reports = Path(__file__).resolve().parents[2].parent / "shared/data/ofsted-reports"
    report = reports / "bexley-2023-03-24.pdf"
    if not report.is_file():
        pytest.fail(f"the published Ofsted reports are expected in {reports}", pytrace=False)
    grades = ["good", "requires-improvement", "good", "good"]
    record_outcome(
        engine, la_code="303", framework="ilacs-2017", fieldwork_start=dt.date(2018, 7, 9),
        fieldwork_end=dt.date(2018, 7, 20), published=dt.date(2018, 8, 20),
        judgements=dict(zip(["overall", "help-protection", "children-in-care", "leaders"], grades,
                             strict=True)),
    )  # fmt: skip
    result = import_file(engine, report)
    assert result.report_id is not None, result.message
    return result.report_id


def _visits(data: Data) -> list[Visit]:
    """Every page to check. Several routes get more than one visit: a page's other states
    (errors shown, results listed) are pages a person meets too."""
    ilacs = frameworks.load("ilacs-2017")
    defs = load_definitions()
    headline = next(m.id for m in defs.measures if m.headline)
    # A mixed set of grades, so the rules engine has something to say.
    grades = "&".join(
        f"grade-{j.id}={ilacs.scale[i % len(ilacs.scale)].id}"
        for i, j in enumerate(ilacs.judgements)
    )
    visits = [
        # Public pages and the error pages a visitor can meet before signing in.
        Visit("anonymous", "/sign-in"),
        Visit("anonymous", "/sign-in/oidc/callback", 400, "OIDC failure: sign-in with error"),
        Visit("anonymous", f"/sign-in/oidc/{LA}", 404, "LA without an identity provider"),
        # Everything a QA lead sees.
        Visit("qa_lead", "/"),
        Visit("qa_lead", "/account"),
        Visit("qa_lead", "/account/password"),
        Visit("qa_lead", "/frameworks"),
        Visit("qa_lead", "/frameworks/search?q=neglect", why="search with results"),
        Visit("qa_lead", "/frameworks/search?q=zzzzqqq", why="search without results"),
        *(Visit("qa_lead", f"/frameworks/{fid}") for fid in ("ilacs-2017", "sif-2013", "cp-2012")),
        *(Visit("qa_lead", f"/frameworks/ilacs-2017/judgements/{j.id}") for j in ilacs.judgements),
        Visit("qa_lead", "/frameworks/ilacs-2017/judge"),
        Visit("qa_lead", f"/frameworks/ilacs-2017/judge?check=1&{grades}", why="the rules' answer"),
        Visit("qa_lead", "/frameworks/ilacs-2017/judge?check=1&grade-overall=x", 400, "errors"),
        Visit("qa_lead", "/annex-a"),
        Visit("qa_lead", "/annex-a/check"),
        Visit("qa_lead", f"/annex-a/check/{data.check_token}", why="a checked workbook"),
        Visit("qa_lead", "/annex-a/check/expired-token", 404, "expired check"),
        Visit("qa_lead", data.built_job, why="a finished Annex A build"),
        Visit("qa_lead", "/annex-a/jobs/no-such-job", 404, "expired job"),
        Visit("qa_lead", "/measures"),
        Visit("qa_lead", "/measures?date-day=31&date-month=2&date-year=2027", 400, "bad date"),
        Visit("qa_lead", f"/measures/{headline}"),
        Visit("qa_lead", "/measures/AS_45WD?failing=true", why="the children behind a figure"),
        Visit("qa_lead", "/audits"),
        Visit("qa_lead", "/audits/actions"),
        Visit("qa_lead", "/audits/sample"),
        Visit("qa_lead", "/audits/agreement"),
        Visit("qa_lead", "/audits/reports"),
        # Before any audit: lists and tables with nothing in them.
        Visit("qa_lead", "/audits?month=2000-01", why="no audits match"),
        Visit("qa_lead", "/audits/sample?month=2000-01", why="no sample yet"),
        Visit("qa_lead", "/audits/agreement?date_to=2000-01-31", why="nothing moderated"),
        Visit("qa_lead", "/audits/reports?quarter=2000-Q1", why="nothing graded"),
        *(Visit("qa_lead", f"/audits/{a}", why=st) for st, a in data.audits_by_state.items()),
        Visit("qa_lead", "/audits/no-such-audit", 404, "audits' own not-found page"),
        Visit("qa_lead", "/audits/reports?quarter=bad", 422, "audits' error summary page"),
        Visit("qa_lead", "/outcomes"),
        Visit(
            "qa_lead",
            "/outcomes?ended_from-day=31&ended_from-month=2&ended_from-year=2023&region=x",
            400,
            "filter errors in place",
        ),
        Visit("qa_lead", "/outcomes/la/303"),
        Visit("qa_lead", f"/outcomes/reports/{data.outcome_report}"),
        Visit("qa_lead", "/outcomes/stats"),
        Visit("qa_lead", "/outcomes/themes"),
        Visit("qa_lead", "/outcomes/themes/management-oversight"),
        Visit("qa_lead", "/selfeval"),
        Visit("qa_lead", f"/selfeval/{AS_OF.year}"),
        Visit("qa_lead", "/selfeval/1999", 404, "no self-evaluation for the year"),
        Visit("qa_lead", "/selfeval/readiness"),
        Visit("qa_lead", "/selfeval/meetings"),
        Visit("qa_lead", f"/selfeval/meetings/{data.meeting}", why="letter overdue"),
        Visit("qa_lead", "/selfeval/meetings/no-such", 404, "no such meeting"),
        Visit("qa_lead", "/action-plans"),
        Visit("qa_lead", f"/action-plans/{data.action_plan}"),
        Visit("qa_lead", f"/action-plans/{data.action_plan}/actions/{data.plan_action}"),
        Visit("qa_lead", f"/action-plans/{data.action_plan}/what-changed"),
        Visit("qa_lead", "/action-plans/no-such-plan", 404, "no such action plan"),
        Visit("qa_lead", "/admin/restrictions"),
        Visit("qa_lead", f"/break-glass/{data.restricted_person}"),
        Visit("qa_lead", "/no/such/page", 404, "the generic not-found page"),
        # An inspection's evidence pages, as its lead inspector (grip.evidence).
        *(
            Visit("qa_lead", f"/inspections/{data.inspection}/{page}")
            for page in (
                "evidence",
                "evidence/new",
                f"evidence/{data.evidence_entry}",
                "judgements",
                "findings",
                "feedback",
                "agreement",
                "report",
            )
        ),
        Visit(
            "qa_lead",
            f"/inspections/{data.inspection}/report/sections/leaders",
            404,
            "no report drafted here; tests/reports/test_browser.py checks the drafted pages",
        ),
        Visit(
            "qa_lead",
            f"/inspections/{data.inspection}/evidence?marker=priority-concern",
            why="no entries match",
        ),
        # The auditor's editable audit form.
        Visit("auditor", f"/audits/{data.audit_open}"),
        # An external inspector: read-only pages, own navigation.
        Visit("inspector", "/"),
        Visit("inspector", "/audits"),
        # Inspections: the LA's side and the lead inspector's.
        Visit("qa_lead", "/inspections"),
        Visit("qa_lead", "/inspections/new"),
        Visit("qa_lead", "/inspections/plan"),
        Visit("qa_lead", f"/inspections/{data.mock_inspection}"),
        Visit("qa_lead", f"/inspections/{data.mock_inspection}/requests"),
        Visit("qa_lead", f"/inspections/{data.mock_inspection}/analysis"),
        Visit("qa_lead", "/inspections/no-such-inspection", 404, "inspections' not-found page"),
        Visit("inspector", "/inspections"),
        Visit("inspector", f"/inspections/{data.mock_inspection}", why="the lead inspector"),
        Visit(
            "inspector", f"/inspections/{data.mock_inspection}/requests", why="the lead inspector"
        ),
        Visit(
            "inspector", f"/inspections/{data.mock_inspection}/analysis", why="the lead inspector"
        ),
        # Account administration.
        Visit("la_admin", "/admin/users"),
        Visit("la_admin", f"/admin/users/{data.auditor_id}/confirm?action=disable"),
        Visit("la_admin", f"/admin/users/{data.auditor_id}/role"),
        Visit("la_admin", "/admin/audit-trail"),
        Visit(
            "la_admin",
            "/admin/audit-trail?since-day=31&since-month=2&since-year=2026",
            400,
            "a date that does not exist, beside its field",
        ),
        Visit("la_admin", "/measures", 403, "the generic forbidden page"),
    ]
    return visits


def _check_coverage(app: Any, visits: list[Visit]) -> None:
    """Every GET route is visited or excluded; no exclusion is stale or also visited."""
    routes = _get_routes(app)
    all_paths = {r.path for r in routes}
    visited = {_route_of(routes, v.url) for v in visits} - {None}
    missing = sorted(all_paths - visited - JOURNEY - set(EXCLUDED))
    assert not missing, (
        f"GET routes with no accessibility check: {missing}. Add a Visit to _visits() in "
        f"{__file__}, or (only for a non-HTML response) an entry with the reason to EXCLUDED."
    )
    assert len(all_paths) > 20, f"route enumeration looks broken: {sorted(all_paths)}"
    stale = sorted((set(EXCLUDED) | JOURNEY) - all_paths)
    assert not stale, f"EXCLUDED lists routes the app does not have: {stale}"
    both = sorted(set(EXCLUDED) & visited)
    assert not both, f"routes both visited and EXCLUDED: {both}"


def _page_failures(page: Any, label: str) -> list[str]:
    """What is wrong with the page as it stands: axe's violations, content that does not
    reflow at 320 px, and a form showing errors without "Error: " in its title."""
    out = []
    violations = run_axe(page)
    if violations:
        out.append(describe(label, violations))
    overflow = reflow_overflow(page)
    if overflow:
        out.append(
            f"{label}: WCAG 1.4.10 Reflow: at {REFLOW_WIDTH} px wide these stick out "
            f"(the page scrolls sideways): {overflow[:8]}"
        )
    width = page_width_at_phone(page)
    if width > PHONE_WIDTH:
        out.append(
            f"{label}: {width} px wide at {PHONE_WIDTH} px (the page scrolls sideways): "
            f"{phone_overflow(page)[:8]}"
        )
    # GOV.UK's error summary pattern (WCAG 3.3.1, 4.1.3): a form sent back with errors says
    # so first thing in its title, which a screen reader reads out on load.
    if page.locator(".govuk-error-summary").count() and page.locator("main form").count():
        title = page.title()
        if not title.startswith("Error: "):
            out.append(f"{label}: a form showing errors, but the title is {title!r}")
    return out


def _upload_workbook(page: Any, base: str) -> str:
    """Check a small hostile workbook through the real upload form; returns the result token
    (the result page, with its problems table and filters, is then checked like any other)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "List 1"
    ws.append(["Not a real header", "Another"])
    ws.append(["x", "=1+1"])
    buf = io.BytesIO()
    wb.save(buf)
    page.goto(f"{base}/annex-a/check")
    page.set_input_files(
        "input[type=file]",
        {
            "name": "annex-a.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": buf.getvalue(),
        },
    )
    page.click("form[action='/annex-a/check'] button[type=submit]")
    page.wait_for_url(f"{base}/annex-a/check/*")
    return urlsplit(page.url).path.rsplit("/", 1)[1]


def _build_annex_a(page: Any, base: str) -> str:
    """Build Annex A through the real form; its job page moves on by itself (grip.js polls
    it) to the download. Returns the job page's path."""
    page.goto(f"{base}/annex-a")
    page.click("form[action='/annex-a/build'] button[type=submit]")
    page.wait_for_url(f"{base}/annex-a/jobs/*")
    page.get_by_text("Download the workbook").wait_for(timeout=60_000)
    return urlsplit(page.url).path


def _axe_sign_in_journey(browser: Any, base: str, engine: Engine, failures: list[str]) -> None:
    """The sign-in journey's pages in their error states and the second-factor page: only a
    person part-way through signing in can reach these."""
    user = make_user(engine, "social_worker", LA)
    context = a11y_context(browser)
    page = context.new_page()
    try:

        def check(label: str) -> None:
            failures.extend(_page_failures(page, label))

        page.goto(f"{base}/sign-in")
        page.fill("#username", user.username)
        page.fill("#password", "not the password")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1, "no error summary shown"
        check("POST /sign-in with a wrong password (error summary)")
        page.fill("#username", user.username)
        page.fill("#password", user.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/sign-in/code")
        check("GET /sign-in/code")
        page.fill("#code", "000000" if next_code(engine, user) != "000000" else "111111")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1, "no error summary shown"
        check("POST /sign-in/code with a wrong code (error summary)")
    finally:
        context.close()


def test_every_page_meets_wcag_22_aa(
    browser: Any, live_server: str, app: Any, settings: Settings, engine: Engine
) -> None:
    """axe finds no WCAG 2.2 A/AA violation on any page, for the role that uses it."""
    from accounts import sign_in_browser

    data, users = _seed(settings, engine)
    failures: list[str] = []
    routes = _get_routes(app)
    contexts: dict[str, Any] = {}

    def page_for(role: str) -> Any:
        """One signed-in context per role, reused for all its pages."""
        if role not in contexts:
            ctx = a11y_context(browser)
            p = ctx.new_page()
            if role != "anonymous":
                user = users.get(role) or make_user(engine, role, LA)
                sign_in_browser(p, live_server, engine, user)
            contexts[role] = p
        return contexts[role]

    try:
        data.check_token = _upload_workbook(page_for("qa_lead"), live_server)
        data.built_job = _build_annex_a(page_for("qa_lead"), live_server)
        visits = _visits(data)
        _check_coverage(app, visits)
        for v in visits:
            page = page_for(v.role)
            response = page.goto(live_server + v.url)
            assert response is not None
            label = f"GET {v.url} as {v.role}" + (f" ({v.why})" if v.why else "")
            # The page checked must be the page asked for: not a redirect to sign-in.
            assert urlsplit(page.url).path == urlsplit(v.url).path, f"{label}: went to {page.url}"
            assert response.status == v.status, f"{label}: status {response.status}"
            assert _route_of(routes, v.url) is not None or v.status == 404
            failures += _page_failures(page, label)
        _axe_sign_in_journey(browser, live_server, engine, failures)
    finally:
        for p in contexts.values():
            p.context.close()
    assert not failures, "WCAG 2.2 AA violations found by axe:\n\n" + "\n\n".join(failures)


def test_axe_reports_a_known_violation(browser: Any) -> None:
    """The harness is not vacuous: a page with an unlabelled input, an image without alt text,
    a table with headers but no rows, no <h1> and no language fails with those rules named."""
    context = a11y_context(browser)
    try:
        page = context.new_page()
        page.set_content(
            "<html><head><title>t</title></head><body><main>"
            "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
            "<input type='text'>"
            "<table><thead><tr><th scope='col'>A</th><th scope='col'>B</th></tr></thead>"
            "<tbody></tbody></table></main></body></html>"
        )
        ids = {v["id"] for v in run_axe(page)}
        expected = {
            "image-alt",
            "label",
            "html-has-lang",
            "th-has-data-cells",
            "page-has-heading-one",
        }
        assert expected <= ids, ids
        assert "image-alt" in describe("t", run_axe(page))
    finally:
        context.close()


def test_keyboard_reaches_sign_in_with_visible_focus(browser: Any, live_server: str) -> None:
    """WCAG 2.1.1 (keyboard), 2.4.1 (bypass blocks), 2.4.3 (focus order), 2.4.7 and 2.4.11
    (focus visible, not obscured): from the top of the sign-in page, Tab first reaches the skip
    link, then the fields in reading order and the submit button, each visibly focused."""
    context = a11y_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/sign-in")
        seen: list[str] = []
        for _ in range(15):
            page.keyboard.press("Tab")
            info = page.evaluate(
                """() => {
                  const el = document.activeElement;
                  const s = getComputedStyle(el);
                  const r = el.getBoundingClientRect();
                  return {
                    key: el.id || el.getAttribute('type') || el.textContent.trim(),
                    tag: el.tagName,
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                    shadow: s.boxShadow !== 'none',
                    background: s.backgroundColor,
                    onScreen: r.width > 0 && r.height > 0 && r.top >= 0
                      && r.bottom <= window.innerHeight,
                  };
                }"""
            )
            seen.append(info["key"])
            if info["tag"] in ("INPUT", "BUTTON") or info["key"] == "Skip to main content":
                assert info["outline"] or info["shadow"], f"focus not visible on {info}"
                assert info["onScreen"], f"focused element off screen: {info}"
            if info["key"] == "submit":
                break
        assert seen[0] == "Skip to main content", seen
        assert "submit" in seen, f"Tab never reached the submit button: {seen}"
        order = [k for k in seen if k in ("username", "password", "submit")]
        assert order == ["username", "password", "submit"], seen
        # The skip link moves focus past the header to the main content.
        page.goto(f"{live_server}/sign-in")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        target = page.evaluate("() => document.activeElement.id")
        assert target == "main-content", target
    finally:
        context.close()
