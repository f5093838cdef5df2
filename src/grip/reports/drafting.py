"""Drafting a report or letter from the inspection record, and the lead inspector's text.

The document is the one para 202 of the ILACS framework (Ofsted 170040) names for the type. An
inspection report is drafted only from confirmed judgements (paras 193-194); a focused or
monitoring visit's letter only once the feedback meeting has fixed the findings (para 197). The
lead inspector writes the report (para 203): each section's text is versioned, and a save based
on an older version than the current one is refused rather than silently overwriting. Text is
checked by the evidence name guard (para 191) before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import audit as trail
from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.evidence import name_guard
from grip.evidence.feedback import feedback_given
from grip.evidence.judgements import confirmed_judgements
from grip.evidence.models import Finding
from grip.evidence.record import rules as evidence_rules
from grip.inspections.models import Inspection
from grip.inspections.records import allowed_moves, team_role_of
from grip.inspections.records import move as move_inspection
from grip.reports import structure
from grip.reports.errors import Invalid, Locked, NotAllowed, NotFound, Refused
from grip.reports.models import Report, ReportText, ReportTextVersion

LEADS = ("lead_inspector",)
MAX_CHARS = 20000


@dataclass(frozen=True)
class AreaForImprovement:
    """An area for improvement (or for priority action) as the evidence findings record it;
    ``id`` is the :class:`grip.evidence.models.Finding` id, stable for links from actions."""

    id: str
    kind: str
    text: str


def areas_for_improvement(db: Session, inspection_id: str) -> list[AreaForImprovement]:
    """The inspection's areas for improvement and for priority action (paras 108-110, 206),
    in the order recorded. ``db`` must be scoped to the inspection's LA."""
    kinds = structure.data()["improvement_kinds"]
    rows = db.scalars(
        select(Finding)
        .where(Finding.inspection_id == inspection_id, Finding.kind.in_(kinds))
        .order_by(Finding.recorded_at, Finding.id)
    )
    return [AreaForImprovement(f.id, f.kind, f.text) for f in rows]


def require_lead(db: Session, inspection: Inspection, actor: Actor, doing: str) -> None:
    """:class:`NotAllowed` unless the actor is the inspection's lead inspector (para 203)."""
    role = team_role_of(db, inspection, actor.user_id)
    if role not in LEADS:
        who = "you are not on this inspection's team" if role is None else f"you are its {role}"
        raise NotAllowed(f"{doing} is for the lead inspector (para 203): {who}")


def get_report(db: Session, inspection: Inspection) -> Report | None:
    """The inspection's report or letter, if drafted."""
    return db.scalars(
        select(Report).where(
            Report.la_code == inspection.la_code, Report.inspection_id == inspection.id
        )
    ).first()


def _ready(db: Session, inspection: Inspection, kind: str) -> None:
    if structure.kind_spec(kind)["graded"]:
        structure.layout(inspection.framework_id)
        if not confirmed_judgements(db, inspection):
            raise Refused(
                [
                    "the judgements are not confirmed: an inspection report is drafted from "
                    "the graded judgements the judgement meeting confirmed (ILACS framework "
                    "(Ofsted 170040) paras 193-194, 205); confirm them first"
                ]
            )
    elif kind != "action-planning-visit-letter" and not feedback_given(db, inspection):
        raise Refused(
            [
                "the feedback meeting is not recorded: a letter is drafted from the findings "
                "fixed at feedback (ILACS framework (Ofsted 170040) paras 197, 207-208)"
            ]
        )


def draft(db: Session, inspection: Inspection, actor: Actor) -> Report:
    """Draft the document para 202 names for the inspection's type, with each judgement's
    section started from the meeting's reasons. Refused without confirmed judgements."""
    require_lead(db, inspection, actor, "drafting the report")
    if get_report(db, inspection) is not None:
        raise Locked("this inspection's report is already drafted; open it to carry on")
    kind = structure.kind_for(inspection.type)
    _ready(db, inspection, kind)
    now = clock.now()
    report = Report(
        la_code=inspection.la_code,
        id=new_id(),
        inspection_id=inspection.id,
        kind=kind,
        state="draft",
        created_at=now,
        created_by=actor.user_id,
        updated_at=now,
    )
    db.add(report)
    db.flush()
    reasons = {j.judgement_id: j.reasons for j in confirmed_judgements(db, inspection)}
    for sec in structure.text_sections(kind, inspection.framework_id):
        _store_text(db, report, sec.id, reasons.get(sec.id, ""), actor)
    log(db, report, actor, "reports.draft", kind)
    follow(db, inspection, "draft", actor)
    return report


def texts(db: Session, report: Report) -> dict[str, ReportText]:
    """Each section's current text, by section id."""
    rows = db.scalars(
        select(ReportText).where(
            ReportText.la_code == report.la_code, ReportText.report_id == report.id
        )
    )
    return {r.section_id: r for r in rows}


def text_of(db: Session, report: Report) -> dict[str, str]:
    """Each section's current text as plain strings."""
    return {k: v.text for k, v in texts(db, report).items()}


def _store_text(db: Session, report: Report, section_id: str, text: str, actor: Actor) -> int:
    row = db.get(
        ReportText,
        {"la_code": report.la_code, "report_id": report.id, "section_id": section_id},
    )
    if row is None:
        row = ReportText(
            la_code=report.la_code, report_id=report.id, section_id=section_id, text="", version=0
        )
        db.add(row)
    row.text, row.version = text, row.version + 1
    db.add(
        ReportTextVersion(
            la_code=report.la_code,
            report_id=report.id,
            section_id=section_id,
            number=row.version,
            text=text,
            saved_by=actor.user_id,
            saved_at=clock.now(),
        )
    )
    db.flush()
    return row.version


def editable(report: Report) -> None:
    """:class:`Locked` unless the report's text may change in its state (draft, or with the
    LA for factual accuracy); a published document never changes."""
    allowed = structure.data()["editable_states"]
    if report.state not in allowed:
        label = structure.states()[report.state]["label"].lower()
        raise Locked(
            f"the report is {label}: its text can no longer change (it changes only while "
            f"{' or '.join(allowed)})"
        )


def save_text(
    db: Session,
    inspection: Inspection,
    report: Report,
    section_id: str,
    text: str,
    actor: Actor,
    names: name_guard.NameIndex,
    expected_version: int,
) -> int:
    """Save a new version of one section's text; returns the new version number. Refuses a
    save based on an older version, text over the limit, and any name (para 191)."""
    require_lead(db, inspection, actor, "writing the report")
    editable(report)
    current = texts(db, report)
    if section_id not in current:
        raise NotFound(f"the report has no section {section_id!r}")
    if current[section_id].version != expected_version:
        raise Locked(
            f"the section was changed (version {current[section_id].version}) since you opened "
            f"version {expected_version}; reopen it to see the latest text"
        )
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_CHARS:
        raise Invalid({section_id: f"{len(text)} characters; at most {MAX_CHARS}"})
    name_guard.ensure_clean({section_id: text}, names)
    version = _store_text(db, report, section_id, text, actor)
    report.updated_at = clock.now()
    log(db, report, actor, "reports.save", f"{section_id} version {version}")
    return version


def versions(db: Session, report: Report, section_id: str) -> list[ReportTextVersion]:
    """Every saved version of one section, newest first."""
    return list(
        db.scalars(
            select(ReportTextVersion)
            .where(
                ReportTextVersion.la_code == report.la_code,
                ReportTextVersion.report_id == report.id,
                ReportTextVersion.section_id == section_id,
            )
            .order_by(ReportTextVersion.number.desc())
        )
    )


def can_read(db: Session, inspection: Inspection, report: Report | None, user_id: int) -> bool:
    """The inspecting team always; the LA's staff from the factual accuracy check on (para
    215: the LA sees the draft then)."""
    if team_role_of(db, inspection, user_id) in evidence_rules().readers:
        return True
    return report is not None and report.state not in ("draft", "qa_review")


def require_reader(
    db: Session, inspection: Inspection, report: Report | None, actor: Actor
) -> None:
    """:class:`NotAllowed` unless the actor may read the report now."""
    if not can_read(db, inspection, report, actor.user_id):
        raise NotAllowed(
            "the draft is the inspecting team's until it is sent to the local authority for "
            "factual accuracy checks (ILACS framework (Ofsted 170040) para 215)"
        )


def follow(db: Session, inspection: Inspection, name: str, actor: Actor) -> None:
    """Move the inspection's own state along with the report's ``name`` move
    (structure.yaml ``inspection_moves``), where the inspection's rules allow the actor."""
    wanted = structure.data()["inspection_moves"].get(name)
    if wanted and wanted in {t.name for t in allowed_moves(db, inspection, actor)}:
        move_inspection(db, inspection, wanted, actor)


def log(db: Session, report: Report, actor: Actor, action: str, detail: str) -> None:
    """Record ``action`` on the report in the audit trail, in the same transaction."""
    trail.record_event(
        db,
        action=action,
        actor=trail.Actor(user_id=actor.user_id),
        la_code=report.la_code,
        object_type="report",
        object_id=report.id,
        detail=detail,
    )
