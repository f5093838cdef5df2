"""Inspection pages: the LA's inspections and pathway, one inspection's page (state, timeline
checklist, team, cases, households, Annex A handover), the Annex B request log and the
pre-inspection analysis with its DOCX. A thin shell over ``grip.inspections``: the library
checks every rule (team roles included) whatever the route's declared permission admitted.

An external inspector sees only the inspections whose team they are on; anything else is
"not found", as a case outside their sample is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip import calendar
from grip.access import audit as trail
from grip.access import clock
from grip.access.models import Membership, User
from grip.access.principal import Principal
from grip.access.roles import INSPECTOR
from grip.frameworks.loader import framework_ids
from grip.inspections import analysis as pia
from grip.inspections import checklist as cl
from grip.inspections import pathway as pw
from grip.inspections import records as rec
from grip.inspections import requests as rq
from grip.inspections import selection as sel
from grip.inspections.cases import (
    SOURCES,
    add_cases,
    add_household,
    households,
    remove_case,
)
from grip.inspections.cases import cases as sample_cases
from grip.inspections.models import Inspection
from grip.inspections.rules import rules
from grip.inspections.team import add_member, remove_member, team
from grip.inspections.timeline import date_problems, type_ids
from grip.web.deps import render
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    ScopedDB,
    client_actor,
    csrf_token,
    requires,
)

router = APIRouter(prefix="/inspections")
#: The area's own pages (the service navigation's "Inspections" is in grip/web/navigation.yaml).
SUBNAV = [
    ("inspections:read", {"href": "/inspections", "text": "Inspections and visits"}),
    ("inspections:manage", {"href": "/inspections/plan", "text": "Pathway"}),
]


def _base(request: Request, principal: Principal, **ctx: Any) -> dict[str, Any]:
    return {
        "principal": principal,
        "csrf_token": csrf_token(request),
        "rules": rules(),
        "subnav_label": "Inspections",
        "subnav_items": [item for perm, item in SUBNAV if principal.can(perm)],
        **ctx,
    }


def _load(db: Session, principal: Principal, inspection_id: str) -> Inspection:
    """The inspection, or not found — also for an inspector not on its team."""
    inspection = rec.get_inspection(db, principal.la_code, inspection_id)
    if principal.role == INSPECTOR and rec.team_role_of(db, inspection, principal.user_id) is None:
        raise rec.InspectionNotFound(f"no inspection {inspection_id!r}")
    return inspection


def _error(request: Request, principal: Principal, exc: Exception, back: str) -> HTMLResponse:
    status = 404 if isinstance(exc, rec.InspectionNotFound) else 403
    if not isinstance(exc, rec.InspectionNotFound | rec.InspectionNotAllowed):
        status = 409 if isinstance(exc, rec.InvalidMove) else 422
    return render(
        request,
        "inspections/error.html",
        status_code=status,
        title="There is a problem",
        message=str(exc),
        back=back,
        **_base(request, principal),
    )


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


def _act(
    request: Request,
    principal: Principal,
    db: Session,
    back: str,
    work: Callable[[], Any],
) -> Response:
    """Run ``work``, commit and go back; on a refusal roll back and show why."""
    try:
        work()
        db.commit()
    except (rec.InspectionError, ValueError) as exc:
        db.rollback()
        return _error(request, principal, exc, back)
    return RedirectResponse(back, status_code=303)


# --- the LA's inspections and pathway ---------------------------------------------------------


@router.get("", response_class=HTMLResponse, dependencies=[requires("inspections:read")])
def index(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """The LA's inspections and visits (an inspector: those whose team they are on)."""
    rows = rec.list_inspections(db, principal.la_code)
    if principal.role == INSPECTOR:
        rows = [i for i in rows if rec.team_role_of(db, i, principal.user_id)]
    return render(
        request,
        "inspections/index.html",
        title="Inspections",
        inspections=rows,
        **_base(request, principal),
    )


@router.get("/new", response_class=HTMLResponse, dependencies=[requires("inspections:manage")])
def new_page(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    """The form to open an inspection or visit."""
    return _new_form(request, principal, {}, {})


def _new_form(
    request: Request, principal: Principal, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    return render(
        request,
        "inspections/new.html",
        status_code=422 if errors else 200,
        title="Open an inspection or visit",
        values=values,
        errors=errors,
        types=type_ids(),
        frameworks=framework_ids(),
        **_base(request, principal),
    )


@router.post("", dependencies=[requires("inspections:manage")])
def create(request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody) -> Response:
    """Open the record; every problem is shown beside its field, the input kept."""
    values = {k: _text(form, k) for k in ("type", "kind", "framework", "title", "topic",
                                          "fieldwork_start", "override_reason")}  # fmt: skip
    errors: dict[str, str] = {}
    start = None
    if values["fieldwork_start"]:
        try:
            start = calendar.parse_date(values["fieldwork_start"], "Fieldwork start")
        except calendar.DateInputError as exc:
            errors["fieldwork_start"] = str(exc)
    spec = rec.NewInspection(
        type=values["type"], kind=values["kind"] or "real",
        framework_id=values["framework"] or None, title=values["title"], topic=values["topic"],
        fieldwork_start=start, override_reason=values["override_reason"],
    )  # fmt: skip
    if not errors:
        for problem in rec.check_new(spec):
            field, _, message = problem.partition(": ")
            errors.setdefault(field, f"{field.replace('_', ' ').capitalize()}: {message}")
    if errors:
        return _new_form(request, principal, values, errors)
    inspection = rec.create_inspection(db, principal.la_code, spec, principal)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection.id}", status_code=303)


@router.get("/plan", response_class=HTMLResponse, dependencies=[requires("inspections:manage")])
def plan_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """The pathway, what is due next and why, and the history it is worked out from."""
    return render(
        request,
        "inspections/plan.html",
        title="Pathway and what is due next",
        plan=pw.plan_for(db, principal.la_code, clock.now().date()),
        history=pw.history(db, principal.la_code),
        history_types=pw.data()["history_types"],
        grades=pw.data()["grades"],
        frameworks=framework_ids(),
        **_base(request, principal),
    )


@router.post("/history", dependencies=[requires("inspections:manage")])
def add_history(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Enter a past inspection or visit by hand."""

    def work() -> None:
        try:
            last = calendar.parse_date(_text(form, "last_day"), "last day")
        except calendar.DateInputError as exc:
            raise rec.InspectionError(str(exc)) from None
        past = pw.PastActivity(
            _text(form, "type"), last, _text(form, "framework") or "ilacs-2017",
            _text(form, "overall") or None,
        )  # fmt: skip
        pw.record_history(db, principal.la_code, past, principal, _text(form, "note"))

    return _act(request, principal, db, "/inspections/plan", work)


# --- one inspection ---------------------------------------------------------------------------


def _people(db: Session, la_code: str) -> dict[int, str]:
    rows = db.execute(
        select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.authority_code == la_code)
    ).all()
    return {r[0]: r[1] for r in rows}


@router.get(
    "/{inspection_id}", response_class=HTMLResponse, dependencies=[requires("inspections:read")]
)
def inspection_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> HTMLResponse:
    """The inspection: state and moves, the timeline as a checklist, team, cases, households."""
    try:
        inspection = _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        return _error(request, principal, exc, "/inspections")
    now = clock.now()
    rows = cl.checklist(db, inspection, now)
    timeline = cl.timeline_of(inspection)
    offered = sel.audited_cases(db, principal.la_code, timeline.notification) if timeline else []
    trail.record_event(
        db, action="inspection.read", actor=client_actor(request, principal),
        la_code=principal.la_code, object_type="inspection", object_id=inspection.id,
    )  # fmt: skip
    db.commit()
    return render(
        request,
        "inspections/inspection.html",
        title=inspection.title,
        inspection=inspection,
        checklist=rows,
        overdue=sum(1 for r in rows if r.overdue),
        timeline=timeline,
        moves=rec.allowed_moves(db, inspection, principal),
        team=team(db, inspection),
        my_team_role=rec.team_role_of(db, inspection, principal.user_id),
        cases=sample_cases(db, inspection),
        households=households(db, inspection),
        offered=offered,
        limits=sel.audited_limits(inspection.type),
        date_warnings=date_problems(timeline.type, timeline.fieldwork_start,
                                    timeline.framework_id) if timeline else [],
        names=_people(db, principal.la_code),
        sources=SOURCES,
        **_base(request, principal),
    )  # fmt: skip


@router.post("/{inspection_id}/move", dependencies=[requires("inspections:run")])
def move(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Make one move of the state machine (checked by role in the library)."""
    back = f"/inspections/{inspection_id}"
    return _act(
        request, principal, db, back,
        lambda: rec.move(db, _load(db, principal, inspection_id), _text(form, "move"), principal),
    )  # fmt: skip


@router.post("/{inspection_id}/milestones", dependencies=[requires("inspections:track")])
def milestone(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Tick a milestone off, or undo a tick."""

    def work() -> None:
        inspection = _load(db, principal, inspection_id)
        if _text(form, "done") == "no":
            cl.untick(db, inspection, _text(form, "milestone"), principal)
        else:
            cl.tick(db, inspection, _text(form, "milestone"), principal, _text(form, "note"))

    return _act(request, principal, db, f"/inspections/{inspection_id}#timeline", work)


@router.post("/{inspection_id}/team", dependencies=[requires("inspections:manage")])
def team_change(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add someone to the team (granting inspector access) or take them off it."""

    def work() -> None:
        inspection = _load(db, principal, inspection_id)
        remove = _text(form, "remove_user_id")
        if remove:
            if not remove.isdigit():
                raise rec.InspectionError(f"person: {remove!r} is not a user id")
            remove_member(db, inspection, int(remove), principal)
        else:
            add_member(db, inspection, _text(form, "username"), _text(form, "team_role"),
                          principal)  # fmt: skip

    return _act(request, principal, db, f"/inspections/{inspection_id}#team", work)


@router.post("/{inspection_id}/cases", dependencies=[requires("inspections:run")])
def case_change(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add already-audited cases (the LA's managers), choose the inspectors' own sample (the
    lead inspector or QA manager), or take a case out."""

    def work() -> None:
        inspection = _load(db, principal, inspection_id)
        _may_choose_cases(db, inspection, principal)
        remove = _text(form, "remove_person_id")
        if remove:
            remove_case(db, inspection, remove, principal)
        elif _text(form, "list") == "inspector-sample":
            _choose_sample(db, inspection, principal, _text(form, "size") or "6")
        else:
            offered = {c.person_id: c for c in _offered(db, inspection)}
            chosen = [str(v) for v in form.getlist("person_id")]
            if not chosen:
                raise rec.InspectionError("cases: choose at least one already-audited case")
            unknown = [p for p in chosen if p not in offered]
            if unknown:
                raise rec.InspectionError(f"cases: {', '.join(unknown)} not on the audit list")
            add_cases(db, inspection, [(p, offered[p].reason) for p in chosen],
                         "la-audited", principal)  # fmt: skip

    return _act(request, principal, db, f"/inspections/{inspection_id}#cases", work)


def _offered(db: Session, inspection: Inspection) -> list[sel.AuditedCase]:
    timeline = cl.timeline_of(inspection)
    on = timeline.notification if timeline else clock.now().date()
    return sel.audited_cases(db, inspection.la_code, on)


def _may_choose_cases(db: Session, inspection: Inspection, principal: Principal) -> None:
    if principal.role in ("dcs", "head_of_service", "qa_lead"):
        return
    if rec.team_role_of(db, inspection, principal.user_id) in ("lead_inspector", "qa_manager"):
        return
    raise rec.InspectionNotAllowed("only the lead inspector or the LA's managers choose cases")


def _choose_sample(db: Session, inspection: Inspection, principal: Principal, size: str) -> None:
    if not size.isdigit():
        raise rec.InspectionError(f"sample size: {size!r} is not a whole number")
    timeline = cl.timeline_of(inspection)
    on = timeline.notification if timeline else clock.now().date()
    have = {c.person_id for c in sample_cases(db, inspection)}
    try:
        picks = sel.inspector_sample(db, inspection.la_code, on, int(size),
                                     sel.default_seed(inspection.id), exclude=have)  # fmt: skip
    except ValueError as exc:  # a size out of range
        raise rec.InspectionError(str(exc)) from None
    if not picks:
        raise rec.InspectionError("sample: no case was worked in the last three months")
    add_cases(db, inspection, [(p.person_id, p.reason) for p in picks], "inspector-sample",
                 principal, factors={p.person_id: p.factors for p in picks})  # fmt: skip


@router.post("/{inspection_id}/households", dependencies=[requires("inspections:manage")])
def household_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add a foster carer or adopter household (para 85)."""
    return _act(
        request, principal, db, f"/inspections/{inspection_id}#households",
        lambda: add_household(db, _load(db, principal, inspection_id), _text(form, "kind"),
                                 _text(form, "household_id"), _text(form, "reason"), principal),
    )  # fmt: skip


@router.post("/{inspection_id}/annex-a", dependencies=[requires("annex_a:build")])
def annex_a_handover(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> Response:
    """Build Annex A as at the inspection's notification date, hand it over as a download, and
    tick the child-level data milestone (para 242), logged."""
    from grip.annex_a.spec import load_spec
    from grip.annex_a.tasks import build_workbook
    from grip.jobs import JobFailed, user_owner
    from grip.store.db import la_engine

    back = f"/inspections/{inspection_id}#timeline"
    try:
        inspection = _load(db, principal, inspection_id)
        timeline = cl.timeline_of(inspection)
        if timeline is None:
            raise rec.InspectionError("Annex A: the inspection has no fieldwork date yet")
        # Counts against the user's and the service's heavy-job limits (over them: 429 / 503).
        with request.app.state.jobs.slot(user_owner(principal.user_id)):
            built = build_workbook(la_engine(request.app.state.engine, principal.la_code),
                                   principal.la_code, timeline.notification, load_spec(),
                                   lambda _text: None)  # fmt: skip
        cl.tick(db, inspection, "child_level_data", principal, "Built and handed over in Grip")
    except (rec.InspectionError, JobFailed) as exc:
        db.rollback()
        return _error(request, principal, exc, back)
    trail.record_event(
        db, action="export.annex_a", actor=client_actor(request, principal),
        la_code=principal.la_code, object_type="inspection", object_id=inspection.id,
        detail=f"as at {timeline.notification.isoformat()}; rows {built.rows}",
    )  # fmt: skip
    db.commit()
    name = f"annex-a-{principal.la_code}-{timeline.notification.isoformat()}.xlsx"
    return Response(
        built.data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


# --- the Annex B request log ------------------------------------------------------------------


@router.get(
    "/{inspection_id}/requests",
    response_class=HTMLResponse,
    dependencies=[requires("inspections:read")],
)
def requests_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> HTMLResponse:
    """The Annex B record: every request, what is outstanding and overdue, and the forms."""
    try:
        inspection = _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        return _error(request, principal, exc, "/inspections")
    return _requests_view(request, principal, db, inspection, {}, {})


def _requests_view(
    request: Request,
    principal: Principal,
    db: Session,
    inspection: Inspection,
    values: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    now = clock.now()
    rows = rq.requests(db, inspection)
    return render(
        request,
        "inspections/requests.html",
        status_code=422 if errors else 200,
        title=f"Requests for further information: {inspection.title}",
        inspection=inspection,
        rows=rows,
        outstanding=rq.outstanding(rows, now),
        overdue={r.id for r in rows if rq.is_overdue(r, now)},
        may_ask=rq.may_ask(db, inspection, principal),
        may_answer=rq.may_answer(db, inspection, principal),
        names=_people(db, principal.la_code),
        types=rq.REQUEST_TYPES,
        statuses=rq.STATUSES,
        values=values,
        errors=errors,
        default_due=(now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        **_base(request, principal),
    )


def _due(text: str) -> dt.datetime:
    try:
        local = dt.datetime.fromisoformat(text)
        calendar.check_input_date(local.date())
    except ValueError:
        raise rec.InspectionError(
            f"response required by: {text!r} is not a date and time (YYYY-MM-DD HH:MM)"
        ) from None
    return local.replace(tzinfo=cl.ENGLAND).astimezone(dt.UTC) if local.tzinfo is None else local


@router.post("/{inspection_id}/requests", dependencies=[requires("inspections:run")])
def request_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Record a request; problems are shown beside their fields, the input kept."""
    values = {k: _text(form, k) for k in ("request", "reason", "request_type", "response_due",
                                          "case_id")}  # fmt: skip
    try:
        inspection = _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        return _error(request, principal, exc, "/inspections")
    try:
        spec = rq.NewRequest(values["request"], values["reason"], values["request_type"],
                             _due(values["response_due"]), values["case_id"] or None)  # fmt: skip
        rq.add_request(db, inspection, spec, principal)
        db.commit()
    except rec.InspectionNotAllowed as exc:
        db.rollback()
        return _error(request, principal, exc, f"/inspections/{inspection_id}/requests")
    except rec.InspectionError as exc:
        db.rollback()
        return _requests_view(request, principal, db, inspection, values, _field_errors(exc))
    return RedirectResponse(f"/inspections/{inspection_id}/requests", status_code=303)


_FIELDS = {"request": "request", "reason": "reason", "request type": "request_type",
           "response required by": "response_due", "the text names": "request"}  # fmt: skip


def _field_errors(exc: Exception) -> dict[str, str]:
    """``{field id: message}`` from a library error listing "field: problem" parts."""
    out: dict[str, str] = {}
    for part in str(exc).split("; "):
        key = next((f for label, f in _FIELDS.items() if part.startswith(label)), "request")
        out.setdefault(key, part[0].upper() + part[1:])
    return out


@router.post("/{inspection_id}/requests/{request_id}", dependencies=[requires("inspections:run")])
def request_update(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    inspection_id: str,
    request_id: str,
    form: FormBody,
) -> Response:
    """The LA's response, or the team closing or withdrawing a request."""

    def work() -> None:
        inspection = _load(db, principal, inspection_id)
        row = rq.get_request(db, inspection, request_id)
        status = _text(form, "status")
        if status:
            rq.set_status(db, inspection, row, principal, status)
        else:
            rq.respond(db, inspection, row, principal, _text(form, "response"),
                       _text(form, "supplied"))  # fmt: skip

    return _act(request, principal, db, f"/inspections/{inspection_id}/requests", work)


# --- the pre-inspection analysis --------------------------------------------------------------


@router.get(
    "/{inspection_id}/analysis",
    response_class=HTMLResponse,
    dependencies=[requires("inspections:run")],
)
def analysis_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> HTMLResponse:
    """What the lead inspector reads first (paras 65-69), with the lines of enquiry."""
    try:
        inspection = _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        return _error(request, principal, exc, "/inspections")
    return render(
        request,
        "inspections/analysis.html",
        title=f"Pre-inspection analysis: {inspection.title}",
        inspection=inspection,
        a=pia.build_analysis(db, inspection),
        may_write=rec.team_role_of(db, inspection, principal.user_id)
        in ("lead_inspector", "qa_manager"),
        **_base(request, principal),
    )


@router.get("/{inspection_id}/analysis.docx", dependencies=[requires("inspections:run")])
def analysis_docx(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> Response:
    """The pre-inspection analysis as a Word document (logged as an export)."""
    try:
        inspection = _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        return _error(request, principal, exc, "/inspections")
    data = pia.to_docx(pia.build_analysis(db, inspection))
    trail.record_event(
        db, action="export.docx", actor=client_actor(request, principal),
        la_code=principal.la_code, object_type="inspection_analysis", object_id=inspection.id,
    )  # fmt: skip
    db.commit()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="pre-inspection-analysis-'
                 f'{inspection.id}.docx"', "Cache-Control": "no-store"},
    )  # fmt: skip


@router.post("/{inspection_id}/lines", dependencies=[requires("inspections:run")])
def line_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add an initial line of enquiry (the lead inspector)."""
    return _act(
        request, principal, db, f"/inspections/{inspection_id}/analysis#lines",
        lambda: pia.add_line(db, _load(db, principal, inspection_id), _text(form, "text"),
                             principal),
    )  # fmt: skip
