"""The timeline as a checklist the LA ticks off: each milestone done, due or overdue.

A milestone is overdue when it is not ticked and its day has ended (or, with a time such as
"9.30am" or "midday", when that time has passed on its day; "end of day" is the day's end).
Times are England's wall-clock times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import Actor
from grip.calendar import ENGLAND
from grip.inspections.models import Inspection, InspectionMilestone
from grip.inspections.records import InspectionError, log_event
from grip.inspections.timeline import Milestone, Timeline, TimelineError, compute

_TIMES = {"9.30am": dt.time(9, 30), "midday": dt.time(12, 0)}


@dataclass(frozen=True)
class ChecklistRow:
    """One milestone with whether it is done and whether it is overdue."""

    milestone: Milestone
    done: InspectionMilestone | None
    overdue: bool


def deadline(m: Milestone) -> dt.datetime:
    """The moment ``m`` falls due, in UTC."""
    at = _TIMES.get(m.time)
    local = (
        dt.datetime.combine(m.date, at, tzinfo=ENGLAND)
        if at
        else dt.datetime.combine(m.date + dt.timedelta(days=1), dt.time(), tzinfo=ENGLAND)
    )
    return local.astimezone(dt.UTC)


def timeline_of(inspection: Inspection) -> Timeline | None:
    """The inspection's timeline, or ``None`` while it has no fieldwork date."""
    if inspection.fieldwork_start is None:
        return None
    try:
        return compute(inspection.type, inspection.fieldwork_start, inspection.framework_id)
    except TimelineError:
        return None  # a record whose type or date the rules no longer know: no timeline


def checklist(db: Session, inspection: Inspection, now: dt.datetime) -> list[ChecklistRow]:
    """Every milestone of the timeline, ticked or not, with what is overdue at ``now``."""
    timeline = timeline_of(inspection)
    if timeline is None:
        return []
    ticks = {
        t.milestone_id: t
        for t in db.scalars(
            select(InspectionMilestone).where(
                InspectionMilestone.la_code == inspection.la_code,
                InspectionMilestone.inspection_id == inspection.id,
            )
        )
    }
    return [
        ChecklistRow(m, ticks.get(m.id), m.id not in ticks and deadline(m) <= now)
        for m in timeline.milestones
    ]


def tick(
    db: Session, inspection: Inspection, milestone_id: str, actor: Actor, note: str = ""
) -> InspectionMilestone:
    """Mark a milestone done (once), logged."""
    timeline = timeline_of(inspection)
    known = [m.id for m in timeline.milestones] if timeline else []
    if milestone_id not in known:
        raise InspectionError(
            f"milestone: {milestone_id!r} is not on this inspection's timeline"
            + (f"; expected one of {', '.join(known)}" if known else " (it has no dates yet)")
        )
    key = {"la_code": inspection.la_code, "inspection_id": inspection.id}
    existing = db.get(InspectionMilestone, {**key, "milestone_id": milestone_id})
    if existing is not None:
        return existing
    row = InspectionMilestone(
        **key,
        milestone_id=milestone_id,
        done_at=clock.now(),
        done_by=actor.user_id,
        note=note.strip() or None,
    )
    db.add(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.milestone_done", milestone_id)
    return row


def untick(db: Session, inspection: Inspection, milestone_id: str, actor: Actor) -> None:
    """Undo a tick made by mistake, logged."""
    row = db.get(
        InspectionMilestone,
        {
            "la_code": inspection.la_code,
            "inspection_id": inspection.id,
            "milestone_id": milestone_id,
        },
    )
    if row is None:
        raise InspectionError(f"milestone: {milestone_id!r} is not ticked")
    db.delete(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.milestone_undone", milestone_id)
