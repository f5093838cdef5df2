"""The LA's action plan after an inspection (ILACS framework (Ofsted 170040) paras 112-128,
219-221): opening it, its deadlines, the later visits on its progress record, and the
inspector's review for an inadequate LA.

* After a standard or short inspection the LA writes a plan, due 70 working days after it
  receives the final report (para 219).
* After a focused visit the existing plan is updated (para 220): the visit is added to the plan
  of the previous inspection, and its areas for improvement can be answered there.
* No plan after a monitoring visit (para 221): its letter adds to the progress record instead.

Every function works in the caller's session and flushes; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import audit as trail
from grip.access import clock
from grip.actionplans import schedule
from grip.actionplans.models import ActionPlan, ActionPlanVisit
from grip.audits.lifecycle import Actor, new_id
from grip.evidence.findings import FindingView, can_read_findings, findings
from grip.evidence.judgements import confirmed_judgements
from grip.inspections.models import Inspection
from grip.inspections.records import InspectionNotFound, get_inspection
from grip.reports.clearing import events
from grip.reports.drafting import get_report

SOURCE = "ILACS framework (Ofsted 170040)"


class PlanError(ValueError):
    """An action plan cannot be opened or changed as asked; the message says why."""


class NotFound(PlanError):
    """No such plan, action or inspection in this LA."""


class Invalid(PlanError):
    """Bad input: ``errors`` maps each form field to what was wrong, to show in place."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def log(db: Session, plan: ActionPlan, actor: Actor, action: str, detail: str) -> None:
    """Write ``actionplan.<action>`` to the audit trail in the caller's transaction."""
    trail.record_event(
        db,
        action=f"actionplan.{action}",
        actor=trail.Actor(user_id=actor.user_id),
        la_code=plan.la_code,
        object_type="action_plan",
        object_id=plan.id,
        detail=detail,
    )


def judged_inadequate(db: Session, inspection: Inspection) -> bool:
    """Overall effectiveness confirmed inadequate in Grip's judgement meeting (para 112)."""
    return any(
        j.judgement_id == "overall" and j.grade == "inadequate"
        for j in confirmed_judgements(db, inspection)
    )


def _inspection(db: Session, la_code: str, inspection_id: str) -> Inspection:
    try:
        return get_inspection(db, la_code, inspection_id)
    except InspectionNotFound as exc:
        raise NotFound(str(exc)) from exc


def report_received(db: Session, inspection: Inspection) -> dt.date | None:
    """The day Grip's report record says the final report reached the LA: the final version
    sent (table after para 216), else its publication; None when Grip holds neither."""
    report = get_report(db, inspection)
    if report is None:
        return None
    sent = [e.at.date() for e in events(db, report) if e.to_state == "final_sent"]
    if sent:
        return sent[-1]
    return report.published_at.date() if report.published_at else None


def _check_new(db: Session, inspection: Inspection, received: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    rule, para = schedule.plan_rule(inspection.type)
    if rule == "none":
        errors["inspection_id"] = (
            f"no action plan follows a {inspection.type.replace('-', ' ')}: its letter adds to "
            f"the progress record of the existing plan ({SOURCE} para {para})"
        )
    elif rule == "update":
        errors["inspection_id"] = (
            "after a focused visit the existing action plan from the previous inspection is "
            f"updated ({SOURCE} para {para}): open that plan and add the visit to it"
        )
    elif plan_of(db, inspection) is not None:
        errors["inspection_id"] = "this inspection already has an action plan: open it instead"
    if received is None:
        errors["report_received_on"] = (
            "enter the date the final report was received (Grip's report record "
            "has not sent it): the plan is due "
            f"{schedule.plan_days()} working days after it ({SOURCE} para 219)"
        )
    elif inspection.fieldwork_start and received < inspection.fieldwork_start:
        errors["report_received_on"] = (
            f"report received {received:%-d %B %Y}: that is before fieldwork started "
            f"({inspection.fieldwork_start:%-d %B %Y}); expected a later date"
        )
    return errors


def create_plan(
    db: Session,
    la_code: str,
    inspection_id: str,
    report_received_on: dt.date | None,
    actor: Actor,
    inadequate: bool | None = None,
) -> ActionPlan:
    """Open the plan answering a standard or short inspection. Refuses a monitoring visit (para
    221), a focused visit (para 220: update the existing plan), a second plan, and a missing or
    impossible report date; without a date, the day Grip's report record sent the final version
    is taken. ``inadequate`` defaults to Grip's confirmed judgement (para 112)."""
    inspection = _inspection(db, la_code, inspection_id)
    report_received_on = report_received_on or report_received(db, inspection)
    errors = _check_new(db, inspection, report_received_on)
    if errors:
        raise Invalid(errors)
    assert report_received_on is not None  # checked above
    plan = ActionPlan(
        la_code=la_code,
        id=new_id(),
        inspection_id=inspection.id,
        report_received_on=report_received_on,
        due_date=schedule.plan_due(report_received_on),
        inadequate=judged_inadequate(db, inspection) if inadequate is None else inadequate,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    db.add(plan)
    db.flush()
    log(db, plan, actor, "create", f"inspection {inspection.id}; due {plan.due_date}")
    return plan


def plan_of(db: Session, inspection: Inspection) -> ActionPlan | None:
    """The plan answering ``inspection``, if one is open."""
    return db.scalar(
        select(ActionPlan).where(
            ActionPlan.la_code == inspection.la_code, ActionPlan.inspection_id == inspection.id
        )
    )


def get_plan(db: Session, la_code: str, plan_id: str) -> ActionPlan:
    """The plan, or :class:`NotFound`."""
    found = db.scalar(
        select(ActionPlan).where(ActionPlan.la_code == la_code, ActionPlan.id == plan_id)
    )
    if found is None:
        raise NotFound(f"no action plan {plan_id!r} in {la_code}")
    return found


def list_plans(db: Session, la_code: str) -> list[ActionPlan]:
    """The LA's plans, the most recent report first."""
    return list(
        db.scalars(
            select(ActionPlan)
            .where(ActionPlan.la_code == la_code)
            .order_by(ActionPlan.report_received_on.desc(), ActionPlan.id)
        )
    )


def inspection_of(db: Session, plan: ActionPlan) -> Inspection:
    """The inspection the plan answers."""
    return _inspection(db, plan.la_code, plan.inspection_id)


def set_dates(
    db: Session,
    plan: ActionPlan,
    actor: Actor,
    *,
    report_received_on: dt.date,
    visit_on: dt.date | None,
    submitted_on: dt.date | None,
) -> ActionPlan:
    """Correct the report's date (the deadline follows, para 219), and record the action
    planning visit's agreed date (para 116) and the day the plan was submitted."""
    inspection = inspection_of(db, plan)
    errors = {
        k: v
        for k, v in _check_new(db, inspection, report_received_on).items()
        if k == "report_received_on"
    }
    if visit_on is not None and not plan.inadequate:
        errors["visit_on"] = (
            f"an action planning visit follows only an inadequate judgement ({SOURCE} para 112)"
        )
    if submitted_on is not None and submitted_on < report_received_on:
        errors["submitted_on"] = (
            f"submitted {submitted_on:%-d %B %Y}: that is before the report was received"
        )
    if errors:
        raise Invalid(errors)
    plan.report_received_on = report_received_on
    plan.due_date = schedule.plan_due(report_received_on)
    plan.visit_on = visit_on
    plan.submitted_on = submitted_on
    db.flush()
    log(db, plan, actor, "dates", f"received {report_received_on}; due {plan.due_date}")
    return plan


def record_review(
    db: Session, plan: ActionPlan, actor: Actor, on: dt.date | None, outcome: str, note: str
) -> ActionPlan:
    """The inspector's review of an inadequate LA's plan (paras 124-126): when, whether it
    reflects the report's findings, and (when it does not) the areas of difference."""
    outcomes = schedule.data()["review_outcomes"]
    errors: dict[str, str] = {}
    if not plan.inadequate:
        errors["review_outcome"] = (
            f"the inspector reviews the plan of an LA judged inadequate ({SOURCE} paras 124-126)"
        )
    if on is None:
        errors["review_on"] = "enter the date of the regional director's letter"
    if outcome not in outcomes:
        errors["review_outcome"] = f"choose one of: {', '.join(outcomes)}"
    if outcome == "differs" and not note.strip():
        errors["review_note"] = f"set out the areas of difference and the reasons ({SOURCE} 125)"
    if errors:
        raise Invalid(errors)
    plan.review_on, plan.review_outcome, plan.review_note = on, outcome, note.strip() or None
    db.flush()
    log(db, plan, actor, "review", outcome)
    return plan


#: Later visits a plan's progress record takes, and whether only an inadequate LA has them.
RECORD_TYPES = {"focused-visit": False, "monitoring-visit": True, "action-planning-visit": True}


def _visit_errors(db: Session, plan: ActionPlan, visit: Inspection) -> dict[str, str]:
    base = inspection_of(db, plan)
    errors: dict[str, str] = {}
    if visit.type not in RECORD_TYPES:
        errors["visit_id"] = (
            "choose a focused visit (para 220), the action planning visit (para 116) or a "
            "monitoring visit (para 128)"
        )
    elif RECORD_TYPES[visit.type] and not plan.inadequate:
        errors["visit_id"] = (
            f"a {visit.type.replace('-', ' ')} follows an inadequate judgement ({SOURCE} para 112)"
        )
    started, base_started = visit.fieldwork_start, base.fieldwork_start
    if started and base_started and started < base_started:
        errors["visit_id"] = "the visit came before the inspection the plan answers"
    key = {"la_code": plan.la_code, "plan_id": plan.id, "inspection_id": visit.id}
    if db.get(ActionPlanVisit, key) is not None:
        errors["visit_id"] = "the visit is already on the plan's progress record"
    return errors


def add_visit(
    db: Session, plan: ActionPlan, inspection_id: str, actor: Actor, note: str = ""
) -> ActionPlanVisit:
    """Add a later visit to the plan's progress record: a focused visit after which the plan is
    updated (para 220); for an inadequate LA the action planning visit (paras 116-123; its date
    becomes the plan's visit date unless one was agreed) and each monitoring visit, whose letter
    adds to the record (paras 115, 128)."""
    visit = _inspection(db, plan.la_code, inspection_id)
    errors = _visit_errors(db, plan, visit)
    if errors:
        raise Invalid(errors)
    row = ActionPlanVisit(
        la_code=plan.la_code,
        plan_id=plan.id,
        inspection_id=visit.id,
        note=note.strip(),
        added_at=clock.now(),
        added_by=actor.user_id,
    )
    db.add(row)
    if visit.type == "action-planning-visit" and plan.visit_on is None:
        plan.visit_on = visit.fieldwork_start
    db.flush()
    rule, para = schedule.plan_rule(visit.type)
    log(db, plan, actor, "visit", f"{visit.type} {visit.id} (para {para}, {rule})")
    return row


def visits(db: Session, plan: ActionPlan) -> list[Inspection]:
    """The later visits on the plan's progress record, in the order they happened."""
    rows = db.scalars(
        select(Inspection)
        .join(
            ActionPlanVisit,
            (ActionPlanVisit.la_code == Inspection.la_code)
            & (ActionPlanVisit.inspection_id == Inspection.id),
        )
        .where(ActionPlanVisit.la_code == plan.la_code, ActionPlanVisit.plan_id == plan.id)
    )
    return sorted(rows, key=lambda i: (i.fieldwork_start or dt.date.max, i.id))


@dataclass(frozen=True)
class RecordEntry:
    """A later visit on the progress record with what its letter found: a monitoring visit's
    progress since the last visit (para 115), a focused visit's findings (paras 108-110)."""

    visit: Inspection
    findings: list[FindingView]
    shared: bool  # False until the findings are shared with the LA (feedback, para 197)


def progress_record(db: Session, plan: ActionPlan, viewer: Actor | None) -> list[RecordEntry]:
    """The later visits on the plan's record, each with the findings ``viewer`` may read."""
    out = []
    for visit in visits(db, plan):
        shared = viewer is None or can_read_findings(db, visit, viewer.user_id)
        out.append(RecordEntry(visit, findings(db, visit) if shared else [], shared))
    return out


@dataclass(frozen=True)
class Deadline:
    """A date the plan must meet, with why and the paragraph."""

    what: str
    on: dt.date
    why: str
    paragraph: str
    agreed: bool = True


def deadlines(plan: ActionPlan) -> list[Deadline]:
    """The plan's deadline and, for an inadequate LA, the action planning visit and its agenda
    (the agreed visit date, else the suggested one)."""
    out = [
        Deadline(
            "Action plan submitted to Ofsted",
            plan.due_date,
            f"{schedule.plan_days()} working days after the final report was received "
            f"({plan.report_received_on:%-d %B %Y})",
            "219",
        )
    ]
    if plan.inadequate:
        suggested = schedule.action_planning_visit(plan.report_received_on)
        visit = plan.visit_on or suggested
        out.append(
            Deadline(
                "Action planning visit",
                visit,
                "Agreed date"
                if plan.visit_on
                else "About 30 working days after the report "
                "was received (suggested until the date is agreed)",
                "116",
                plan.visit_on is not None,
            )
        )
        out.append(
            Deadline(
                "Final agenda circulated by the lead inspector",
                schedule.agenda_due(visit),
                f"{schedule.agenda_days()} working days before the action planning visit",
                "121",
                plan.visit_on is not None,
            )
        )
    return sorted(out, key=lambda d: d.on)


def monitoring(db: Session, plan: ActionPlan) -> list[schedule.MonitoringSlot]:
    """The quarterly monitoring programme of an inadequate LA, with the visits held (those on
    the progress record); empty otherwise (para 112)."""
    if not plan.inadequate:
        return []
    held = [
        v.fieldwork_start
        for v in visits(db, plan)
        if v.type == "monitoring-visit" and v.fieldwork_start is not None
    ]
    return schedule.monitoring_schedule(plan.due_date, held)


def latest_plan(db: Session, la_code: str) -> ActionPlan | None:
    """The LA's most recent plan (the one a focused visit updates, para 220)."""
    plans = list_plans(db, la_code)
    return plans[0] if plans else None
