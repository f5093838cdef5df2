"""Action plan pages: the LA's plans, one plan (deadlines, actions, progress record of later
visits, the inspector's review and the monitoring programme of an inadequate LA), one action
(progress, evidence of impact, status), what changed since the report, and the plan's DOCX.
A thin shell over ``grip.actionplans`` (ILACS framework (Ofsted 170040) paras 112-128,
219-221): the library checks every rule; a refusal shows the form again with the error summary
linked to the field and what the person typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip.access import clock
from grip.access.principal import Principal
from grip.actionplans import actions as acts
from grip.actionplans import changes, plans, schedule
from grip.actionplans.models import ActionPlan, PlanAction
from grip.audits.actions import ACTION_STATUSES
from grip.documents.render import to_docx
from grip.formats import long_date
from grip.inspections.records import list_inspections
from grip.measures.definitions import load_definitions
from grip.store.base import LocalAuthority
from grip.web import forms
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, FormBody, ScopedDB, csrf_token, record, requires

M = TypeVar("M", bound=forms.Form)

router = APIRouter(prefix="/action-plans")
READ = [requires("actionplans:read")]
WRITE = [requires("actionplans:write")]
PROGRESS = [requires("actionplans:progress")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _base(request: Request, principal: Principal, **ctx: Any) -> dict[str, Any]:
    return {
        "principal": principal,
        "csrf_token": csrf_token(request),
        "may_write": principal.can("actionplans:write"),
        "may_progress": principal.can("actionplans:progress"),
        "statuses": ACTION_STATUSES,
        "plan_days": schedule.plan_days(),
        "errors": {},
        "values": {},
        **ctx,
    }


def _missing(request: Request, principal: Principal, what: str) -> Response:
    return render(
        request,
        "actionplans/missing.html",
        404,
        **_base(request, principal, title="Not found", message=what),
    )


def _index(
    request: Request, principal: Principal, db: Session, status: int = 200, **ctx: Any
) -> Response:
    rows = plans.list_plans(db, principal.la_code)
    with_plan = {p.inspection_id for p in rows}
    inspections = list_inspections(db, principal.la_code)
    by_id = {i.id: i for i in inspections}
    choices = [
        i for i in inspections if schedule.plan_rule(i.type)[0] == "new" and i.id not in with_plan
    ]
    return render(
        request,
        "actionplans/index.html",
        status,
        **_base(
            request,
            principal,
            title="Action plans",
            rows=rows,
            by_id=by_id,
            choices=choices,
            **ctx,
        ),
    )


@router.get("", dependencies=READ)
def index(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's action plans and the form to open one."""
    return _index(request, principal, db)


class NewPlan(forms.Form):
    """The form that opens an action plan."""

    inspection_id: Annotated[str, Field(title="The standard or short inspection")]
    report_received_on: Annotated[
        dt.date | None, Field(title="Date the final report was received")
    ] = None
    inadequate: Annotated[
        Literal["yes", "no"] | None, Field(title="Was overall effectiveness judged inadequate?")
    ] = None


@router.post("", dependencies=WRITE)
def create(request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody) -> Response:
    """Open the plan answering a standard or short inspection (para 219)."""
    data, errors = forms.parse(NewPlan, form)
    if data is not None:
        flag = {"yes": True, "no": False}.get(data.inadequate or "")
        try:
            plan = plans.create_plan(
                db, principal.la_code, data.inspection_id, data.report_received_on, principal, flag
            )
            return RedirectResponse(f"/action-plans/{plan.id}", status_code=303)
        except plans.NotFound:
            errors.add("inspection_id", "Choose one of the inspections listed")
        except plans.Invalid as exc:
            errors.update(exc.errors)
        db.rollback()
    return _index(request, principal, db, 400, errors=errors, values=forms.values(form))


def _plan_page(
    request: Request,
    principal: Principal,
    db: Session,
    plan: ActionPlan,
    status: int = 200,
    **ctx: Any,
) -> Response:
    inspection = plans.inspection_of(db, plan)
    rows = acts.actions_of(db, plan)
    stored = {"report_received_on": plan.report_received_on, "visit_on": plan.visit_on,
              "submitted_on": plan.submitted_on}  # fmt: skip
    ctx["values"] = stored | ctx.get("values", {})
    areas = acts.areas(db, plan, principal)
    later = [i for i in list_inspections(db, principal.la_code) if i.type in plans.RECORD_TYPES]
    return render(
        request,
        "actionplans/plan.html",
        status,
        **_base(
            request,
            principal,
            title=f"Action plan: {inspection.title or inspection.type}",
            plan=plan,
            inspection=inspection,
            deadlines=plans.deadlines(plan),
            monitoring=plans.monitoring(db, plan),
            record=plans.progress_record(db, plan, principal),
            later=later,
            actions=rows,
            areas=areas,
            area_text={a.finding.id: a.finding.text for a in areas},
            owners=acts.owners(db, principal.la_code),
            owner_roles=acts.owner_roles(
                db, plan.la_code, {a.owner_user_id for a in rows if a.owner_user_id}
            ),
            review_outcomes=schedule.data()["review_outcomes"],
            today=clock.now().date(),
            **ctx,
        ),
    )


def _load(db: Session, principal: Principal, plan_id: str) -> ActionPlan | None:
    try:
        return plans.get_plan(db, principal.la_code, plan_id)
    except plans.NotFound:
        return None


@router.get("/{plan_id}", dependencies=READ)
def plan_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str
) -> Response:
    """One plan: deadlines, actions, progress record, review and monitoring."""
    plan = _load(db, principal, plan_id)
    if plan is None:
        return _missing(request, principal, f"No action plan {plan_id!r} in {principal.la_code}.")
    return _plan_page(request, principal, db, plan)


def _refused(errors: forms.FormErrors, model: type[forms.Form], exc: Exception) -> None:
    """The library's refusal (field by field, or one message) beside its fields."""
    problems = exc.errors if isinstance(exc, plans.Invalid) else {"": str(exc)}
    for field, message in problems.items():
        forms.refuse(errors, model, message, field or None)


def _plan_post(
    request: Request,
    principal: Principal,
    db: Session,
    form: FormData,
    plan_id: str,
    model: type[M],
    work: Callable[[ActionPlan, M], None],
) -> Response:
    """Read ``form`` into ``model`` and run ``work(plan, data)``; on a refusal roll back and
    show the plan page again with the errors beside the fields and the values typed."""
    plan = _load(db, principal, plan_id)
    if plan is None:
        return _missing(request, principal, f"No action plan {plan_id!r} in {principal.la_code}.")
    data, errors = forms.parse(model, form)
    if data is not None:
        try:
            work(plan, data)
            return RedirectResponse(f"/action-plans/{plan_id}", status_code=303)
        except (plans.Invalid, plans.NotFound) as exc:
            _refused(errors, model, exc)
        db.rollback()
        plan = plans.get_plan(db, principal.la_code, plan_id)
    return _plan_page(request, principal, db, plan, 400, errors=errors, values=forms.values(form))


class NewAction(forms.Form):
    """An action answering one area for improvement (a finding of the report)."""

    finding_id: Annotated[str, Field(title="Area for improvement", max_length=64)] = ""
    description: Annotated[str, Field(title="What will be done", max_length=2000)] = ""
    owner: Annotated[int | None, Field(title="Owner")] = None
    due_date: Annotated[dt.date | None, Field(title="Due date")] = None
    past_due_confirmed: Annotated[str | None, Field(title="A due date in the past")] = None


@router.post("/{plan_id}/actions", dependencies=WRITE)
def add_action(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str, form: FormBody
) -> Response:
    """Add an action answering one area for improvement; owner and due date required. A due
    date already past is taken only once confirmed (an action recorded late, on purpose)."""

    def work(plan: ActionPlan, data: NewAction) -> None:
        if data.due_date and data.due_date < clock.now().date() and not data.past_due_confirmed:
            raise plans.Invalid({"past_due_confirmed": (
                f"The due date {long_date(data.due_date)} is in the past: tick the box to keep "
                "it, or enter a later date")})  # fmt: skip
        acts.add_action(
            db, plan, principal, finding_id=data.finding_id, description=data.description,
            owner_user_id=data.owner, due_date=data.due_date,
        )  # fmt: skip

    return _plan_post(request, principal, db, form, plan_id, NewAction, work)


class PlanDates(forms.Form):
    report_received_on: Annotated[
        dt.date | None, Field(title="Date the final report was received")
    ] = None
    visit_on: Annotated[dt.date | None, Field(title="Action planning visit")] = None
    submitted_on: Annotated[dt.date | None, Field(title="Date submitted")] = None


@router.post("/{plan_id}/dates", dependencies=WRITE)
def dates(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str, form: FormBody
) -> Response:
    """Correct the report date, record the action planning visit and submission dates."""

    def work(plan: ActionPlan, data: PlanDates) -> None:
        if data.report_received_on is None:
            raise plans.Invalid({"report_received_on": "Enter the date the report was received"})
        plans.set_dates(
            db, plan, principal, report_received_on=data.report_received_on,
            visit_on=data.visit_on, submitted_on=data.submitted_on,
        )  # fmt: skip

    return _plan_post(request, principal, db, form, plan_id, PlanDates, work)


class LaterVisit(forms.Form):
    visit_id: Annotated[str, Field(title="Later visit", max_length=64)] = ""
    visit_note: Annotated[str, Field(title="Note", max_length=2000)] = ""


@router.post("/{plan_id}/visits", dependencies=WRITE)
def add_visit(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str, form: FormBody
) -> Response:
    """Add a focused visit (para 220) or monitoring visit letter (para 128) to the record."""

    def work(plan: ActionPlan, data: LaterVisit) -> None:
        if not data.visit_id:
            raise plans.Invalid({"visit_id": "Choose the visit"})
        plans.add_visit(db, plan, data.visit_id, principal, data.visit_note)

    return _plan_post(request, principal, db, form, plan_id, LaterVisit, work)


class Review(forms.Form):
    review_on: Annotated[dt.date | None, Field(title="Date of the letter")] = None
    review_outcome: Annotated[str, Field(title="Outcome of the review", max_length=40)] = ""
    review_note: Annotated[str, Field(title="Areas of difference", max_length=4000)] = ""


@router.post("/{plan_id}/review", dependencies=WRITE)
def review(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str, form: FormBody
) -> Response:
    """Record the inspector's review of the plan (paras 124-126)."""

    def work(plan: ActionPlan, data: Review) -> None:
        plans.record_review(
            db, plan, principal, data.review_on, data.review_outcome, data.review_note
        )

    return _plan_post(request, principal, db, form, plan_id, Review, work)


def _action_page(
    request: Request,
    principal: Principal,
    db: Session,
    plan: ActionPlan,
    action: PlanAction,
    status: int = 200,
    **ctx: Any,
) -> Response:
    area = {a.finding.id: a for a in acts.areas(db, plan, principal)}.get(action.finding_id)
    stored = {"progress_on": clock.now().date(), "status": action.status}
    ctx["values"] = stored | ctx.get("values", {})
    return render(
        request,
        "actionplans/action.html",
        status,
        **_base(
            request,
            principal,
            title="Action",
            plan=plan,
            action=action,
            area=area,
            owner_role=acts.owner_roles(db, plan.la_code, {action.owner_user_id or 0}).get(
                action.owner_user_id or 0, "no owner"
            ),
            progress=acts.progress_of(db, action),
            impact=acts.impact_of(db, plan.la_code, [action.id]).get(action.id, []),
            measure_options=[(m.id, m.name) for m in load_definitions().measures],
            today=clock.now().date(),
            **ctx,
        ),
    )


def _load_action(
    db: Session, principal: Principal, plan_id: str, action_id: str
) -> tuple[ActionPlan, PlanAction] | None:
    plan = _load(db, principal, plan_id)
    if plan is None:
        return None
    try:
        return plan, acts.get_action(db, plan, action_id)
    except plans.NotFound:
        return None


@router.get("/{plan_id}/actions/{action_id}", dependencies=READ)
def action_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str, action_id: str
) -> Response:
    """One action: its area, owner, progress, evidence of impact and status."""
    found = _load_action(db, principal, plan_id, action_id)
    if found is None:
        return _missing(request, principal, f"No action {action_id!r} in this plan.")
    return _action_page(request, principal, db, *found)


def _action_post(
    request: Request,
    principal: Principal,
    db: Session,
    form: FormData,
    ref: ActionRef,
    model: type[M],
    work: Callable[[ActionPlan, PlanAction, M], None],
) -> Response:
    """As ``_plan_post``, for the forms of one action's page."""
    found = _load_action(db, principal, ref.plan_id, ref.action_id)
    if found is None:
        return _missing(request, principal, f"No action {ref.action_id!r} in this plan.")
    data, errors = forms.parse(model, form)
    if data is not None:
        try:
            work(*found, data)
            back = f"/action-plans/{ref.plan_id}/actions/{ref.action_id}"
            return RedirectResponse(back, status_code=303)
        except plans.Invalid as exc:
            _refused(errors, model, exc)
        db.rollback()
        found = _load_action(db, principal, ref.plan_id, ref.action_id)
        assert found is not None
    return _action_page(
        request, principal, db, *found, 400, errors=errors, values=forms.values(form)
    )


@dataclass(frozen=True)
class ActionRef:
    """The plan and action a route's path names."""

    plan_id: str
    action_id: str


ActionPath = Annotated[ActionRef, Depends(ActionRef)]


class Progress(forms.Form):
    progress_on: Annotated[dt.date | None, Field(title="Date of the update")] = None
    progress_note: Annotated[str, Field(title="What progress was made", max_length=4000)] = ""


@router.post("/{plan_id}/actions/{action_id}/progress", dependencies=PROGRESS)
def progress(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, ref: ActionPath, form: FormBody
) -> Response:
    """Record a dated progress update."""

    def work(plan: ActionPlan, action: PlanAction, data: Progress) -> None:
        acts.add_progress(db, plan, action, principal, data.progress_on, data.progress_note)

    return _action_post(request, principal, db, form, ref, Progress, work)


class StatusChange(forms.Form):
    status: Annotated[str, Field(title="Status", max_length=40)] = ""


@router.post("/{plan_id}/actions/{action_id}/status", dependencies=PROGRESS)
def status(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, ref: ActionPath, form: FormBody
) -> Response:
    """Change the action's status."""

    def work(plan: ActionPlan, action: PlanAction, data: StatusChange) -> None:
        acts.set_status(db, plan, action, principal, data.status)

    return _action_post(request, principal, db, form, ref, StatusChange, work)


class Impact(forms.Form):
    measure: Annotated[str, Field(title="A measure that shows the impact", max_length=60)] = ""
    audit: Annotated[str, Field(title="An audit that shows the impact", max_length=64)] = ""


@router.post("/{plan_id}/actions/{action_id}/impact", dependencies=WRITE)
def impact(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, ref: ActionPath, form: FormBody
) -> Response:
    """Link a measure or an audit as evidence of the action's impact."""

    def work(plan: ActionPlan, action: PlanAction, data: Impact) -> None:
        if not data.measure and not data.audit:
            raise plans.Invalid({"measure": "Choose a measure or enter an audit reference"})
        if data.measure:
            acts.add_impact(db, plan, action, principal, "measure", data.measure)
        if data.audit:
            acts.add_impact(db, plan, action, principal, "audit", data.audit)

    return _action_post(request, principal, db, form, ref, Impact, work)


def _changed(request: Request, db: Session, principal: Principal, plan: ActionPlan) -> Any:
    return changes.what_changed(
        db, plan, clock.now().date(), request.app.state.settings, viewer=principal
    )


@router.get("/{plan_id}/what-changed", dependencies=READ)
def what_changed(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str
) -> Response:
    """Each area for improvement beside its measures and audit grades, then and now."""
    plan = _load(db, principal, plan_id)
    if plan is None:
        return _missing(request, principal, f"No action plan {plan_id!r} in {principal.la_code}.")
    wc = _changed(request, db, principal, plan)
    return render(
        request,
        "actionplans/changed.html",
        **_base(request, principal, title="What changed since the report", plan=plan, wc=wc),
    )


@router.get("/{plan_id}/plan.docx", dependencies=READ)
def plan_docx(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, plan_id: str
) -> Response:
    """The plan as an editable DOCX: deadlines, actions and what changed."""
    plan = _load(db, principal, plan_id)
    if plan is None:
        return _missing(request, principal, f"No action plan {plan_id!r} in {principal.la_code}.")
    name = db.scalar(sa.select(LocalAuthority.name).where(LocalAuthority.code == principal.la_code))
    inspection = plans.inspection_of(db, plan)
    doc = changes.to_document(
        _changed(request, db, principal, plan),
        name or principal.la_code,
        inspection.title or inspection.type,
    )
    record(request, "export.actionplan_docx", "action_plan", plan.id)
    headers = {"Content-Disposition": f'attachment; filename="action-plan-{plan.id}.docx"'}
    return Response(to_docx(doc), media_type=DOCX, headers=headers)
