"""The actions of an action plan: each answers one area for improvement of the report (a
finding of ``grip.evidence``), has an owner in the LA, a due date, dated progress updates,
evidence of impact (links to Grip's measures and audits) and a status (ILACS framework (Ofsted
170040) paras 219-220; the statuses are those of an audit's improvement action).

An action without an owner or a due date is refused, as is an owner who is not a person of the
LA holding a role that may own one, and any text naming a child or member of staff (para 191).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import clock, users
from grip.access.models import Membership, User
from grip.access.roles import policy
from grip.actionplans import plans, schedule
from grip.actionplans.models import ActionImpact, ActionPlan, ActionProgress, PlanAction
from grip.actionplans.plans import Invalid, NotFound
from grip.audits.actions import ACTION_STATUSES
from grip.audits.lifecycle import Actor, get_audit, new_id
from grip.audits.lifecycle import NotFound as AuditNotFound
from grip.evidence import name_guard
from grip.evidence.findings import FindingView, can_read_findings, findings
from grip.measures.definitions import load_definitions


@dataclass(frozen=True)
class Area:
    """An area for improvement an action may answer: the finding and where it was made."""

    finding: FindingView
    inspection_id: str
    inspection_title: str


def areas(db: Session, plan: ActionPlan, viewer: Actor | None = None) -> list[Area]:
    """The areas for improvement (and for priority action) of the plan's inspection and of the
    focused visits on its progress record (para 220), that ``viewer`` may read."""
    kinds = set(schedule.data()["answers_kinds"])
    out = []
    for insp in [plans.inspection_of(db, plan), *plans.visits(db, plan)]:
        if viewer is not None and not can_read_findings(db, insp, viewer.user_id):
            continue
        title = insp.title or insp.type
        out += [Area(f, insp.id, title) for f in findings(db, insp) if f.kind in kinds]
    return out


def owners(db: Session, la_code: str) -> list[User]:
    """The people of the LA who may own an action (``owner_roles`` of actionplans.yaml)."""
    roles = schedule.data()["owner_roles"]
    return list(
        db.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.authority_code == la_code,
                Membership.role.in_(roles),
                User.is_active.is_(True),
            )
            .order_by(User.display_name, User.id)
        )
    )


def owner_roles(db: Session, la_code: str, user_ids: set[int]) -> dict[int, str]:
    """Each user's role in the LA as its label (a job title, for documents: para 190)."""
    if not user_ids:
        return {}
    labels = policy().roles
    rows = db.scalars(
        select(Membership).where(
            Membership.authority_code == la_code, Membership.user_id.in_(sorted(user_ids))
        )
    )
    return {m.user_id: labels[m.role].label if m.role in labels else m.role for m in rows}


def _check_owner(db: Session, la_code: str, owner_user_id: int | None) -> str | None:
    if owner_user_id is None:
        return "choose the action's owner: a person in the local authority"
    try:
        # The one check for a user id taken from a form: someone of this LA, active, holding
        # one of the owner roles (a 25-digit or another LA's id is refused the same way).
        users.check_assignee(
            db, la_code, owner_user_id, schedule.data()["owner_roles"], field="owner", job="owner"
        )
    except users.NotEligible as exc:
        return str(exc)
    return None


def add_action(
    db: Session,
    plan: ActionPlan,
    actor: Actor,
    *,
    finding_id: str,
    description: str,
    owner_user_id: int | None,
    due_date: dt.date | None,
) -> PlanAction:
    """Add an action answering one of the plan's areas for improvement. Every problem is
    reported at once, by field; nothing is saved on refusal."""
    errors: dict[str, str] = {}
    if finding_id not in {a.finding.id for a in areas(db, plan, actor)}:
        errors["finding_id"] = (
            "choose the area for improvement the action answers (from the report's findings)"
        )
    if not description.strip():
        errors["description"] = "describe the action: what will be done"
    owner_error = _check_owner(db, plan.la_code, owner_user_id)
    if owner_error:
        errors["owner"] = owner_error
    if due_date is None:
        errors["due_date"] = "enter the date the action is due"
    if errors:
        raise Invalid(errors)
    _guard(db, plan.la_code, {"description": description})
    assert due_date is not None
    row = PlanAction(
        la_code=plan.la_code,
        id=new_id(),
        plan_id=plan.id,
        finding_id=finding_id,
        description=description.strip(),
        owner_user_id=owner_user_id,
        due_date=due_date,
        status="open",
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    db.add(row)
    db.flush()
    plans.log(db, plan, actor, "action", row.id)
    return row


def _guard(db: Session, la_code: str, fields: dict[str, str]) -> None:
    """Refuse text naming a child, family member or member of staff (para 191)."""
    try:
        name_guard.ensure_clean(fields, name_guard.NameIndex.from_store(db, la_code))
    except name_guard.NamesFound as exc:
        raise Invalid({exc.hits[0].field: str(exc)}) from exc


def _actions(db: Session, la_code: str, *where: Any) -> list[PlanAction]:
    """The LA's actions matching ``where``, by due date."""
    return list(
        db.scalars(
            select(PlanAction)
            .where(PlanAction.la_code == la_code, *where)
            .order_by(PlanAction.due_date, PlanAction.id)
        )
    )


def get_action(db: Session, plan: ActionPlan, action_id: str) -> PlanAction:
    """The plan's action, or :class:`NotFound`."""
    found = find_action(db, plan.la_code, action_id)
    if found is None or found.plan_id != plan.id:
        raise NotFound(f"no action {action_id!r} in this plan")
    return found


def actions_of(db: Session, plan: ActionPlan) -> list[PlanAction]:
    """The plan's actions, by due date."""
    return _actions(db, plan.la_code, PlanAction.plan_id == plan.id)


def set_status(
    db: Session, plan: ActionPlan, action: PlanAction, actor: Actor, status: str
) -> PlanAction:
    """Change the action's status; done records the day it was completed."""
    if status not in ACTION_STATUSES:
        raise Invalid(
            {"status": f"status {status!r}: expected one of {', '.join(ACTION_STATUSES)}"}
        )
    action.status = status
    action.completed_on = clock.now().date() if status == "done" else None
    db.flush()
    plans.log(db, plan, actor, "status", f"{action.id} {status}")
    return action


def add_progress(
    db: Session, plan: ActionPlan, action: PlanAction, actor: Actor, on: dt.date | None, note: str
) -> ActionProgress:
    """A dated progress update, by ``actor``; never dated after today."""
    errors: dict[str, str] = {}
    today = clock.now().date()
    if on is None:
        errors["progress_on"] = "enter the date of the update"
    elif on > today:
        errors["progress_on"] = f"{on:%-d %B %Y} is after today: progress is recorded once made"
    if not note.strip():
        errors["progress_note"] = "say what progress was made"
    if errors:
        raise Invalid(errors)
    _guard(db, plan.la_code, {"progress_note": note})
    assert on is not None
    row = ActionProgress(
        la_code=plan.la_code,
        id=new_id(),
        action_id=action.id,
        on=on,
        note=note.strip(),
        recorded_by=actor.user_id,
        recorded_at=clock.now(),
    )
    db.add(row)
    db.flush()
    return row


def progress_of(db: Session, action: PlanAction) -> list[ActionProgress]:
    """The action's progress updates, oldest first."""
    return list(
        db.scalars(
            select(ActionProgress)
            .where(ActionProgress.la_code == action.la_code, ActionProgress.action_id == action.id)
            .order_by(ActionProgress.on, ActionProgress.recorded_at)
        )
    )


def add_impact(
    db: Session, plan: ActionPlan, action: PlanAction, actor: Actor, kind: str, ref: str
) -> ActionImpact:
    """Link the action to a measure (by id) or an audit (by id) of this LA as evidence of its
    impact. An unknown measure or an audit the person may not see is refused."""
    ref = ref.strip()
    if kind == "measure":
        known = {m.id for m in load_definitions().measures}
        if ref not in known:
            raise Invalid({"measure": f"measure {ref!r}: not one of Grip's measures"})
    elif kind == "audit":
        try:
            get_audit(db, plan.la_code, ref)
        except AuditNotFound:
            raise Invalid({"audit": f"audit {ref!r}: not an audit of {plan.la_code}"}) from None
    else:
        raise Invalid({"kind": f"kind {kind!r}: expected measure or audit"})
    if (
        db.get(
            ActionImpact,
            {"la_code": plan.la_code, "action_id": action.id, "kind": kind, "ref": ref},
        )
        is not None
    ):
        raise Invalid({kind: f"{kind} {ref!r} is already linked to this action"})
    row = ActionImpact(
        la_code=plan.la_code,
        action_id=action.id,
        kind=kind,
        ref=ref,
        added_by=actor.user_id,
        added_at=clock.now(),
    )
    db.add(row)
    db.flush()
    return row


def impact_of(db: Session, la_code: str, action_ids: list[str]) -> dict[str, list[ActionImpact]]:
    """Evidence-of-impact links per action id."""
    out: dict[str, list[ActionImpact]] = defaultdict(list)
    if not action_ids:
        return out
    rows = db.scalars(
        select(ActionImpact)
        .where(ActionImpact.la_code == la_code, ActionImpact.action_id.in_(action_ids))
        .order_by(ActionImpact.kind, ActionImpact.ref)
    )
    for r in rows:
        out[r.action_id].append(r)
    return out


def open_actions(db: Session, la_code: str) -> list[PlanAction]:
    """The LA's action-plan actions not yet done or cancelled, by due date (for the
    self-evaluation's action panel, ILACS framework (Ofsted 170040) paras 38, 220)."""
    return _actions(db, la_code, PlanAction.status.in_(schedule.data()["open_statuses"]))


def overdue_actions(db: Session, la_code: str, on: dt.date) -> list[PlanAction]:
    """The LA's action-plan actions not done or cancelled and past their due date on ``on``."""
    return _actions(
        db,
        la_code,
        PlanAction.status.in_(schedule.data()["open_statuses"]),
        PlanAction.due_date < on,
    )


def all_actions(db: Session, la_code: str) -> list[PlanAction]:
    """Every action of the LA's plans, whatever its status, by due date."""
    return _actions(db, la_code)


def find_action(db: Session, la_code: str, action_id: str) -> PlanAction | None:
    """Any action of the LA's plans by id (a weakness in the self-evaluation links to it)."""
    return db.scalar(
        select(PlanAction).where(PlanAction.la_code == la_code, PlanAction.id == action_id)
    )
