"""The record a document is drafted from, and the document's files through the one pipeline
(:mod:`grip.documents.render`): an editable DOCX always, the typeset PDF unless Typst fails."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.documents.render import Rendered, render
from grip.evidence.findings import findings
from grip.evidence.judgements import confirmed_judgements
from grip.inspections.models import Inspection
from grip.inspections.timeline import TimelineError, compute
from grip.reports import document
from grip.reports.drafting import text_of
from grip.reports.models import Report
from grip.store.base import LocalAuthority


def fieldwork(inspection: Inspection) -> tuple[dt.date, dt.date] | None:
    """The first and last day of fieldwork, when the dates are set."""
    if inspection.fieldwork_start is None:
        return None
    try:
        t = compute(inspection.type, inspection.fieldwork_start, inspection.framework_id)
    except TimelineError:
        return None
    return t.fieldwork_start, t.last_day


def record_of(db: Session, inspection: Inspection, report: Report) -> document.Record:
    """Everything the document is drafted from, as it now stands."""
    name = db.scalar(select(LocalAuthority.name).where(LocalAuthority.code == inspection.la_code))
    return document.Record(
        la_name=name or inspection.la_code,
        inspection_type=inspection.type,
        framework_id=inspection.framework_id,
        kind=report.kind,
        fieldwork=fieldwork(inspection),
        topic=inspection.topic,
        judgements=confirmed_judgements(db, inspection),
        findings=findings(db, inspection),
        text=text_of(db, report),
        published=report.state == "published",
    )


def render_all(db: Session, inspection: Inspection, report: Report) -> dict[str, Rendered]:
    """Each file of the document (``report`` and ``children-summary``, or ``letter``) as DOCX
    and PDF from the same content."""
    rec = record_of(db, inspection, report)
    return {name: render(doc) for name, doc in document.documents(rec).items()}


def render_one(db: Session, inspection: Inspection, report: Report, name: str) -> Rendered | None:
    """One file of the document (``report``, ``children-summary`` or ``letter``) as DOCX and
    PDF; ``None`` when the document has no such file."""
    docs = document.documents(record_of(db, inspection, report))
    return render(docs[name]) if name in docs else None
