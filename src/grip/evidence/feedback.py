"""The feedback meeting at the end of fieldwork, locked once given; and, after an inadequate
judgement, the start of the monitoring programme.

ILACS framework (Ofsted 170040) paras 197-201: on the final day the lead inspector gives the
DCS and senior leaders the provisional findings and/or judgements and the evidence behind them.
Grip records who attended (by job title or role: para 191), what was given (a copy of the
confirmed judgements and the findings at that moment) and the note of the meeting; then locks
it, and with it the evidence record and the findings. Paras 112 and 116: when children's
services are judged inadequate, monitoring follows — an action planning visit about 30 working
days after the report is received, quarterly monitoring visits and a re-inspection — and the
lead inspector asks the DCS at this meeting to arrange the action planning visit. Grip opens
the action planning visit as a planned inspection (``grip.inspections``), undated until the
report's date is known, and records that the programme started.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from sqlalchemy.orm import Session

from grip.access import audit as trail
from grip.access import clock
from grip.audits.lifecycle import Actor
from grip.evidence import name_guard
from grip.evidence.findings import findings
from grip.evidence.judgements import confirmed_judgements
from grip.evidence.models import Feedback
from grip.evidence.record import Invalid, Locked, require_team_role, rules
from grip.inspections.models import Inspection
from grip.inspections.records import NewInspection, create_inspection, move

MONITORING_NOTE = (
    "Judged inadequate: monitoring follows — an action planning visit about 30 working days "
    "after the local authority receives the report, quarterly monitoring visits and a "
    "re-inspection. The lead inspector asked the DCS to arrange the action planning visit "
    "(ILACS framework (Ofsted 170040) paras 112, 116)."
)


def feedback(db: Session, inspection: Inspection) -> Feedback | None:
    """The feedback meeting's record, if any."""
    return db.get(Feedback, {"la_code": inspection.la_code, "inspection_id": inspection.id})


def feedback_given(db: Session, inspection: Inspection) -> bool:
    """Whether the feedback meeting has been held and recorded (the record is then locked)."""
    found = feedback(db, inspection)
    return found is not None and found.given_at is not None


def give_feedback(
    db: Session,
    inspection: Inspection,
    attendees: str,
    note: str,
    actor: Actor,
    names: name_guard.NameIndex,
) -> Feedback:
    """Record the feedback meeting and lock it (the lead inspector only). A graded inspection
    needs its judgements confirmed first; a visit needs at least one finding. Moves the
    inspection to "feedback given" when it is on site, and starts the monitoring programme
    when overall effectiveness is inadequate. All or nothing."""
    require_team_role(db, inspection, actor, rules().leads, "giving feedback")
    if feedback_given(db, inspection):
        raise Locked("feedback has already been given; its record is locked")
    judged = confirmed_judgements(db, inspection)
    found = findings(db, inspection)
    errors: dict[str, str] = {}
    if not attendees.strip():
        errors["attendees"] = "list who attended, by job title or role (para 191)"
    if not note.strip():
        errors["note"] = "write the note of the meeting"
    if inspection.type in rules().graded_types and not judged:
        errors["judgements"] = "confirm the judgements before feedback (paras 193, 197)"
    if inspection.type not in rules().graded_types and not found:
        errors["findings"] = "record the findings before feedback (paras 195, 197)"
    if errors:
        raise Invalid(errors)
    name_guard.ensure_clean({"attendees": attendees, "note": note}, names)
    row = feedback(db, inspection) or Feedback(
        la_code=inspection.la_code, inspection_id=inspection.id
    )
    row.attendees, row.note = attendees.strip(), note.strip()
    row.given = json.dumps(
        {"judgements": [asdict(j) for j in judged], "findings": [asdict(f) for f in found]}
    )
    row.given_at, row.given_by = clock.now(), actor.user_id
    db.add(row)
    db.flush()
    if inspection.state == "on_site":
        move(db, inspection, "give_feedback", actor)
    if any(j.judgement_id == "overall" and j.grade == "inadequate" for j in judged):
        _start_monitoring(db, inspection, row, actor)
    trail.record_event(
        db,
        action="evidence.feedback_given",
        actor=trail.Actor(user_id=actor.user_id),
        la_code=inspection.la_code,
        object_type="inspection",
        object_id=inspection.id,
    )
    return row


def _start_monitoring(db: Session, inspection: Inspection, row: Feedback, actor: Actor) -> None:
    visit = create_inspection(
        db,
        inspection.la_code,
        NewInspection(
            type="action-planning-visit",
            kind=inspection.kind,
            framework_id=inspection.framework_id,
            title=f"Action planning visit after {inspection.title}",
        ),
        actor,
    )
    row.monitoring_inspection_id = visit.id
    row.monitoring_note = MONITORING_NOTE
    db.flush()
