"""Inspectors' agreement with the LA's own audits: does the LA know its own practice?

ILACS framework (Ofsted 170040) para 59: evaluating children's records that the LA has already
audited is "another effective way to answer the three questions"; where the LA's evaluation is
in line with the inspectors', less primary evidence is needed. An inspector grades a case the
LA audited; Grip keeps the LA's grade beside it (the audit's final, moderated grade) and reports
agreement overall and by team with the same statistics the audits module uses for moderation
(``grip.audits.moderation``: percentage agreement and Cohen's kappa).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import Actor
from grip.audits.models import Audit
from grip.audits.moderation import AgreementRow, agreement_row
from grip.audits.templates import GRADES
from grip.evidence.models import CaseEvaluation
from grip.evidence.record import Invalid, require_team_role, rules
from grip.inspections.models import Inspection, InspectionSampleCase


def la_audit(db: Session, inspection: Inspection, person_id: str) -> Audit | None:
    """The LA's audit of a sampled case: the one the sample names, else its latest graded one."""
    pick = db.get(
        InspectionSampleCase,
        {"la_code": inspection.la_code, "inspection_id": inspection.id, "person_id": person_id},
    )
    if pick is None:
        return None
    if pick.audit_id:
        named = db.get(Audit, {"la_code": inspection.la_code, "id": pick.audit_id})
        if named is not None and named.final_grade:
            return named
    return db.scalar(
        select(Audit)
        .where(
            Audit.la_code == inspection.la_code,
            Audit.person_id == person_id,
            Audit.final_grade.is_not(None),
        )
        .order_by(Audit.month.desc(), Audit.id)
        .limit(1)
    )


def record_evaluation(
    db: Session, inspection: Inspection, person_id: str, grade: str, actor: Actor
) -> CaseEvaluation:
    """Record an inspector's grade of a case the LA audited (replacing their earlier one)."""
    require_team_role(db, inspection, actor, rules().readers, "grading an audited case")
    if grade not in GRADES:
        raise Invalid({"grade": f"{grade!r}: expected one of {', '.join(GRADES)}"})
    audit = la_audit(db, inspection, person_id)
    if audit is None or audit.final_grade is None:
        raise Invalid(
            {"case": f"case {person_id!r} is not a sampled case with a completed LA audit"}
        )
    key = {"la_code": inspection.la_code, "inspection_id": inspection.id, "person_id": person_id}
    row = db.get(CaseEvaluation, key) or CaseEvaluation(**key)
    row.audit_id, row.team_id, row.la_grade = audit.id, audit.team_id, audit.final_grade
    row.inspector_grade, row.inspector_id, row.recorded_at = grade, actor.user_id, clock.now()
    db.add(row)
    db.flush()
    return row


@dataclass(frozen=True)
class InspectionAgreement:
    """Agreement between the LA's audit grades and the inspectors', overall and by team."""

    overall: AgreementRow
    by_team: list[AgreementRow]
    evaluations: list[CaseEvaluation]


def agreement(db: Session, inspection: Inspection) -> InspectionAgreement:
    """Agreement for this inspection's graded cases (pairs are (LA grade, inspector grade))."""
    rows = list(
        db.scalars(
            select(CaseEvaluation)
            .where(
                CaseEvaluation.la_code == inspection.la_code,
                CaseEvaluation.inspection_id == inspection.id,
            )
            .order_by(CaseEvaluation.person_id)
        )
    )
    pairs = [(r.la_grade, r.inspector_grade) for r in rows]
    teams: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        teams[r.team_id or "(no team)"].append((r.la_grade, r.inspector_grade))
    return InspectionAgreement(
        overall=agreement_row("all", pairs),
        by_team=[agreement_row(k, v) for k, v in sorted(teams.items())],
        evaluations=rows,
    )
