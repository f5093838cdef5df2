"""Inspection pages: the LA's inspections and pathway, one inspection's page (state, timeline
checklist, team, cases, households, Annex A handover), the Annex B request log and the
pre-inspection analysis with its DOCX. A thin shell over ``grip.inspections``: the library
checks every rule (team roles included) whatever the route's declared permission admitted.

An external inspector sees only the inspections whose team they are on; anything else is
"not found", as a case outside their sample is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip import calendar
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
from grip.web import forms
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, FormBody, ScopedDB, csrf_token, record, requires

M = TypeVar("M", bound=forms.Form)

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


def _refusal(exc: rec.InspectionError) -> HTTPException | None:
    """A refusal of the person, or of an address that names nothing: the error page."""
    if isinstance(exc, rec.InspectionNotFound):
        return HTTPException(404, str(exc))
    if isinstance(exc, rec.InspectionNotAllowed):
        return HTTPException(403, str(exc))
    return None


def _found(db: Session, principal: Principal, inspection_id: str) -> Inspection:
    """The inspection, or the not-found page."""
    try:
        return _load(db, principal, inspection_id)
    except rec.InspectionError as exc:
        raise HTTPException(404, str(exc)) from None


#: A page that shows a form again after a refusal: (request, principal, db, inspection,
#: status, errors, values) to the response.
PageView = Callable[..., HTMLResponse]


def _view(
    template: str, context: Callable[[Request, Session, Principal, Inspection], dict[str, Any]]
) -> PageView:
    """A page of one inspection that can show a form again after a refusal: ``context`` gives
    what the template needs (its ``values`` are the forms' first values, under what was typed)."""

    def view(
        request: Request,
        principal: Principal,
        db: Session,
        inspection: Inspection,
        status: int = 200,
        errors: forms.FormErrors | None = None,
        values: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        ctx = context(request, db, principal, inspection)
        first = ctx.pop("values", {})
        return render(
            request, template, status_code=status, inspection=inspection,
            errors=errors or forms.FormErrors(), values=first | (values or {}),
            **ctx, **_base(request, principal),
        )  # fmt: skip

    return view


def _act(
    request: Request,
    principal: Principal,
    db: Session,
    inspection_id: str,
    form: FormData,
    model: type[M],
    work: Callable[[Inspection, M], Any],
    back: str,
    page: PageView | None = None,
) -> Response:
    """Read ``form`` into ``model``, run ``work(inspection, data)``, commit and go to ``back``.
    A refusal of what was typed is shown on the page the form is on (``page``: the inspection
    page unless said), beside its field with the input kept; a refusal of the person or a
    missing inspection gets the error page."""
    inspection = _found(db, principal, inspection_id)
    data, errors = forms.parse(model, form)
    status = 400
    if data is not None:
        try:
            work(inspection, data)
            db.flush()
            return RedirectResponse(back, status_code=303)
        except (rec.InspectionError, ValueError) as exc:
            db.rollback()
            refusal = _refusal(exc) if isinstance(exc, rec.InspectionError) else None
            if refusal is not None:
                raise refusal from None
            status = 409 if isinstance(exc, rec.InvalidMove) else 400
            forms.refuse(errors, model, str(exc))
        inspection = _found(db, principal, inspection_id)
    view = page or _inspection_view
    return view(request, principal, db, inspection, status, errors, forms.values(form))


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


class NewInspectionForm(forms.Form):
    """An inspection or visit to open: what kind, under which framework, from when."""

    type: Annotated[str, Field(title="Type", max_length=60)] = ""
    kind: Annotated[str, Field(title="Kind", max_length=20)] = "real"
    framework: Annotated[str | None, Field(title="Framework", max_length=60)] = None
    title: Annotated[str, Field(title="Title", max_length=200)] = ""
    topic: Annotated[str, Field(title="Focused visit topic", max_length=200)] = ""
    fieldwork_start: Annotated[dt.date | None, Field(title="Fieldwork start")] = None
    override_reason: Annotated[
        str, Field(title="Reason to accept a date the rules forbid", max_length=1000)
    ] = ""


@router.get("/new", response_class=HTMLResponse, dependencies=[requires("inspections:manage")])
def new_page(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    """The form to open an inspection or visit."""
    return _new_form(request, principal, forms.FormErrors(), {})


def _new_form(
    request: Request, principal: Principal, errors: forms.FormErrors, values: dict[str, Any]
) -> HTMLResponse:
    return render(
        request,
        "inspections/new.html",
        status_code=400 if errors else 200,
        title="Open an inspection or visit",
        values={"kind": "real", "framework": rules().default_framework} | values,
        errors=errors,
        type_options=[(t, f"{rules().types[t].label} (paras {rules().types[t].paragraphs})")
                      for t in type_ids()],
        framework_options=[(f, f) for f in framework_ids()],
        **_base(request, principal),
    )  # fmt: skip


@router.post("", dependencies=[requires("inspections:manage")])
def create(request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody) -> Response:
    """Open the record; every problem is shown beside its field, the input kept."""
    data, errors = forms.parse(NewInspectionForm, form)
    if data is not None:
        spec = rec.NewInspection(
            type=data.type, kind=data.kind, framework_id=data.framework, title=data.title,
            topic=data.topic, fieldwork_start=data.fieldwork_start,
            override_reason=data.override_reason,
        )  # fmt: skip
        for problem in rec.check_new(spec):
            field, _, message = problem.partition(": ")  # the library names the field first
            label = forms.label_of(NewInspectionForm, field)
            forms.refuse(errors, NewInspectionForm, f"{label}: {message}", field)
        if not errors:
            inspection = rec.create_inspection(db, principal.la_code, spec, principal)
            db.flush()
            return RedirectResponse(f"/inspections/{inspection.id}", status_code=303)
    return _new_form(request, principal, errors, forms.values(form))


@router.get("/plan", response_class=HTMLResponse, dependencies=[requires("inspections:manage")])
def plan_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """The pathway, what is due next and why, and the history it is worked out from."""
    return _plan_view(request, principal, db)


def _plan_view(
    request: Request,
    principal: Principal,
    db: Session,
    status: int = 200,
    errors: forms.FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "inspections/plan.html",
        status_code=status,
        title="Pathway and what is due next",
        plan=pw.plan_for(db, principal.la_code, clock.now().date()),
        history=pw.history(db, principal.la_code),
        history_types=pw.data()["history_types"],
        grades=pw.data()["grades"],
        history_type_options=[(k, t["label"]) for k, t in pw.data()["history_types"].items()],
        framework_options=[(f, f) for f in framework_ids()],
        grade_options=[(k, g["label"]) for k, g in pw.data()["grades"].items()],
        errors=errors or forms.FormErrors(),
        values={"framework": "ilacs-2017"} | (values or {}),
        **_base(request, principal),
    )


class PastVisit(forms.Form):
    """A past inspection or visit entered by hand."""

    type: Annotated[str, Field(title="Type", max_length=60)] = ""
    last_day: Annotated[dt.date | None, Field(title="Last day of fieldwork")] = None
    framework: Annotated[str, Field(title="Framework", max_length=60)] = "ilacs-2017"
    overall: Annotated[str | None, Field(title="Overall effectiveness", max_length=60)] = None
    note: Annotated[str, Field(title="Note", max_length=1000)] = ""


@router.post("/history", dependencies=[requires("inspections:manage")])
def add_history(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Enter a past inspection or visit by hand; a refusal is shown on the pathway page."""
    data, errors = forms.parse(PastVisit, form)
    if data is not None:
        try:
            if data.last_day is None:
                raise rec.InspectionError("Enter the last day of fieldwork")
            past = pw.PastActivity(data.type, data.last_day, data.framework, data.overall)
            pw.record_history(db, principal.la_code, past, principal, data.note)
            db.flush()
            return RedirectResponse("/inspections/plan", status_code=303)
        except (rec.InspectionError, ValueError) as exc:
            db.rollback()
            forms.refuse(
                errors, PastVisit, str(exc), "last_day" if "last day" in str(exc) else None
            )
    return _plan_view(request, principal, db, 400, errors, forms.values(form))


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
    inspection = _found(db, principal, inspection_id)
    return _inspection_view(request, principal, db, inspection)


def _inspection_context(
    request: Request, db: Session, principal: Principal, inspection: Inspection
) -> dict[str, Any]:
    """The inspection page's content; each reading is recorded in the audit trail."""
    rows = cl.checklist(db, inspection, clock.now())
    timeline = cl.timeline_of(inspection)
    offered = _offered(db, inspection) if timeline else []
    record(request, "inspection.read", "inspection", inspection.id, db=db)
    db.commit()
    return dict(
        title=inspection.title,
        checklist=rows,
        overdue=sum(1 for r in rows if r.overdue),
        timeline=timeline,
        moves=rec.allowed_moves(db, inspection, principal),
        team=team(db, inspection),
        my_team_role=rec.team_role_of(db, inspection, principal.user_id),
        cases=sample_cases(db, inspection),
        households=households(db, inspection),
        offered=offered,
        offered_options=[(o.person_id, f"{o.person_id}: {o.reason}") for o in offered],
        team_role_options=[(k, f"{r.label} (para {r.paragraphs})")
                           for k, r in rules().team_roles.items()],
        limits=sel.audited_limits(inspection.type),
        date_warnings=date_problems(timeline.type, timeline.fieldwork_start,
                                    timeline.framework_id) if timeline else [],
        names=_people(db, principal.la_code),
        sources=SOURCES,
        values={"size": "6", "kind": "foster"},
    )  # fmt: skip


_inspection_view = _view("inspections/inspection.html", _inspection_context)


class Move(forms.Form):
    move: Annotated[str, Field(title="Move", max_length=60)] = ""


@router.post("/{inspection_id}/move", dependencies=[requires("inspections:run")])
def move(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Make one move of the state machine (checked by role in the library)."""

    def work(inspection: Inspection, data: Move) -> None:
        rec.move(db, inspection, data.move, principal)

    back = f"/inspections/{inspection_id}"
    return _act(request, principal, db, inspection_id, form, Move, work, back)


class Tick(forms.Form):
    """A milestone ticked off (``done`` = "no" undoes the tick)."""

    hidden = frozenset({"milestone", "done"})
    milestone: Annotated[str, Field(title="Milestone", max_length=60)] = ""
    done: Annotated[str, Field(title="Done", max_length=3)] = "yes"
    note: Annotated[str, Field(title="Note", max_length=1000)] = ""


@router.post("/{inspection_id}/milestones", dependencies=[requires("inspections:track")])
def milestone(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Tick a milestone off, or undo a tick."""

    def work(inspection: Inspection, data: Tick) -> None:
        if data.done == "no":
            cl.untick(db, inspection, data.milestone, principal)
        else:
            cl.tick(db, inspection, data.milestone, principal, data.note)

    back = f"/inspections/{inspection_id}#timeline"
    return _act(request, principal, db, inspection_id, form, Tick, work, back)


class TeamChange(forms.Form):
    """Someone added to the team by username, or (``remove_user_id``) taken off it."""

    hidden = frozenset({"remove_user_id"})
    remove_user_id: Annotated[int | None, Field(title="Person")] = None
    username: Annotated[str, Field(title="Username", max_length=150)] = ""
    team_role: Annotated[str, Field(title="Role in the team", max_length=60)] = ""


@router.post("/{inspection_id}/team", dependencies=[requires("inspections:manage")])
def team_change(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add someone to the team (granting inspector access) or take them off it."""

    def work(inspection: Inspection, data: TeamChange) -> None:
        if data.remove_user_id is not None:
            remove_member(db, inspection, data.remove_user_id, principal)
        else:
            add_member(db, inspection, data.username, data.team_role, principal)

    back = f"/inspections/{inspection_id}#team"
    return _act(request, principal, db, inspection_id, form, TeamChange, work, back)


NAMED = "Cases the lead inspector names"


class CaseChange(forms.Form):
    """Already-audited cases shared, the inspectors' own sample chosen (``choose`` =
    "inspector-sample", ``size`` cases, or "inspector-named", the children ``named`` by person
    id), or a case taken out."""

    hidden = frozenset({"remove_person_id", "choose"})
    remove_person_id: Annotated[str | None, Field(title="Case", max_length=48)] = None
    choose: Annotated[str, Field(title="List", max_length=40)] = ""
    size: Annotated[int, Field(title="How many cases", ge=1, le=100)] = 6
    person_id: Annotated[list[str], Field(title="Already-audited cases", default_factory=list)]
    named: Annotated[str, Field(title=NAMED, max_length=2000)] = ""


@router.post("/{inspection_id}/cases", dependencies=[requires("inspections:run")])
def case_change(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add already-audited cases (the LA's managers), choose the inspectors' own sample (the
    lead inspector or QA manager), or take a case out."""

    def work(inspection: Inspection, data: CaseChange) -> None:
        _may_choose_cases(db, inspection, principal, data.choose)
        if data.remove_person_id:
            remove_case(db, inspection, data.remove_person_id, principal)
        elif data.choose == "inspector-sample":
            _choose_sample(db, inspection, principal, data.size)
        elif data.choose == "inspector-named":
            _name_cases(db, inspection, principal, data.named)
        else:
            _share_audited(db, inspection, principal, data.person_id)

    back = f"/inspections/{inspection_id}#cases"
    return _act(request, principal, db, inspection_id, form, CaseChange, work, back)


def _share_audited(
    db: Session, inspection: Inspection, principal: Principal, chosen: list[str]
) -> None:
    offered = {c.person_id: c for c in _offered(db, inspection)}
    if not chosen:
        raise rec.InspectionError("Already-audited cases: choose at least one")
    unknown = [p for p in chosen if p not in offered]
    if unknown:
        raise rec.InspectionError(
            f"Already-audited cases: {', '.join(unknown)} not on the audit list"
        )
    add_cases(db, inspection, [(p, offered[p].reason) for p in chosen], "la-audited", principal)


def _offered(db: Session, inspection: Inspection) -> list[sel.AuditedCase]:
    timeline = cl.timeline_of(inspection)
    on = timeline.notification if timeline else clock.now().date()
    return sel.audited_cases(db, inspection.la_code, on)


def _may_choose_cases(
    db: Session, inspection: Inspection, principal: Principal, choose: str | None
) -> None:
    """Inspectors choose the children whose experiences they evaluate and the cases they
    sample (ILACS framework (Ofsted 170040) paras 135, 150-151); in a real inspection the
    LA's managers may only share cases they have audited (the sample of audits, Annex A
    1.06). A mock or peer inspection is the LA's own rehearsal: its managers set it up."""
    if rec.team_role_of(db, inspection, principal.user_id) in ("lead_inspector", "qa_manager"):
        return
    if choose in ("inspector-sample", "inspector-named") and inspection.kind == "real":
        raise rec.InspectionNotAllowed(
            "inspectors choose the cases they sample (ILACS framework (Ofsted 170040) paras "
            "135, 150): the lead inspector does this"
        )
    if principal.role in ("dcs", "head_of_service", "qa_lead"):
        return
    raise rec.InspectionNotAllowed("only the lead inspector or the LA's managers choose cases")


def _choose_sample(db: Session, inspection: Inspection, principal: Principal, size: int) -> None:
    timeline = cl.timeline_of(inspection)
    on = timeline.notification if timeline else clock.now().date()
    have = {c.person_id for c in sample_cases(db, inspection)}
    try:
        picks = sel.inspector_sample(db, inspection.la_code, on, size,
                                     sel.default_seed(inspection.id), exclude=have)  # fmt: skip
    except ValueError as exc:  # a size out of range
        raise rec.InspectionError(f"How many cases: {exc}") from None
    if not picks:
        raise rec.InspectionError("How many cases: no case was worked in the last three months")
    add_cases(db, inspection, [(p.person_id, p.reason) for p in picks], "inspector-sample",
                 principal, factors={p.person_id: p.factors for p in picks})  # fmt: skip


def _name_cases(db: Session, inspection: Inspection, principal: Principal, named: str) -> None:
    """The inspectors' sample, case by case: the children the lead inspector names by person id
    (ILACS framework (Ofsted 170040) para 135). ``add_cases`` takes only children in the LA's
    case data and not restricted, and names each one refused."""
    ids = [p for p in re.split(r"[\s,;]+", named) if p]
    if not ids:
        raise rec.InspectionError(f"{NAMED}: enter at least one person id")
    try:
        add_cases(db, inspection, [(p, "Named by the lead inspector") for p in ids],
                  "inspector-sample", principal)  # fmt: skip
    except rec.InspectionError as exc:
        raise rec.InspectionError(f"{NAMED}: {exc}") from None


class HouseholdForm(forms.Form):
    """A foster carer or adopter household, by the LA's reference (ILACS framework (Ofsted
    170040) para 85)."""

    kind: Annotated[str, Field(title="Household", max_length=20)] = "foster"
    household_id: Annotated[str, Field(title="Reference", max_length=48)] = ""
    reason: Annotated[str, Field(title="Why", max_length=500)] = ""


@router.post("/{inspection_id}/households", dependencies=[requires("inspections:manage")])
def household_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add a foster carer or adopter household (para 85)."""

    def work(inspection: Inspection, data: HouseholdForm) -> None:
        add_household(db, inspection, data.kind, data.household_id, data.reason, principal)

    back = f"/inspections/{inspection_id}#households"
    return _act(request, principal, db, inspection_id, form, HouseholdForm, work, back)


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

    inspection = _found(db, principal, inspection_id)
    try:
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
        errors = forms.FormErrors()
        errors.add("annex_a", str(exc), "timeline")
        return _inspection_view(request, principal, db, inspection, 409, errors)
    record(
        request, "export.annex_a", "inspection", inspection.id,
        detail=f"as at {timeline.notification.isoformat()}; rows {built.rows}", db=db,
    )  # fmt: skip
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
    return _requests_view(request, principal, db, _found(db, principal, inspection_id))


def _requests_context(
    request: Request, db: Session, principal: Principal, inspection: Inspection
) -> dict[str, Any]:
    now = clock.now()
    rows = rq.requests(db, inspection)
    due = (now + dt.timedelta(days=1)).astimezone(calendar.ENGLAND)
    return {
        "title": f"Requests for further information: {inspection.title}",
        "rows": rows,
        "outstanding": rq.outstanding(rows, now),
        "overdue": {r.id for r in rows if rq.is_overdue(r, now)},
        "may_ask": rq.may_ask(db, inspection, principal),
        "may_answer": rq.may_answer(db, inspection, principal),
        "names": _people(db, principal.la_code),
        "types": rq.REQUEST_TYPES,
        "type_options": list(rq.REQUEST_TYPES.items()),
        "statuses": rq.STATUSES,
        "values": {"response_due": due.date(), "response_due_time": f"{due:%H:%M}"},
    }


_requests_view = _view("inspections/requests.html", _requests_context)


#: A time of day as people type it: 9:30, 14:00.
TIME_OF_DAY = r"^([01]?\d|2[0-3]):[0-5]\d$"


class RequestForm(forms.Form):
    """A request for further information (ILACS framework (Ofsted 170040) Annex B)."""

    request: Annotated[str, Field(title="Request", max_length=4000)] = ""
    reason: Annotated[str, Field(title="Reason", max_length=2000)] = ""
    request_type: Annotated[str, Field(title="Request type", max_length=40)] = ""
    response_due: Annotated[dt.date | None, Field(title="Response required by")] = None
    response_due_time: Annotated[
        str, Field(title="Time the response is required by", pattern=TIME_OF_DAY)
    ] = "17:00"
    case_id: Annotated[str | None, Field(title="Case ID", max_length=48)] = None


def _due(data: RequestForm) -> dt.datetime:
    """The day and time typed, in England's time, as a moment."""
    if data.response_due is None:
        raise rec.InspectionError("Response required by: enter the date")
    hour, minute = (int(x) for x in data.response_due_time.split(":"))
    return calendar.moment_in_england(data.response_due, dt.time(hour, minute))


@router.post("/{inspection_id}/requests", dependencies=[requires("inspections:run")])
def request_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Record a request; problems are shown beside their fields, the input kept."""

    def work(inspection: Inspection, data: RequestForm) -> None:
        spec = rq.NewRequest(data.request, data.reason, data.request_type, _due(data),
                             data.case_id)  # fmt: skip
        rq.add_request(db, inspection, spec, principal)

    back = f"/inspections/{inspection_id}/requests"
    return _act(request, principal, db, inspection_id, form, RequestForm, work, back,
                _requests_view)  # fmt: skip


class RequestUpdate(forms.Form):
    """The LA's response to a request, or (``status``) the team closing or withdrawing it."""

    hidden = frozenset({"status"})
    status: Annotated[str | None, Field(title="Status", max_length=20)] = None
    response: Annotated[str, Field(title="Response", max_length=4000)] = ""
    supplied: Annotated[str, Field(title="What was supplied", max_length=1000)] = ""


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

    def work(inspection: Inspection, data: RequestUpdate) -> None:
        row = rq.get_request(db, inspection, request_id)
        if data.status:
            rq.set_status(db, inspection, row, principal, data.status)
        else:
            rq.respond(db, inspection, row, principal, data.response, data.supplied)

    back = f"/inspections/{inspection_id}/requests"
    return _act(request, principal, db, inspection_id, form, RequestUpdate, work, back,
                _requests_view)  # fmt: skip


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
    return _analysis_view(request, principal, db, _found(db, principal, inspection_id))


def _analysis_context(
    request: Request, db: Session, principal: Principal, inspection: Inspection
) -> dict[str, Any]:
    return {
        "title": f"Pre-inspection analysis: {inspection.title}",
        "a": pia.build_analysis(db, inspection),
        "may_write": rec.team_role_of(db, inspection, principal.user_id)
        in ("lead_inspector", "qa_manager"),
    }


_analysis_view = _view("inspections/analysis.html", _analysis_context)


@router.get("/{inspection_id}/analysis.docx", dependencies=[requires("inspections:run")])
def analysis_docx(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str
) -> Response:
    """The pre-inspection analysis as a Word document (logged as an export)."""
    inspection = _found(db, principal, inspection_id)
    data = pia.to_docx(pia.build_analysis(db, inspection))
    record(request, "export.docx", "inspection_analysis", inspection.id, db=db)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="pre-inspection-analysis-'
                 f'{inspection.id}.docx"', "Cache-Control": "no-store"},
    )  # fmt: skip


class LineForm(forms.Form):
    text: Annotated[str, Field(title="Line of enquiry", max_length=2000)] = ""


@router.post("/{inspection_id}/lines", dependencies=[requires("inspections:run")])
def line_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, inspection_id: str, form: FormBody
) -> Response:
    """Add an initial line of enquiry (the lead inspector)."""

    def work(inspection: Inspection, data: LineForm) -> None:
        pia.add_line(db, inspection, data.text, principal)

    back = f"/inspections/{inspection_id}/analysis#lines"
    return _act(request, principal, db, inspection_id, form, LineForm, work, back,
                _analysis_view)  # fmt: skip
