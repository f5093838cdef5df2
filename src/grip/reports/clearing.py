"""Clearing and publishing (ILACS framework (Ofsted 170040) paras 214-216): the quality
assurance manager's review (214), the factual accuracy check with the LA (215: the LA's
comments against the draft's paragraphs, each accepted or declined with a reason), the final
version sent and then published (216), on the timetable in the table after para 216, counted
in working days from the end of fieldwork (``grip.inspections`` timelines.yaml).

Once published the document never changes: its DOCX and PDF are stored as published and every
later edit, comment or move is refused. A published real inspection's graded judgements go
into the outcomes register (``grip.outcomes.record_outcome``); a mock or peer inspection's do
not, because the register is of Ofsted's published outcomes and drives the LA's pathway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.documents.render import render
from grip.evidence import name_guard
from grip.inspections.models import Inspection
from grip.inspections.records import team_role_of
from grip.inspections.timeline import Milestone, TimelineError, compute
from grip.reports import checks, document, structure
from grip.reports.document import paragraphs
from grip.reports.drafting import editable, follow, log, require_lead, texts
from grip.reports.errors import Invalid, Locked, NotAllowed, NotFound, Refused
from grip.reports.models import Report, ReportComment, ReportEvent, ReportFile
from grip.reports.service import record_of, render_all

REPORT_MILESTONES = (
    "report_for_factual_accuracy",
    "factual_accuracy_comments",
    "final_report",
    "publication",
)
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def timetable(inspection: Inspection) -> list[Milestone]:
    """The due dates of the table after para 216 for this inspection, in working days from the
    last day of fieldwork; empty when the dates are not set or the type has no timetable."""
    if inspection.fieldwork_start is None:
        return []
    try:
        t = compute(inspection.type, inspection.fieldwork_start, inspection.framework_id)
    except TimelineError:
        return []
    return [m for m in t.milestones if m.id in REPORT_MILESTONES]


def _require_team_role(
    db: Session, inspection: Inspection, actor: Actor, roles: list[str], label: str
) -> None:
    role = team_role_of(db, inspection, actor.user_id)
    if role not in roles:
        who = "you are not on this inspection's team" if role is None else f"you are its {role}"
        raise NotAllowed(f"{label.lower()} is for the team's {', '.join(roles)}: {who}")


def problems(
    db: Session, inspection: Inspection, report: Report, names: name_guard.NameIndex
) -> list[checks.Problem]:
    """Every check before issue the document now fails (see :mod:`grip.reports.checks`). Only
    the inspection report is typeset for them (its pages and first page); a letter has no
    page limit."""
    rec = record_of(db, inspection, report)
    files = {}
    if rec.kind == "inspection-report":
        files["report"] = render(document.report_document(rec))
    return checks.check(rec, files, names)


def move(
    db: Session,
    inspection: Inspection,
    report: Report,
    name: str,
    actor: Actor,
    names: name_guard.NameIndex,
    note: str = "",
    outcomes_engine: Engine | None = None,
) -> Report:
    """Make the clearing move ``name`` (structure.yaml ``moves``): checked for state, team
    role, the checks before issue and open comments; logged. Publishing stores the files as
    published and records a real inspection's outcome in the register on ``outcomes_engine``."""
    spec = structure.moves().get(name)
    if spec is None:
        raise NotFound(f"no move {name!r}; expected one of {', '.join(structure.moves())}")
    if report.state != spec["from"]:
        now = structure.states()[report.state]["label"].lower()
        raise Locked(f"cannot {spec['label'].lower()}: the report is at {now}")
    _require_team_role(db, inspection, actor, spec["team_roles"], spec["label"])
    if spec.get("note") and not note.strip():
        raise Invalid({"note": "say what needs to change before the report goes on (para 214)"})
    if spec.get("comments_decided"):
        _comments_decided(db, report)
    if spec.get("checks"):
        found = problems(db, inspection, report, names)
        if found:
            raise Refused([str(p) for p in found])
    _set_state(db, report, name, spec["to"], actor, note)
    if spec["to"] == "published":
        _publish(db, inspection, report, outcomes_engine)
    follow(db, inspection, name, actor)
    return report


def _set_state(db: Session, report: Report, name: str, to: str, actor: Actor, note: str) -> None:
    now = clock.now()
    db.add(
        ReportEvent(
            la_code=report.la_code,
            id=new_id(),
            report_id=report.id,
            move=name,
            from_state=report.state,
            to_state=to,
            note=note.strip(),
            by=actor.user_id,
            at=now,
        )
    )
    report.state, report.updated_at = to, now
    db.flush()
    log(db, report, actor, f"reports.{name}", to)


def _of_report(db: Session, model: Any, report: Report, *order: Any) -> list[Any]:
    """The rows of ``model`` that belong to ``report``, in ``order``."""
    query = select(model).where(model.la_code == report.la_code, model.report_id == report.id)
    return list(db.scalars(query.order_by(*order)))


def events(db: Session, report: Report) -> list[ReportEvent]:
    """The report's moves through clearing, oldest first."""
    return _of_report(db, ReportEvent, report, ReportEvent.at, ReportEvent.id)


# --- factual accuracy (para 215) ------------------------------------------------------------


def comments(db: Session, report: Report) -> list[ReportComment]:
    """The LA's factual accuracy comments, in the order made."""
    return _of_report(db, ReportComment, report, ReportComment.made_at, ReportComment.id)


def add_comment(
    db: Session,
    inspection: Inspection,
    report: Report,
    section_id: str,
    paragraph: int,
    comment: str,
    actor: Actor,
    names: name_guard.NameIndex,
) -> ReportComment:
    """Record the LA's comment on one paragraph of the draft (para 215). Only during the
    factual accuracy check, only by the LA (not the inspecting team), only on a paragraph
    the draft has; checked for names (para 191)."""
    if report.state != "factual_accuracy":
        raise Locked("comments are taken during the factual accuracy check only (para 215)")
    if team_role_of(db, inspection, actor.user_id) in (
        "lead_inspector",
        "team_inspector",
        "shadowing_inspector",
        "qa_manager",
    ):
        raise NotAllowed("factual accuracy comments are the local authority's (para 215)")
    quoted = _paragraph(db, report, section_id, paragraph)
    if not comment.strip():
        raise Invalid({"comment": "write the comment on the paragraph's factual accuracy"})
    name_guard.ensure_clean({"comment": comment}, names)
    row = ReportComment(
        la_code=report.la_code,
        id=new_id(),
        report_id=report.id,
        section_id=section_id,
        paragraph=paragraph,
        quoted=quoted,
        comment=comment.strip(),
        made_by=actor.user_id,
        made_at=clock.now(),
    )
    db.add(row)
    db.flush()
    log(db, report, actor, "reports.comment", f"{section_id} paragraph {paragraph}")
    return row


def _paragraph(db: Session, report: Report, section_id: str, number: int) -> str:
    current = texts(db, report)
    if section_id not in current:
        raise Invalid({"section": f"the draft has no section {section_id!r}"})
    paras = paragraphs(current[section_id].text)
    if not 1 <= number <= len(paras):
        raise Invalid(
            {"paragraph": f"paragraph {number}: the section has paragraphs 1 to {len(paras)}"}
        )
    return paras[number - 1]


def decide(
    db: Session,
    inspection: Inspection,
    report: Report,
    comment_id: str,
    decision: str,
    reason: str,
    actor: Actor,
) -> ReportComment:
    """The lead inspector accepts or declines a comment, with a reason either way; a decision
    once made stands (the record of the check is kept)."""
    require_lead(db, inspection, actor, "deciding factual accuracy comments")
    editable(report)
    row = db.get(ReportComment, {"la_code": report.la_code, "id": comment_id})
    if row is None or row.report_id != report.id:
        raise NotFound(f"no comment {comment_id!r} on this report")
    errors = {}
    if decision not in ("accepted", "declined"):
        errors["decision"] = f"{decision!r}: expected accepted or declined"
    if not reason.strip():
        errors["reason"] = "give the reason for the decision"
    if row.decision is not None:
        errors["decision"] = f"this comment was already {row.decision}"
    if errors:
        raise Invalid(errors)
    row.decision, row.reason = decision, reason.strip()
    row.decided_by, row.decided_at = actor.user_id, clock.now()
    db.flush()
    log(db, report, actor, "reports.decide", f"{comment_id} {decision}")
    return row


def _comments_decided(db: Session, report: Report) -> None:
    open_ = [c for c in comments(db, report) if c.decision is None]
    if open_:
        raise Refused(
            [
                f"{len(open_)} factual accuracy comment(s) not yet accepted or declined "
                "(ILACS framework (Ofsted 170040) para 215)"
            ]
        )


# --- publishing (para 216) ------------------------------------------------------------------


def _publish(
    db: Session, inspection: Inspection, report: Report, outcomes_engine: Engine | None
) -> None:
    report.published_at = clock.now()
    for name, rendered in render_all(db, inspection, report).items():
        if rendered.pdf is None:
            raise Refused(
                [
                    f"the PDF of the {name} could not be typeset, so the published "
                    f"document would be incomplete: {rendered.pdf_error}"
                ]
            )
        _store(db, report, f"{name}.docx", rendered.docx)
        _store(db, report, f"{name}.pdf", rendered.pdf)
    db.flush()
    if outcomes_engine is not None:
        _record_outcome(db, inspection, outcomes_engine, report.published_at.date())


def _store(db: Session, report: Report, name: str, content: bytes) -> None:
    db.add(
        ReportFile(
            la_code=report.la_code,
            report_id=report.id,
            name=name,
            media_type=MEDIA[name.rsplit(".", 1)[1]],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            stored_at=clock.now(),
        )
    )


def _record_outcome(
    db: Session, inspection: Inspection, engine: Engine, published: dt.date
) -> None:
    from grip.evidence.judgements import confirmed_judgements
    from grip.outcomes import OutcomeError
    from grip.reports.service import fieldwork

    grades = {j.judgement_id: j.grade for j in confirmed_judgements(db, inspection)}
    days = fieldwork(inspection)
    if inspection.kind != "real" or not grades or days is None:
        return
    try:
        _record(engine, inspection, days, published, grades)
    except OutcomeError as exc:
        raise Refused(
            [
                f"the outcome could not go into the outcomes register, so the report "
                f"is not published: {exc}"
            ]
        ) from exc


def _record(engine: Engine, inspection: Inspection, days: tuple[dt.date, dt.date],
            published: dt.date, grades: dict[str, str]) -> None:  # fmt: skip
    from grip.outcomes import record_outcome

    record_outcome(
        engine,
        la_code=inspection.la_code,
        framework=inspection.framework_id,
        fieldwork_start=days[0],
        fieldwork_end=days[1],
        published=published,
        judgements=grades,
        inspection_type=inspection.type,
    )


def published_file(db: Session, report: Report, name: str) -> ReportFile:
    """A file as published; :class:`NotFound` before publication or for an unknown name."""
    row = db.get(ReportFile, {"la_code": report.la_code, "report_id": report.id, "name": name})
    if row is None:
        raise NotFound(f"no published file {name!r}")
    return row


def published_files(db: Session, report: Report) -> list[ReportFile]:
    """Every file stored at publication."""
    return _of_report(db, ReportFile, report, ReportFile.name)
