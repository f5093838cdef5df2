"""The judgement meeting, stored: proposed grades with the evidence behind them, the findings
the rules depend on, and confirmation once the framework's engine allows the set.

ILACS framework (Ofsted 170040) paras 193-194 (the meeting, best fit), 96-101 and 238-241 (the
rules, evaluated by ``grip.frameworks.engine`` through :func:`grip.evidence.meeting.check_meeting`).
Only standard and short inspections make graded judgements (paras 96-97); a focused visit never
does (para 108), nor a monitoring visit (para 115).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip import frameworks
from grip.access import audit as trail
from grip.access import clock
from grip.audits.lifecycle import Actor
from grip.evidence.meeting import MeetingCheck, check_meeting
from grip.evidence.models import JudgementMeeting, JudgementProposal
from grip.evidence.record import (
    EvidenceError,
    Invalid,
    Locked,
    entry_ids_of,
    require_team_role,
    rules,
)
from grip.inspections.models import Inspection


class JudgementsRefused(EvidenceError):
    """The engine rejects the set (or evidence is missing); ``problems`` name the paragraphs."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the judgements cannot be confirmed: " + "; ".join(problems))


def _graded(inspection: Inspection) -> None:
    if inspection.type not in rules().graded_types:
        raise Invalid(
            {
                "grade": f"a {inspection.type.replace('-', ' ')} makes no graded judgements "
                "(ILACS framework (Ofsted 170040) paras 108, 115): record findings instead"
            }
        )


def meeting(db: Session, inspection: Inspection) -> JudgementMeeting | None:
    """The meeting's record, if any has been made."""
    return db.get(JudgementMeeting, {"la_code": inspection.la_code, "inspection_id": inspection.id})


def _open_meeting(db: Session, inspection: Inspection) -> JudgementMeeting:
    found = meeting(db, inspection)
    if found is None:
        found = JudgementMeeting(
            la_code=inspection.la_code, inspection_id=inspection.id, facts="{}"
        )
        db.add(found)
    if found.confirmed_at is not None:
        raise Locked("the judgements are confirmed; they can no longer change")
    return found


def propose(
    db: Session,
    inspection: Inspection,
    judgement_id: str,
    grade: str,
    entry_ids: Sequence[str],
    actor: Actor,
    reasons: str = "",
) -> JudgementProposal:
    """Record (or change) the grade the team proposes for one judgement, with its evidence."""
    require_team_role(db, inspection, actor, rules().readers, "proposing a judgement")
    _graded(inspection)
    _open_meeting(db, inspection)
    fw = frameworks.load(inspection.framework_id)
    errors: dict[str, str] = {}
    try:
        fw.judgement(judgement_id)
    except KeyError as exc:
        errors["judgement"] = str(exc.args[0])
    if grade not in {g.id for g in fw.scale}:
        errors["grade"] = (
            f"{grade!r} is not a grade of {fw.id}: {', '.join(g.id for g in fw.scale)}"
        )
    if errors:
        raise Invalid(errors)
    ids = entry_ids_of(db, inspection, entry_ids)
    key = {
        "la_code": inspection.la_code,
        "inspection_id": inspection.id,
        "judgement_id": judgement_id,
    }
    row = db.get(JudgementProposal, key) or JudgementProposal(**key)
    row.grade, row.entry_ids, row.reasons = grade, json.dumps(ids), reasons.strip()
    row.recorded_by, row.recorded_at = actor.user_id, clock.now()
    db.add(row)
    db.flush()
    return row


def set_facts(
    db: Session, inspection: Inspection, facts: Mapping[str, bool], actor: Actor
) -> JudgementMeeting:
    """Record the findings the rules depend on (e.g. widespread or serious failure, para 100)."""
    require_team_role(db, inspection, actor, rules().readers, "recording the meeting's findings")
    _graded(inspection)
    known = {f.id for f in frameworks.load(inspection.framework_id).facts}
    if bad := sorted(set(facts) - known):
        raise Invalid({"facts": f"{', '.join(bad)} is not a finding of {inspection.framework_id}"})
    row = _open_meeting(db, inspection)
    row.facts = json.dumps(dict(sorted(facts.items())))
    db.flush()
    return row


def proposals(db: Session, inspection: Inspection) -> list[JudgementProposal]:
    """The proposed grades, in the framework's order of judgements."""
    order = [j.id for j in frameworks.load(inspection.framework_id).judgements]
    rows = db.scalars(
        select(JudgementProposal).where(
            JudgementProposal.la_code == inspection.la_code,
            JudgementProposal.inspection_id == inspection.id,
        )
    ).all()
    return sorted(rows, key=lambda r: order.index(r.judgement_id))


def check(db: Session, inspection: Inspection) -> MeetingCheck:
    """The engine's verdict on the proposed set, with every problem named by paragraph."""
    rows = proposals(db, inspection)
    found = meeting(db, inspection)
    facts = json.loads(found.facts) if found else {}
    return check_meeting(
        inspection.framework_id,
        {r.judgement_id: r.grade for r in rows},
        facts,
        {r.judgement_id: json.loads(r.entry_ids) for r in rows},
    )


def confirm(db: Session, inspection: Inspection, actor: Actor) -> JudgementMeeting:
    """Confirm the grades: the lead inspector only, and only a set the engine allows with
    every judgement evidenced (:class:`JudgementsRefused` names each rule broken)."""
    require_team_role(db, inspection, actor, rules().leads, "confirming the judgements")
    _graded(inspection)
    row = _open_meeting(db, inspection)
    verdict = check(db, inspection)
    if not verdict.can_confirm:
        raise JudgementsRefused(verdict.problems)
    row.confirmed_at, row.confirmed_by = clock.now(), actor.user_id
    db.flush()
    trail.record_event(
        db,
        action="evidence.judgements_confirm",
        actor=trail.Actor(user_id=actor.user_id),
        la_code=inspection.la_code,
        object_type="inspection",
        object_id=inspection.id,
        detail=", ".join(f"{p.judgement_id}={p.grade}" for p in proposals(db, inspection)),
    )
    return row


@dataclass(frozen=True)
class ConfirmedJudgement:
    """A confirmed judgement, for reports: its title, grade and supporting entries."""

    judgement_id: str
    title: str
    grade: str
    grade_label: str
    entry_ids: list[str]
    reasons: str


def confirmed_judgements(db: Session, inspection: Inspection) -> list[ConfirmedJudgement]:
    """The confirmed judgements, in the framework's order; empty until confirmed."""
    found = meeting(db, inspection)
    if found is None or found.confirmed_at is None:
        return []
    fw = frameworks.load(inspection.framework_id)
    return [
        ConfirmedJudgement(
            p.judgement_id,
            fw.judgement(p.judgement_id).title,
            p.grade,
            fw.grade(p.grade).label,
            json.loads(p.entry_ids),
            p.reasons,
        )
        for p in proposals(db, inspection)
    ]
