"""Findings without grades: what focused and monitoring visits conclude.

ILACS framework (Ofsted 170040) para 108: a focused visit makes no graded judgement and does not
say what the grade might have been; its outcome is strengths and areas for improvement, and,
where there are serious weaknesses, areas for priority action (paras 109-110). Para 115: a
monitoring visit reports progress since the inspection against where improvement is needed.
Standard and short inspections record strengths and areas for improvement beside their
judgements. Every finding cites the evidence entries it rests on (para 187).

Who sees them: the inspecting team always; anyone else in the LA only once the feedback meeting
has been held (paras 197-201) — until then they are the team's provisional view.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.evidence import name_guard
from grip.evidence.models import Finding
from grip.evidence.record import (
    Invalid,
    NotAllowed,
    can_read_record,
    entry_ids_of,
    require_team_role,
    rules,
)
from grip.inspections.models import Inspection


def kinds_for(inspection: Inspection) -> dict[str, str]:
    """The kinds of finding this type of inspection or visit records (id -> label)."""
    return rules().findings.get(inspection.type, {})


def add_finding(
    db: Session,
    inspection: Inspection,
    kind: str,
    text: str,
    entry_ids: Sequence[str],
    actor: Actor,
    names: name_guard.NameIndex,
    against: str | None = None,
    grade: str | None = None,
) -> Finding:
    """Record a finding. Refuses a grade (para 108), a kind this visit does not make, a
    monitoring-visit finding without what it measures progress against (para 115), a finding
    tied to no evidence (para 187), and any name (para 191). Nothing is saved on refusal."""
    from grip.evidence.feedback import feedback_given

    require_team_role(db, inspection, actor, rules().readers, "recording findings")
    errors: dict[str, str] = {}
    if grade:
        errors["grade"] = (
            "findings carry no grade: inspectors do not make graded judgements at a focused or "
            "monitoring visit, nor say what the grade might have been (ILACS framework "
            "(Ofsted 170040) para 108)"
        )
    kinds = kinds_for(inspection)
    if kind not in kinds:
        errors["kind"] = f"a {inspection.type} records {', '.join(kinds) or 'no findings'}"
    if not text.strip():
        errors["text"] = "write the finding"
    if kind == "progress" and not (against or "").strip():
        errors["against"] = "name the area for priority action or recommendation (para 115)"
    if not [i for i in entry_ids if i.strip()]:
        errors["entries"] = "choose the evidence entries the finding rests on (para 187)"
    if feedback_given(db, inspection):
        errors["text"] = "feedback has been given: the findings are locked (para 197)"
    if errors:
        raise Invalid(errors)
    ids = entry_ids_of(db, inspection, entry_ids)
    name_guard.ensure_clean({"text": text, "against": against or ""}, names)
    finding = Finding(
        la_code=inspection.la_code,
        id=new_id(),
        inspection_id=inspection.id,
        kind=kind,
        text=text.strip(),
        against=(against or "").strip() or None,
        entry_ids=json.dumps(ids),
        recorded_by=actor.user_id,
        recorded_at=clock.now(),
    )
    db.add(finding)
    db.flush()
    return finding


def can_read_findings(db: Session, inspection: Inspection, user_id: int) -> bool:
    """The team always; the LA's staff once feedback is given (mock and peer inspections)."""
    from grip.evidence.feedback import feedback_given

    return can_read_record(db, inspection, user_id) or feedback_given(db, inspection)


@dataclass(frozen=True)
class FindingView:
    """A finding for pages and reports."""

    id: str
    kind: str
    kind_label: str
    text: str
    against: str | None
    entry_ids: list[str]


def findings(db: Session, inspection: Inspection, viewer: Actor | None = None) -> list[FindingView]:
    """The inspection's findings in the order recorded; with a ``viewer``, refused
    (:class:`NotAllowed`) until they may see them."""
    if viewer is not None and not can_read_findings(db, inspection, viewer.user_id):
        raise NotAllowed("the findings are shared with the local authority at the feedback meeting")
    labels = kinds_for(inspection)
    rows = db.scalars(
        select(Finding)
        .where(Finding.la_code == inspection.la_code, Finding.inspection_id == inspection.id)
        .order_by(Finding.recorded_at, Finding.id)
    )
    return [
        FindingView(
            f.id, f.kind, labels.get(f.kind, f.kind), f.text, f.against, json.loads(f.entry_ids)
        )
        for f in rows
    ]
