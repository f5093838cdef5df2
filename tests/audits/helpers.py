"""Helpers that drive an audit through its lifecycle in tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from grip.audits import lifecycle as lc
from grip.audits.models import Audit
from grip.audits.templates import load_template


def full_questions(template_id: str, grade: str = "good") -> lc.FormInput:
    """Every question answered with evidence and every section graded with reasons."""
    t = load_template(template_id)
    return lc.FormInput(
        answers={k: ("yes", f"Seen in the record: {k}") for k in t.question_keys()},
        grades={s: (grade, f"Reasons for {s}") for s in t.section_ids()},
    )


def full_reflection(template_id: str) -> lc.FormInput:
    """A completed reflection sheet, discussed with the auditor (Southwark QA framework 2015,
    appendix 1 §2c)."""
    t = load_template(template_id)
    return lc.FormInput(
        reflection={q.id: f"Worker's reflection on {q.id}" for q in t.reflection.questions},
        reflection_discussed_on=dt.date(2026, 10, 6),
    )


def full_family(template_id: str, overall: str = "good") -> lc.FormInput:
    """The family questionnaire by phone (Southwark QA framework 2015, appendix 1 §2d) and the
    overall grade."""
    t = load_template(template_id)
    return lc.FormInput(
        family={q.id: ("yes" if q.scale else None, "Comment") for q in t.family.questions},
        family_contacted_on=dt.date(2026, 10, 7),
        family_respondent="mother",
        family_method="phone",
        grades={lc.OVERALL: (overall, "Overall the plan is reducing risk")},
    )


def to_submitted(
    db: Session,
    audit: Audit,
    auditor: lc.As,
    worker: lc.As | None = None,
    grade: str = "good",
) -> Audit:
    """Drive ``audit`` from allocated to submitted, every step by the right person."""
    lc.transition(db, audit, "start", auditor, audit.version)
    lc.save_form(db, audit, auditor, audit.version, full_questions(audit.template_id, grade))
    lc.transition(db, audit, "request_reflection", auditor, audit.version)
    lc.save_form(db, audit, worker or auditor, audit.version, full_reflection(audit.template_id))
    lc.transition(db, audit, "record_family_feedback", auditor, audit.version)
    lc.save_form(db, audit, auditor, audit.version, full_family(audit.template_id, grade))
    lc.transition(db, audit, "submit", auditor, audit.version)
    return audit
