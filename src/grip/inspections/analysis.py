"""The pre-inspection analysis for a mock or peer inspection (ILACS framework (Ofsted 170040)
paras 65-69): what the lead inspector reads before fieldwork, on one page and in one DOCX.

It pulls together, as at the inspection's notification date: the Annex A list counts
(``grip.annex_a``), the headline measures with their 12-month trends (``grip.measures``), the
grades of the audits completed in the six months before and moderation agreement
(``grip.audits``), the latest self-evaluation when Grip holds one, and the lead inspector's
initial lines of enquiry — "few in number and themed around priority areas" (para 69).
Counts and measures only: no child is named or listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.audits.lifecycle import Actor
from grip.audits.moderation import agreement
from grip.audits.reports import PerformanceRow, inspection_list
from grip.documents.safe import Cell, docx_bytes
from grip.inspections.models import Inspection, InspectionEnquiryLine
from grip.inspections.records import InspectionError, log_event, team_role_of
from grip.inspections.timeline import compute
from grip.selfeval import service as selfeval_service
from grip.store.db import la_engine

#: Most initial lines of enquiry: para 69 wants them "few in number".
MAX_LINES = 8
TREND_MONTHS = 12


@dataclass(frozen=True)
class Trend:
    """A headline measure now, a year ago, and its 12 monthly values (oldest first)."""

    row: PerformanceRow
    values: list[float | None]

    @property
    def year_ago(self) -> float | None:
        """The value 11 months before the analysis date (the first of the 12 points)."""
        return self.values[0] if self.values else None


@dataclass
class Analysis:
    """Everything on the pre-inspection analysis page and in its DOCX."""

    la_code: str
    inspection: Inspection
    as_of: dt.date
    annex_a_counts: dict[str, int] = field(default_factory=dict)
    measures: list[Trend] = field(default_factory=list)
    audit_grades: dict[str, int] = field(default_factory=dict)
    audits_completed: int = 0
    agreement_percent: float | None = None
    agreement_kappa: float | None = None
    agreement_n: int = 0
    self_evaluation: str | None = None
    lines: list[InspectionEnquiryLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def analysis_date(inspection: Inspection) -> dt.date:
    """The notification date (when Annex A is asked for), or today while undated."""
    if inspection.fieldwork_start is None:
        return clock.now().date()
    return compute(
        inspection.type, inspection.fieldwork_start, inspection.framework_id
    ).notification


def build_analysis(db: Session, inspection: Inspection) -> Analysis:
    """Gather the analysis; a part that cannot be computed says why instead of failing."""
    la = inspection.la_code
    on = analysis_date(inspection)
    out = Analysis(la, inspection, on, lines=enquiry_lines(db, inspection))
    engine = la_engine(cast(Engine, db.get_bind()), la)
    try:
        from grip.annex_a.builder import build

        out.annex_a_counts = build(engine, la, on).counts()
    except Exception as exc:  # the builder's errors name the cause; show it, keep the rest
        out.problems.append(f"Annex A counts: {exc}")
    try:
        out.measures = _trends(engine, la, on)
    except Exception as exc:
        out.problems.append(f"Headline measures: {exc}")
    done = inspection_list(db, la, on)
    out.audits_completed = len(done)
    out.audit_grades = dict(Counter((r.final_grade or "not graded") for r in done))
    report = agreement(db, la, None, on)
    out.agreement_n = report.overall.n
    out.agreement_percent, out.agreement_kappa = report.overall.percent, report.overall.kappa
    out.self_evaluation = _latest_self_evaluation(db, la)
    return out


def _trends(engine: Engine, la_code: str, on: dt.date) -> list[Trend]:
    from grip.measures.definitions import load_definitions
    from grip.measures.engine import compute as compute_measures

    defs = load_definitions()
    headline = [m for m in defs.measures if m.headline]
    run = compute_measures(
        engine, la_code, on, TREND_MONTHS, definitions=defs, measure_ids=[m.id for m in headline]
    )
    try:
        trends = []
        for m in headline:
            now = run.at(m.id, on)
            row = PerformanceRow(
                m.id, defs.areas.get(m.area, m.area), m.name, m.unit, m.polarity,
                now.numerator, now.denominator, now.value,
            )  # fmt: skip
            trends.append(Trend(row, [v.value for v in run.whole(m.id)]))
        return trends
    finally:
        run.con.close()


def _latest_self_evaluation(db: Session, la_code: str) -> str | None:
    """The latest self-evaluation's year, evidence date and version (ILACS para 65), if any."""
    se = selfeval_service.latest(db, la_code)
    if se is None:
        return None
    return (
        f"Self-evaluation {se.year}: evidence at {se.evidence_on:%-d %B %Y}, version {se.version}"
    )


def enquiry_lines(db: Session, inspection: Inspection) -> list[InspectionEnquiryLine]:
    """The lead inspector's initial lines of enquiry, in order."""
    return list(
        db.scalars(
            select(InspectionEnquiryLine)
            .where(
                InspectionEnquiryLine.la_code == inspection.la_code,
                InspectionEnquiryLine.inspection_id == inspection.id,
            )
            .order_by(InspectionEnquiryLine.number)
        )
    )


def add_line(db: Session, inspection: Inspection, text: str, actor: Actor) -> InspectionEnquiryLine:
    """Add an initial line of enquiry: the lead inspector's (or QA manager's) to write, few in
    number (para 69), and never naming a child, family member or member of staff (para 191)."""
    if team_role_of(db, inspection, actor.user_id) not in ("lead_inspector", "qa_manager"):
        raise InspectionError(
            "only the lead inspector writes the initial lines of enquiry (para 68)"
        )
    if not text.strip():
        raise InspectionError("line of enquiry: write the line")
    have = enquiry_lines(db, inspection)
    if len(have) >= MAX_LINES:
        raise InspectionError(
            f"line of enquiry: already {len(have)}; initial lines are few in number (para 69)"
        )
    from grip.evidence.name_guard import NameIndex, NamesFound, ensure_clean

    try:
        ensure_clean({"line of enquiry": text}, NameIndex.from_store(db, inspection.la_code))
    except NamesFound as exc:
        raise InspectionError(str(exc)) from None
    number = db.scalar(
        select(func.coalesce(func.max(InspectionEnquiryLine.number), 0)).where(
            InspectionEnquiryLine.la_code == inspection.la_code,
            InspectionEnquiryLine.inspection_id == inspection.id,
        )
    )
    row = InspectionEnquiryLine(
        la_code=inspection.la_code, inspection_id=inspection.id, number=int(number or 0) + 1,
        text=text.strip(), added_at=clock.now(), added_by=actor.user_id,
    )  # fmt: skip
    db.add(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.line_add", f"line {row.number}")
    return row


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}%" if unit == "percent" else f"{value:.1f}"


def _measure_row(t: Trend) -> list[Cell]:
    return [t.row.name, t.row.area, t.row.shown, _shown(t.year_ago, t.row.unit), t.row.direction]


def to_docx(a: Analysis) -> bytes:
    """The analysis as an editable Word document for the inspection team."""
    i = a.inspection
    paragraphs = [
        f"{a.la_code}: {i.title} ({i.kind}), under {i.framework_id}; the position at "
        f"{a.as_of:%d %B %Y}, the notification date.",
        "What inspectors read first (ILACS framework (Ofsted 170040) paras 65-69): Annex A, the "
        "headline measures and their trends, the local authority's audits and their moderation, "
        "and its latest self-evaluation.",
        f"Audits completed in the six months before: {a.audits_completed}. Moderation agreement: "
        + (
            f"{a.agreement_percent:.0f}% over {a.agreement_n} moderations"
            + (f", Cohen's kappa {a.agreement_kappa:.2f}" if a.agreement_kappa is not None else "")
            if a.agreement_percent is not None
            else "no moderations completed"
        )
        + ".",
        "Latest self-evaluation: " + (a.self_evaluation or "none recorded in Grip") + ".",
        *[f"Not available: {p}" for p in a.problems],
        "Initial lines of enquiry (para 69):",
        *([f"{line.number}. {line.text}" for line in a.lines] or ["None written yet."]),
    ]
    measures: list[list[Cell]] = [_measure_row(t) for t in a.measures]
    annex: list[list[Cell]] = [[k, v] for k, v in a.annex_a_counts.items()]
    grades: list[list[Cell]] = [[k, v] for k, v in sorted(a.audit_grades.items())]
    tables: list[tuple[list[str], list[list[Cell]]]] = [
        (["Annex A list", "Children"], annex),
        (["Measure", "Area", "Now", "A year ago", "Direction"], measures),
        (["Audit grade", "Audits"], grades),
    ]
    return docx_bytes(f"Pre-inspection analysis: {i.title}", paragraphs, tables)
