"""A report or letter as a :class:`grip.documents.content.Document`, from the record and the
lead inspector's text, in the house order of Ofsted's published reports: the judgements table
and the summary answering the four questions of para 205 on the first page, then what needs
to improve (paras 206, 209), then a section per judgement with care leavers always reported
(para 211). Letters (paras 207-208) carry no table of grades. Paragraph numbers are the ILACS
framework's (Ofsted 170040). Nothing here carries a child's name: the text has passed the
name guard and the findings are the evidence record's (para 191)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grip import frameworks
from grip.documents.content import Document, Paragraph, Section, Table
from grip.evidence.findings import FindingView
from grip.evidence.judgements import ConfirmedJudgement
from grip.formats import long_date
from grip.reports import structure

DRAFT_FOOTER = "DRAFT: not for publication"


@dataclass(frozen=True)
class Record:
    """What a document is drafted from: the LA, the inspection, its confirmed judgements and
    findings, the lead inspector's text (section id -> text) and whether it is published."""

    la_name: str
    inspection_type: str
    framework_id: str
    kind: str
    fieldwork: tuple[dt.date, dt.date] | None
    topic: str | None
    judgements: list[ConfirmedJudgement]
    findings: list[FindingView]
    text: dict[str, str]
    published: bool


def paragraphs(text: str) -> list[str]:
    """``text`` split into paragraphs at blank lines (the unit factual accuracy comments
    point at)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _add_text(sec: Section, text: str) -> None:
    for para in paragraphs(text):
        sec.add(Paragraph(para))


def _dates(rec: Record, what: str) -> str:
    if rec.fieldwork is None:
        return f"{what} dates: not set"
    start, end = rec.fieldwork
    return f"{what} dates: {long_date(start)} to {long_date(end)}"


def _document(rec: Record, title: str, what: str) -> Document:
    return Document(
        title=f"{rec.la_name}: {title}",
        subtitle=_dates(rec, what),
        author="Lead inspector",
        footer="" if rec.published else DRAFT_FOOTER,
    )


def report_document(rec: Record) -> Document:
    """The inspection report (paras 205-213)."""
    spec = structure.kind_spec("inspection-report")
    lay = structure.layout(rec.framework_id)
    fw = frameworks.load(rec.framework_id)
    doc = _document(rec, spec["title"], "Inspection")
    grades = {j.judgement_id: j for j in rec.judgements}
    rows = [(fw.judgement(jid).title, grades[jid].grade_label) for jid in lay["table"]]
    first = doc.section("Judgements and summary")
    first.add(Table(header=("Judgement", "Grade"), rows=rows, caption="Judgements"))
    for q in spec["questions"]:
        _add_text(first, rec.text.get(q["id"], ""))
    improve = doc.section("What needs to improve")
    for area in _areas(rec):
        improve.add(Paragraph(area))
    for jid in lay["sections"]:
        sec = doc.section(f"{fw.judgement(jid).title}: {grades[jid].grade_label}")
        _add_text(sec, rec.text.get(jid, ""))
        if lay["care_leavers"].get("within") == jid:
            _add_text(sec.subsection("Care leavers"), rec.text.get(structure.CARE_LEAVERS, ""))
    return doc


def _areas(rec: Record, kinds: list[str] | None = None) -> list[str]:
    wanted = kinds or structure.data()["improvement_kinds"]
    return [f.text for f in rec.findings if f.kind in wanted]


def children_summary(rec: Record) -> Document:
    """The stand-alone summary for children and young people (para 202)."""
    cs = structure.kind_spec("inspection-report")["children_summary"]
    doc = _document(rec, cs["title"], "Inspection")
    _add_text(doc.section("What inspectors found"), rec.text.get(cs["id"], ""))
    return doc


def letter_document(rec: Record) -> Document:
    """A focused-visit, monitoring-visit or action-planning-visit letter (paras 117, 123,
    207-208): the lead inspector's sections and the findings, and no grades (para 108)."""
    spec = structure.kind_spec(rec.kind)
    title = spec["title"] + (f": {rec.topic}" if rec.topic else "")
    doc = _document(rec, title, "Visit")
    for s in spec["sections"]:
        if "id" in s:
            _add_text(doc.section(s["heading"]), rec.text.get(s["id"], ""))
            continue
        found = [f for f in rec.findings if f.kind in s["findings"]]
        if not found and s.get("only_if_any"):
            continue
        sec = doc.section(s["heading"])
        for f in found:
            sec.add(Paragraph(f"{f.against}: {f.text}" if f.against else f.text))
        if not found:
            sec.add(Paragraph("None identified."))
    return doc


def documents(rec: Record) -> dict[str, Document]:
    """The files of a document by name: the report and the children's summary, or the letter."""
    if rec.kind == "inspection-report":
        return {"report": report_document(rec), "children-summary": children_summary(rec)}
    return {"letter": letter_document(rec)}
