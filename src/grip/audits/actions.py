"""Improvement plan actions and immediate safety concerns raised in an audit.

Improvement plan (Southwark QA framework 2015, appendix 1 §4 "Improvement Plan"; §2e, §2h): brief,
specific actions, each with an owner, a due date and a status, completed with evidence, tracked by
the QA lead until done. Safety concern (Southwark QA framework 2015, appendix 1 §2g): raised at once
from inside the audit; the people told are recorded, always including the Director of children's
social care; it stays open until a manager closes it with what was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import (
    Actor,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StaleVersion,
    _history,
    _require,
    new_id,
    within,
)
from grip.audits.models import Audit, AuditAction, SafetyConcern, SafetyNotification

#: Statuses of an improvement action.
ACTION_STATUSES = {
    "open": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
#: The title recorded for the person who must always be told (Southwark QA framework 2015, appendix
#: 1 §2g).
DIRECTOR = "Director of Children's Social Care"
NOTIFY_METHODS = {
    "phone": "Telephone",
    "in_person": "In person",
    "email": "Email",
    "teams": "Video call",
}


# --- improvement plan -----------------------------------------------------------------------


def add_action(
    db: Session,
    audit: Audit,
    actor: Actor,
    *,
    description: str,
    owner: str,
    due_date: dt.date,
    owner_user_id: int | None = None,
    now: dt.datetime | None = None,
) -> AuditAction:
    """Add an improvement action to the audit's plan: what, who (a job title) and by when."""
    _require("manage_actions", actor)
    now = now or clock.now()
    if audit.state == "allocated":
        raise InvalidTransition("start the audit before adding improvement actions")
    if not description.strip():
        raise InvalidInput(
            "describe the action: brief and specific (Southwark QA framework 2015, appendix 1 §4)"
        )
    if not owner.strip():
        raise InvalidInput("say who is to do it (a job title, e.g. 'Allocated social worker')")
    action = AuditAction(
        la_code=audit.la_code,
        id=new_id(),
        audit_id=audit.id,
        description=description.strip(),
        owner=within(owner, 100, "who is to do it", "owner"),
        owner_user_id=owner_user_id,
        due_date=due_date,
        status="open",
        created_at=now,
        created_by=actor.user_id,
    )
    db.add(action)
    db.flush()
    _history(db, audit, actor, "action_added", now, note=action.id)
    return action


def update_action(
    db: Session,
    action: AuditAction,
    actor: Actor,
    expected_version: int | None,
    *,
    status: str,
    evidence: str | None = None,
    completed_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AuditAction:
    """Change an action's status. Done needs evidence of completion and a date."""
    _require("manage_actions", actor)
    now = now or clock.now()
    if expected_version is not None and expected_version != action.version:
        raise StaleVersion(action.id, expected_version, action.version, None, None)
    if status not in ACTION_STATUSES:
        raise InvalidInput(f"status {status!r} is not one of {', '.join(ACTION_STATUSES)}")
    evidence = (evidence or "").strip() or None
    if status == "done":
        if not evidence:
            raise InvalidInput("record the evidence that the action is done")
        completed_on = completed_on or now.date()
    else:
        completed_on = None
    action.status = status
    action.evidence = evidence
    action.completed_on = completed_on
    db.flush()
    return action


def actions_of(db: Session, audit: Audit) -> list[AuditAction]:
    """The audit's improvement plan, by due date."""
    return list(
        db.scalars(
            select(AuditAction)
            .where(AuditAction.la_code == audit.la_code, AuditAction.audit_id == audit.id)
            .order_by(AuditAction.due_date, AuditAction.id)
        )
    )


def is_action_overdue(action: AuditAction, on: dt.date) -> bool:
    """Open or in progress and past its due date."""
    return action.status in ("open", "in_progress") and action.due_date < on


def overdue_actions(db: Session, la_code: str, on: dt.date) -> list[AuditAction]:
    """The LA's improvement actions past their due date and not done, oldest first. Only
    actions on audits the session may see (the audit's scoping applies through the join)."""
    rows = db.scalars(
        select(AuditAction)
        .join(Audit, (Audit.la_code == AuditAction.la_code) & (Audit.id == AuditAction.audit_id))
        .where(
            AuditAction.la_code == la_code,
            AuditAction.status.in_(("open", "in_progress")),
            AuditAction.due_date < on,
        )
        .order_by(AuditAction.due_date, AuditAction.id)
    )
    return list(rows)


def get_action(db: Session, la_code: str, action_id: str) -> AuditAction:
    """The action, or :class:`NotFound`."""
    found = db.scalar(
        select(AuditAction).where(AuditAction.la_code == la_code, AuditAction.id == action_id)
    )
    if found is None:
        raise NotFound(f"no improvement action {action_id!r} in {la_code}")
    return found


# --- immediate safety concerns ----------------------------------------------------------------


@dataclass(frozen=True)
class Told:
    """Someone told of a safety concern: a job title, when, and how."""

    who: str
    at: dt.datetime
    method: str = "phone"


def raise_safety_concern(
    db: Session,
    audit: Audit,
    actor: Actor,
    *,
    concern: str,
    director_told_at: dt.datetime,
    director_method: str = "phone",
    others: Sequence[Told] = (),
    now: dt.datetime | None = None,
) -> SafetyConcern:
    """Raise an immediate concern for the child's safety from inside an audit.

    Southwark QA framework 2015, appendix 1 §2g: the Director of children's social care is
    always told, and when is recorded."""
    _require("raise_safety_concern", actor)
    now = now or clock.now()
    if audit.state == "closed":
        raise InvalidTransition(
            "the audit is closed: raise the concern through the case record instead"
        )
    if not concern.strip():
        raise InvalidInput("describe the concern for the child's safety")
    if director_told_at > now + dt.timedelta(minutes=5):
        raise InvalidInput("the Director cannot have been told in the future")
    for t in (Told(DIRECTOR, director_told_at, director_method), *others):
        if t.method not in NOTIFY_METHODS:
            raise InvalidInput(f"method {t.method!r} is not one of {', '.join(NOTIFY_METHODS)}")
        if not t.who.strip():
            raise InvalidInput("say who was told (a job title)")
    row = SafetyConcern(
        la_code=audit.la_code,
        id=new_id(),
        audit_id=audit.id,
        person_id=audit.person_id,
        concern=concern.strip(),
        raised_by=actor.user_id,
        raised_at=now,
    )
    db.add(row)
    db.flush()
    told = [Told(DIRECTOR, director_told_at, director_method), *others]
    for seq, t in enumerate(told, start=1):
        db.add(
            SafetyNotification(
                la_code=audit.la_code,
                concern_id=row.id,
                seq=seq,
                told=within(t.who, 100, "who was told", "other_told"),
                is_director=seq == 1,
                told_at=t.at,
                method=t.method,
            )
        )
    db.flush()
    _history(db, audit, actor, "safety_concern_raised", now, note=row.id)
    return row


def close_safety_concern(
    db: Session,
    concern: SafetyConcern,
    actor: Actor,
    action_taken: str,
    now: dt.datetime | None = None,
) -> SafetyConcern:
    """Close a safety concern: only a manager, recording what was done to keep the child safe."""
    _require("close_safety_concern", actor)
    now = now or clock.now()
    if concern.closed_at is not None:
        raise InvalidTransition("this safety concern is already closed")
    if not action_taken.strip():
        raise InvalidInput("record what was done to make sure the child is safe")
    concern.closed_at = now
    concern.closed_by = actor.user_id
    concern.action_taken = action_taken.strip()
    db.flush()
    audit = db.get(Audit, {"la_code": concern.la_code, "id": concern.audit_id})
    if audit is not None:
        _history(db, audit, actor, "safety_concern_closed", now, note=concern.id)
    return concern


def notifications_of(db: Session, concern: SafetyConcern) -> list[SafetyNotification]:
    """Who was told of the concern, in order (the Director first)."""
    return list(
        db.scalars(
            select(SafetyNotification)
            .where(
                SafetyNotification.la_code == concern.la_code,
                SafetyNotification.concern_id == concern.id,
            )
            .order_by(SafetyNotification.seq)
        )
    )


def concerns_of(db: Session, audit: Audit) -> list[SafetyConcern]:
    """Safety concerns raised in the audit, newest first."""
    return list(
        db.scalars(
            select(SafetyConcern)
            .where(SafetyConcern.la_code == audit.la_code, SafetyConcern.audit_id == audit.id)
            .order_by(SafetyConcern.raised_at.desc())
        )
    )


def open_safety_concerns(db: Session, la_code: str) -> list[SafetyConcern]:
    """The LA's safety concerns not yet closed, oldest first."""
    return list(
        db.scalars(
            select(SafetyConcern)
            .where(SafetyConcern.la_code == la_code, SafetyConcern.closed_at.is_(None))
            .order_by(SafetyConcern.raised_at)
        )
    )


def get_concern(db: Session, la_code: str, concern_id: str) -> SafetyConcern:
    """The concern, or :class:`NotFound`."""
    found = db.scalar(
        select(SafetyConcern).where(
            SafetyConcern.la_code == la_code, SafetyConcern.id == concern_id
        )
    )
    if found is None:
        raise NotFound(f"no safety concern {concern_id!r} in {la_code}")
    return found


def count_open_concerns(db: Session, la_code: str) -> int:
    """How many of the LA's safety concerns are open."""
    return int(
        db.scalar(
            select(func.count())
            .select_from(SafetyConcern)
            .where(SafetyConcern.la_code == la_code, SafetyConcern.closed_at.is_(None))
        )
        or 0
    )
