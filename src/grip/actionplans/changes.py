"""What changed: each area for improvement of the plan beside the measures and audit grades
that bear on it, at the date the report was received and now, so the DCS and the next
inspection can see whether anything moved.

What bears on an area is what its actions link to as evidence of impact. Measures are
computed by :func:`grip.measures.engine.compute` at both dates (no second calculation); audit
grades are the linked audits' own grades, as they stood at the report date (graded by then) and
now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from grip.actionplans import actions as acts
from grip.actionplans import plans
from grip.actionplans.models import ActionPlan, PlanAction
from grip.audits.actions import ACTION_STATUSES
from grip.audits.lifecycle import Actor, get_audit
from grip.audits.lifecycle import NotFound as AuditNotFound
from grip.audits.reports import GRADED_STATES
from grip.documents.content import Document, Paragraph, Section, Table
from grip.measures.definitions import load_definitions
from grip.measures.engine import MeasuresError, compute
from grip.measures.standards import VisitDefaults
from grip.store.db import la_engine

MOVES = {1: "better", -1: "worse", 0: "no change"}


@dataclass(frozen=True)
class MeasureChange:
    """A linked measure at the report date and now, and which way it moved."""

    measure_id: str
    name: str
    unit: str
    then: float | None
    now: float | None
    moved: str


@dataclass(frozen=True)
class AuditChange:
    """A linked audit's grade at the report date (if graded by then) and now."""

    audit_id: str
    theme: str
    month: str
    then: str | None
    now: str | None


@dataclass
class AreaChange:
    """One area for improvement with its actions and what bears on it."""

    area: acts.Area
    actions: list[PlanAction] = field(default_factory=list)
    measures: list[MeasureChange] = field(default_factory=list)
    audits: list[AuditChange] = field(default_factory=list)


@dataclass
class WhatChanged:
    """The comparison for one plan: the two dates, the areas, and any measure that could not be
    computed at a date (said, not hidden)."""

    plan: ActionPlan
    then: dt.date
    now: dt.date
    areas: list[AreaChange]
    problems: list[str] = field(default_factory=list)
    #: Each owner's role in the LA (documents give job titles, not names: para 190).
    owner_roles: dict[int, str] = field(default_factory=dict)
    record: list[plans.RecordEntry] = field(default_factory=list)


def _values(
    engine: Engine, la_code: str, on: dt.date, ids: list[str], settings: VisitDefaults | None
) -> tuple[dict[str, float | None], str | None]:
    """Each measure's whole-LA value at ``on``, from the measures engine."""
    if not ids:
        return {}, None
    try:
        run = compute(
            la_engine(engine, la_code), la_code, on, 1, settings=settings, measure_ids=ids
        )
    except MeasuresError as exc:
        return {}, f"measures at {on:%-d %B %Y}: {exc}"
    try:
        return {m: run.at(m).value for m in ids}, None
    finally:
        run.con.close()


def _moved(then: float | None, now: float | None, polarity: str) -> str:
    if then is None or now is None:
        return "no figure"
    sign = (now > then) - (now < then)
    if polarity == "lower_is_better":
        sign = -sign
    elif polarity == "neither":
        return "up" if now > then else "down" if now < then else "no change"
    return MOVES[sign]


def _audit(db: Session, la_code: str, audit_id: str, then: dt.date) -> AuditChange | None:
    try:
        a = get_audit(db, la_code, audit_id)
    except AuditNotFound:
        return None  # deleted, or restricted from this reader: nothing to show
    graded = a.state in GRADED_STATES and a.final_grade
    by_then = graded and a.submitted_at is not None and a.submitted_at.date() <= then
    return AuditChange(
        a.id, a.theme, a.month, a.final_grade if by_then else None, a.final_grade or None
    )


def what_changed(
    db: Session,
    plan: ActionPlan,
    today: dt.date,
    settings: VisitDefaults | None = None,
    viewer: Actor | None = None,
) -> WhatChanged:
    """Each area for improvement beside its linked measures and audits, at the report date
    and ``today``."""
    then = plan.report_received_on
    by_finding: dict[str, list[PlanAction]] = {}
    for a in acts.actions_of(db, plan):
        by_finding.setdefault(a.finding_id, []).append(a)
    links = acts.impact_of(db, plan.la_code, [a.id for xs in by_finding.values() for a in xs])
    defs = load_definitions().by_id()
    wanted = sorted({i.ref for xs in links.values() for i in xs if i.kind == "measure"})
    engine = cast(Engine, db.get_bind())
    before, p1 = _values(engine, plan.la_code, then, wanted, settings)
    after, p2 = _values(engine, plan.la_code, today, wanted, settings)
    out = []
    for area in acts.areas(db, plan, viewer):
        row = AreaChange(area, by_finding.get(area.finding.id, []))
        mine = [i for a in row.actions for i in links.get(a.id, [])]
        for ref in sorted({i.ref for i in mine if i.kind == "measure"}):
            m = defs[ref]
            b, n = before.get(ref), after.get(ref)
            row.measures.append(MeasureChange(ref, m.name, m.unit, b, n, _moved(b, n, m.polarity)))
        for ref in sorted({i.ref for i in mine if i.kind == "audit"}):
            found = _audit(db, plan.la_code, ref, then)
            if found:
                row.audits.append(found)
        out.append(row)
    owners = {a.owner_user_id for xs in by_finding.values() for a in xs if a.owner_user_id}
    return WhatChanged(
        plan,
        then,
        today,
        out,
        [p for p in (p1, p2) if p],
        acts.owner_roles(db, plan.la_code, owners),
    )


def _figure(v: float | None, unit: str) -> str:
    if v is None:
        return "no figure"
    return f"{v:.1f}%" if unit == "percent" else f"{v:g}"


def to_section(wc: WhatChanged) -> Section:
    """The comparison as a document section: per area, a table of measures and one of audit
    grades, at the report date and now."""
    sec = Section("What changed since the report")
    sec.add(
        Paragraph(
            f"Each area for improvement beside the measures and audit grades its actions link to, "
            f"at the date the report was received ({wc.then:%-d %B %Y}) and now "
            f"({wc.now:%-d %B %Y})."
        ),
        *[Paragraph(p) for p in wc.problems],
    )
    for i, row in enumerate(wc.areas, start=1):
        sub = sec.subsection(f"{i}. {row.area.finding.text}")
        if not row.measures and not row.audits:
            sub.add(Paragraph("No measure or audit is linked to this area's actions yet."))
        if row.measures:
            sub.add(
                Table(
                    ("Measure", f"{wc.then:%-d %B %Y}", f"{wc.now:%-d %B %Y}", "Moved"),
                    [
                        (m.name, _figure(m.then, m.unit), _figure(m.now, m.unit), m.moved)
                        for m in row.measures
                    ],
                    caption="Measures",
                )
            )
        if row.audits:
            sub.add(
                Table(
                    ("Audit", "Month", "Grade at the report", "Grade now"),
                    [
                        (a.theme, a.month, a.then or "not graded then", a.now or "not graded")
                        for a in row.audits
                    ],
                    caption="Audit grades",
                )
            )
    return sec


def to_document(wc: WhatChanged, la_name: str, title: str) -> Document:
    """The action plan's DOCX/PDF: the deadlines, the actions and what changed."""
    doc = Document(title=f"Action plan: {title}", subtitle=la_name, footer="Official")
    dates = doc.section("Deadlines")
    dates.add(
        Table(
            ("What", "Date", "Why", "Paragraph"),
            [(d.what, f"{d.on:%-d %B %Y}", d.why, d.paragraph) for d in plans.deadlines(wc.plan)],
            caption="ILACS framework (Ofsted 170040)",
        )
    )
    listed = doc.section("Actions")
    listed.add(
        Table(
            ("Area for improvement", "Action", "Owner", "Due", "Status"),
            [
                (
                    row.area.finding.text,
                    a.description,
                    wc.owner_roles.get(a.owner_user_id or 0, "no owner"),
                    f"{a.due_date:%-d %B %Y}",
                    ACTION_STATUSES.get(a.status, a.status),
                )
                for row in wc.areas
                for a in row.actions
            ],
            caption="Each action answers one area for improvement of the report (para 219)",
        )
    )
    progress = doc.section("Progress record: later visits")
    for e in wc.record:
        v = e.visit
        when = f", {v.fieldwork_start:%-d %B %Y}" if v.fieldwork_start else ""
        sub = progress.subsection(f"{v.title or v.type} ({v.type.replace('-', ' ')}{when})")
        sub.add(*[Paragraph(f"{f.kind_label}: {f.text}") for f in e.findings])
    if not wc.record:
        progress.add(Paragraph("No later visit recorded."))
    doc.sections.append(to_section(wc))
    return doc
