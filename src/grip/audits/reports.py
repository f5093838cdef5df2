"""Audit reporting: per service and practice group, per month and quarter —
grade distributions and trends, recurring strengths and weaknesses by section, improvement
action completion, overdue audits, safety concerns — and the quarterly performance and quality
meeting pack (Southwark QA framework 2015, §1 "Quarterly Performance and Quality Meetings"; App. 1
§2a, §2k) that combines audits, the key performance measures and family feedback. Exports go through
the safe-export module ``grip.documents.safe`` (no formulas, XML-safe text).

Performance: the measures flagged ``headline`` in ``grip/measures/definitions.yaml``, computed by
the measures engine (:func:`grip.measures.engine.compute`, the same figures as ``grip measures``)
for the whole LA at the quarter's last day, or at ``as_of`` while the quarter is still running.
Southwark QA framework 2015, §1 has the quarterly meeting consider "performance data alongside audit
findings", so the pack shows the engine's numerator and denominator, never a figure of its own.

Which grade counts: the final grade (the moderated grade when moderated), for
audits submitted or later. An audit belongs to the month of its programme (``Audit.month``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from grip import calendar
from grip.audits import actions as ac
from grip.audits import lifecycle as lc
from grip.audits.models import (
    Audit,
    AuditAction,
    AuditAnswer,
    AuditGrade,
    Moderation,
    SafetyConcern,
)
from grip.audits.moderation import agreement, quarter_of
from grip.audits.rules import lifecycle
from grip.audits.templates import AGREEMENT, GRADES, load_template
from grip.casedata.models import CASE_TABLES
from grip.casedata.summary import headline_counts
from grip.documents.safe import Sheet, docx_bytes, xlsx_bytes
from grip.measures.standards import VisitDefaults
from grip.store.db import la_engine

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
GRADED_STATES = ("submitted", "moderated", "closed")

__all__ = [
    "DOCX",
    "XLSX",
    "PerformanceRow",
    "QuarterReport",
    "build",
    "performance",
    "quarter_end",
    "quarter_of",
    "to_docx",
    "to_xlsx",
]


def quarter_months(quarter: str) -> list[str]:
    """The three months ``YYYY-MM`` of ``YYYY-Qn``."""
    m = QUARTER_RE.match(quarter or "")
    if not m:
        raise lc.InvalidInput(f"quarter {quarter!r}: expected YYYY-Qn, e.g. 2026-Q3")
    year, q = int(m.group(1)), int(m.group(2))
    if not calendar.EARLIEST_INPUT.year <= year <= calendar.LATEST_INPUT.year:
        # 9999-Q4 used to reach date arithmetic beyond the calendar (a server error).
        raise lc.InvalidInput(
            f"quarter {quarter!r}: expected a year from {calendar.EARLIEST_INPUT.year} "
            f"to {calendar.LATEST_INPUT.year}"
        )
    return [f"{year}-{3 * (q - 1) + i:02d}" for i in (1, 2, 3)]


def quarter_words(quarter: str) -> str:
    """``2026-Q3`` in words: "July to September 2026"."""
    first, _, last = (dt.date.fromisoformat(m + "-01") for m in quarter_months(quarter))
    return f"{first:%B} to {last:%B} {last.year}"


def previous_quarters(quarter: str, n: int) -> list[str]:
    """``quarter`` and the ``n - 1`` before it, oldest first."""
    m = QUARTER_RE.match(quarter)
    assert m
    year, q = int(m.group(1)), int(m.group(2))
    out = []
    for _ in range(n):
        out.append(f"{year}-Q{q}")
        q -= 1
        if q == 0:
            year, q = year - 1, 4
    return out[::-1]


def quarter_end(quarter: str) -> dt.date:
    """The last day of ``YYYY-Qn``."""
    first = dt.date.fromisoformat(quarter_months(quarter)[0] + "-01")
    return calendar.add_months(first, 3) - dt.timedelta(days=1)


@dataclass(frozen=True)
class PerformanceRow:
    """One headline measure for the whole LA at the pack's performance date, as the measures
    engine computed it (numerator, denominator and value unchanged)."""

    measure_id: str
    area: str
    name: str
    unit: str  # count | percent | per_10k | average_days | average
    polarity: str  # higher_is_better | lower_is_better | neither
    numerator: float
    denominator: float | None
    value: float | None

    @property
    def shown(self) -> str:
        """The value as a reader would say it: "72.5%", "41.3 per 10,000", "120.0 days"."""
        if self.value is None:
            return "-"
        if self.unit == "percent":
            return f"{self.value:.1f}%"
        if self.unit == "per_10k":
            return f"{self.value:.1f} per 10,000"
        if self.unit == "average_days":
            return f"{self.value:.1f} days"
        if self.unit == "count":
            return _num(self.value)
        return f"{self.value:.1f}"

    @property
    def direction(self) -> str:
        """The polarity in words."""
        return POLARITY[self.polarity]


POLARITY = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "neither": "Context (no good direction)",
}


def _num(v: float | None) -> str:
    """A count as a whole number when it is one."""
    if v is None:
        return "-"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def performance(
    db: Session, la_code: str, on: dt.date, settings: VisitDefaults | None = None
) -> list[PerformanceRow]:
    """The headline measures for the whole LA at ``on``, in definitions order.

    Raises :class:`grip.audits.lifecycle.InvalidInput` when the engine refuses (unknown LA).
    """
    from grip.measures.definitions import load_definitions
    from grip.measures.engine import MeasuresError, compute

    defs = load_definitions()
    headline = [m for m in defs.measures if m.headline]
    try:
        # One point only: the pack shows the quarter's position, the dashboard has the trend.
        # la_engine: compute opens its own connections, so each must set the LA that
        # PostgreSQL's row-level security checks (docs/access.md), as the measures pages do.
        run = compute(
            la_engine(cast(Engine, db.get_bind()), la_code),
            la_code,
            on,
            1,
            settings=settings,
            definitions=defs,
            measure_ids=[m.id for m in headline],
        )
        try:
            values = {m.id: run.at(m.id, on) for m in headline}
        finally:
            run.con.close()
    except MeasuresError as exc:
        raise lc.InvalidInput(f"performance measures for {la_code} at {on}: {exc}") from exc
    return [
        PerformanceRow(
            measure_id=m.id,
            area=defs.areas.get(m.area, m.area),
            name=m.name,
            unit=m.unit,
            polarity=m.polarity,
            numerator=values[m.id].numerator,
            denominator=values[m.id].denominator,
            value=values[m.id].value,
        )
        for m in headline
    ]


@dataclass
class GradeRow:
    """Grade counts for one group and period."""

    level: str  # service | team | all
    group: str
    period: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Audits graded."""
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> int:
        """Outstanding plus good."""
        return self.counts["outstanding"] + self.counts["good"]


@dataclass
class SectionRow:
    """How one section was graded across the quarter's audits: strength or weakness."""

    template_id: str
    section_id: str
    title: str
    counts: dict[str, int]
    weak_questions: list[tuple[str, int]]

    @property
    def strength(self) -> int:
        """Graded outstanding or good."""
        return self.counts["outstanding"] + self.counts["good"]

    @property
    def weakness(self) -> int:
        """Graded requires improvement or inadequate."""
        return self.counts["requires_improvement"] + self.counts["inadequate"]


@dataclass
class QuarterReport:
    """Everything the quarterly pack shows."""

    la_code: str
    quarter: str
    months: list[str]
    as_of: dt.date
    audits: int
    by_state: dict[str, int]
    grades: list[GradeRow]
    trend: list[GradeRow]
    sections: list[SectionRow]
    actions_total: int
    actions_done: int
    actions_overdue: int
    overdue_audits: list[tuple[str, str, str, dt.date | None]]
    concerns_raised: int
    concerns_open: int
    concerns_closed: int
    moderation_n: int
    moderation_percent: float | None
    moderation_kappa: float | None
    iro_copies: int
    hos_discussed_in_time: int
    submitted: int
    family: dict[str, dict[str, int]]
    family_not_obtained: int
    caseload: dict[str, int] = field(default_factory=dict)
    #: The date the performance measures are at: the quarter's last day, or ``as_of`` if earlier.
    performance_on: dt.date | None = None
    performance: list[PerformanceRow] = field(default_factory=list)

    @property
    def action_completion(self) -> float | None:
        """Share of the quarter's actions done, as a percentage."""
        return 100.0 * self.actions_done / self.actions_total if self.actions_total else None


def _names(db: Session, la_code: str) -> tuple[dict[str, str], dict[str, str]]:
    dept = CASE_TABLES["ssd_department"]
    teams: dict[str, str] = {}
    services: dict[str, str] = {}
    for r in db.connection().execute(sa.select(dept).where(dept.c.la_code == la_code)):
        teams[r.dept_team_id] = r.dept_team_name
        if r.dept_team_parent_id:
            services[r.dept_team_parent_id] = r.dept_team_parent_name or r.dept_team_parent_id
    return teams, services


def _grade_rows(level: str, items: list[tuple[str, str, str]]) -> list[GradeRow]:
    """``items`` are (group, period, grade); one row per group and period."""
    acc: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for group, period, grade in items:
        acc[(group, period)][grade] += 1
    return [GradeRow(level, g, p, {k: acc[(g, p)][k] for k in GRADES}) for g, p in sorted(acc)]


def build(
    db: Session,
    la_code: str,
    quarter: str,
    as_of: dt.date,
    settings: VisitDefaults | None = None,
    hidden: Collection[str] = (),
) -> QuarterReport:
    """The quarter's report for ``la_code`` as it stands on ``as_of``.

    Audits in ``hidden`` are left out: those the reader is moderating blind
    (``lifecycle.blind_audit_ids``), whose grades they must not learn from the report.

    ``settings`` supplies the default visit standards to the measures (the LA's own measures
    settings win); without it they come from the environment, as for ``grip measures``.
    """
    months = quarter_months(quarter)
    names = _Names(*_names(db, la_code))
    trend_months = {m: q for q in previous_quarters(quarter, 4) for m in quarter_months(q)}
    all_rows = [
        a
        for a in db.scalars(
            sa.select(Audit).where(Audit.la_code == la_code, Audit.month.in_(list(trend_months)))
        )
        if a.id not in hidden
    ]
    rows = [a for a in all_rows if a.month in months]
    graded = [a for a in rows if _graded(a)]
    actions = _actions(db, la_code, [a.id for a in rows])
    start = dt.date.fromisoformat(months[0] + "-01")
    end = calendar.add_months(start, 3)
    concerns = [
        c
        for c in db.scalars(sa.select(SafetyConcern).where(SafetyConcern.la_code == la_code))
        if start <= c.raised_at.date() < end
    ]
    agree = agreement(db, la_code, start, end - dt.timedelta(days=1)).overall
    # A quarter still running is shown as it stands today: a snapshot dated in the future would
    # count plans and placements as open that may yet end.
    perf_on = min(as_of, quarter_end(quarter))
    return QuarterReport(
        la_code=la_code,
        quarter=quarter,
        months=months,
        as_of=as_of,
        audits=len(rows),
        by_state=dict(Counter(a.state for a in rows)),
        grades=_grades(graded, quarter, names),
        trend=_grade_rows(
            "all",
            [("All", trend_months[a.month], a.final_grade or "") for a in all_rows if _graded(a)],
        ),
        sections=_sections(db, la_code, graded),
        actions_total=len(actions),
        actions_done=sum(1 for x in actions if x.status == "done"),
        actions_overdue=sum(1 for x in actions if ac.is_action_overdue(x, as_of)),
        overdue_audits=[
            (a.id, a.person_id, names.team(a), lc.effective_due(a))
            for a in rows
            if lc.is_overdue(a, as_of)
        ],
        concerns_raised=len(concerns),
        concerns_open=sum(1 for c in concerns if c.closed_at is None),
        concerns_closed=sum(1 for c in concerns if c.closed_at is not None),
        moderation_n=agree.n,
        moderation_percent=agree.percent,
        moderation_kappa=agree.kappa,
        iro_copies=sum(1 for a in graded if a.iro_copy_sent_on is not None),
        hos_discussed_in_time=sum(1 for a in graded if lc.discussed_in_following_month(a)),
        submitted=len(graded),
        family=_family_feedback(db, la_code, graded),
        family_not_obtained=sum(1 for a in graded if a.family_not_obtained_reason),
        caseload=_caseload(db, la_code, min(as_of, end - dt.timedelta(days=1))),
        performance_on=perf_on,
        performance=performance(db, la_code, perf_on, settings),
    )


def _graded(a: Audit) -> bool:
    """The audit has a final grade that counts (submitted or later)."""
    return a.state in GRADED_STATES and bool(a.final_grade)


@dataclass(frozen=True)
class _Names:
    """Practice group (team) and service names by id."""

    teams: dict[str, str]
    services: dict[str, str]

    def team(self, a: Audit) -> str:
        return self.teams.get(a.team_id or "", a.team_id or "(no team)")

    def service(self, a: Audit) -> str:
        return self.services.get(a.service_id or "", a.service_id or "(no service)")


def _grades(graded: list[Audit], quarter: str, names: _Names) -> list[GradeRow]:
    """Grade counts for the LA, each service and each team, by quarter and by month."""
    q = quarter
    return (
        _grade_rows("all", [("All", q, a.final_grade or "") for a in graded])
        + _grade_rows("service", [(names.service(a), q, a.final_grade or "") for a in graded])
        + _grade_rows("service", [(names.service(a), a.month, a.final_grade or "") for a in graded])
        + _grade_rows("team", [(names.team(a), q, a.final_grade or "") for a in graded])
        + _grade_rows("team", [(names.team(a), a.month, a.final_grade or "") for a in graded])
    )


def _sections(db: Session, la_code: str, graded: list[Audit]) -> list[SectionRow]:
    """Section grades and the questions most often answered "no" or "partly"."""
    ids = [a.id for a in graded]
    if not ids:
        return []
    # Sections: the moderator's section grades where moderation is complete, else the auditor's.
    moderated = set(
        db.scalars(
            sa.select(Moderation.audit_id).where(
                Moderation.la_code == la_code, Moderation.completed_at.is_not(None)
            )
        )
    )
    sec_counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    weak_q: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    template_of = {a.id: a.template_id for a in graded}
    for g in db.scalars(
        sa.select(AuditGrade).where(AuditGrade.la_code == la_code, AuditGrade.audit_id.in_(ids))
    ):
        want = "moderator" if g.audit_id in moderated else "auditor"
        if g.grader == want and g.section_id != lc.OVERALL and g.grade:
            sec_counts[(template_of[g.audit_id], g.section_id)][g.grade] += 1
    for ans in _answers(db, la_code, ids):
        if ans.item.startswith("q:") and ans.answer in ("no", "partly"):
            section, _, qid = ans.item[2:].partition(".")
            weak_q[(template_of[ans.audit_id], section)][qid] += 1
    sections: list[SectionRow] = []
    for (tid, sid), counts in sorted(sec_counts.items()):
        sec = load_template(tid).section(sid)
        qtext = {x.id: x.text for x in sec.questions}
        sections.append(
            SectionRow(
                tid,
                sid,
                sec.title,
                {k: counts[k] for k in GRADES},
                [(qtext.get(k, k), n) for k, n in weak_q[(tid, sid)].most_common(3)],
            )
        )
    return sections


def _answers(db: Session, la_code: str, audit_ids: list[str]) -> list[AuditAnswer]:
    return list(
        db.scalars(
            sa.select(AuditAnswer).where(
                AuditAnswer.la_code == la_code, AuditAnswer.audit_id.in_(audit_ids)
            )
        )
    )


def _actions(db: Session, la_code: str, audit_ids: list[str]) -> list[AuditAction]:
    if not audit_ids:
        return []
    q = sa.select(AuditAction).where(
        AuditAction.la_code == la_code, AuditAction.audit_id.in_(audit_ids)
    )
    return list(db.scalars(q))


def _family_feedback(db: Session, la_code: str, graded: list[Audit]) -> dict[str, dict[str, int]]:
    """Answers to the family's scaled questions, counted per question text."""
    family: dict[str, dict[str, int]] = {}
    scale_qs = {
        (a.id, f"family:{fq.id}"): fq.text
        for a in graded
        for fq in load_template(a.template_id).family.questions
        if fq.scale
    }
    if not graded:
        return family
    for ans in _answers(db, la_code, [a.id for a in graded]):
        text = scale_qs.get((ans.audit_id, ans.item))
        if text and ans.answer:
            family.setdefault(text, {k: 0 for k in AGREEMENT})[ans.answer] += 1
    return family


def _caseload(db: Session, la_code: str, on: dt.date) -> dict[str, int]:
    """The headline caseload counts on ``on``."""
    h = headline_counts(db.connection(), la_code, on)
    return {
        "Children known": h.children,
        "Open child in need episodes": h.open_cin_episodes,
        "Child protection plans": h.cp_plans,
        "Children looked after": h.looked_after,
        "Care leavers": h.care_leavers,
    }


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def _cell(v: float | None) -> int | float | None:
    """Whole numbers as integers, so a count reads "12", not "12.0", in both exports."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


Table = tuple[str, list[str], list[list[Any]]]


def _tables(r: QuarterReport) -> list[Table]:
    """The pack's tables, in order: (title, header, rows)."""
    grade_header = ["Level", "Group", "Period", *GRADES.values(), "Total"]
    return [
        ("Summary", ["Figure", "Value"], _summary_rows(r)),
        _performance_table(r),
        (
            "Grades",
            grade_header,
            [[g.level, g.group, g.period, *g.counts.values(), g.total] for g in r.grades],
        ),
        (
            "Trend",
            grade_header,
            [[g.level, g.group, g.period, *g.counts.values(), g.total] for g in r.trend],
        ),
        _sections_table(r),
        (
            "Overdue audits",
            ["Audit", "Child", "Practice group", "Due"],
            [list(x) for x in r.overdue_audits],
        ),
        (
            "Family feedback",
            ["Question", *AGREEMENT.values()],
            [[q, *c.values()] for q, c in sorted(r.family.items())],
        ),
        ("Caseload", ["Measure", "Children"], [[k, v] for k, v in r.caseload.items()]),
    ]


def _summary_rows(r: QuarterReport) -> list[list[Any]]:
    """The summary figures: audits, actions, concerns, moderation, the follow-up steps."""
    return [
        ["Audits in the quarter", r.audits],
        ["Graded (submitted or later)", r.submitted],
        *[[f"In state: {lifecycle().states[s]}", n] for s, n in sorted(r.by_state.items())],
        ["Improvement actions", r.actions_total],
        ["Actions done", r.actions_done],
        ["Action completion", _pct(r.action_completion)],
        ["Actions overdue", r.actions_overdue],
        ["Audits overdue", len(r.overdue_audits)],
        ["Safety concerns raised", r.concerns_raised],
        ["Safety concerns open", r.concerns_open],
        ["Moderated audits", r.moderation_n],
        ["Moderation agreement", _pct(r.moderation_percent)],
        [
            "Cohen's kappa",
            "-" if r.moderation_kappa is None else round(r.moderation_kappa, 3),
        ],
        ["Copies sent to IRO or CP chair", r.iro_copies],
        ["Discussed by head of service in the following month", r.hos_discussed_in_time],
        ["Family feedback not obtained", r.family_not_obtained],
    ]


#: The columns of the report's table of headline measures.
PERFORMANCE_COLUMNS = (
    "Area",
    "Measure",
    "Measure id",
    "Value",
    "Numerator",
    "Denominator",
    "Polarity",
    "At",
)


def _performance_table(r: QuarterReport) -> Table:
    """The headline measures with their numerators and denominators."""
    return (
        "Performance",
        list(PERFORMANCE_COLUMNS),
        [
            [
                p.area,
                p.name,
                p.measure_id,
                p.shown,
                _cell(p.numerator),
                _cell(p.denominator),
                p.direction,
                r.performance_on,
            ]
            for p in r.performance
        ],
    )


def _sections_table(r: QuarterReport) -> Table:
    """Strengths and weaknesses by template section."""
    return (
        "Sections",
        [
            "Template",
            "Section",
            "Strength (outstanding/good)",
            "Weakness (RI/inadequate)",
            "Questions most often 'no' or 'partly'",
        ],
        [
            [
                s.template_id,
                s.title,
                s.strength,
                s.weakness,
                "; ".join(f"{t} ({n})" for t, n in s.weak_questions),
            ]
            for s in r.sections
        ],
    )


def to_xlsx(r: QuarterReport) -> bytes:
    """The pack as a workbook, one sheet per table (formula-safe)."""
    return xlsx_bytes([Sheet(name, header, rows) for name, header, rows in _tables(r)])


def to_docx(r: QuarterReport) -> bytes:
    """The pack as an editable Word document for the quarterly P&Q meeting (Southwark QA framework
    2015, §1)."""
    tables = _tables(r)
    paragraphs = [
        f"{r.la_code}: single case audits for {r.quarter} ({', '.join(r.months)}), as at "
        f"{r.as_of.isoformat()}.",
        "Performance: the headline measures for the whole LA at "
        f"{r.performance_on.isoformat() if r.performance_on else '-'}, from the measures engine "
        "(the same figures as 'grip measures'), with numerator, denominator and polarity.",
        "For the quarterly Performance and Quality meeting chaired by the Director of Children's "
        "Social Care (Southwark QA framework 2015, §1). Tables follow in this order: "
        + ", ".join(name for name, _, _ in tables)
        + ".",
    ]
    return docx_bytes(
        f"Audit findings {r.quarter}",
        paragraphs,
        [(header, rows) for _, header, rows in tables],
    )


@dataclass(frozen=True)
class InspectionListRow:
    """One line of the list of audits shared with inspectors (ILACS framework (Ofsted 170040) para
    257)."""

    person_id: str
    theme: str
    completed_on: dt.date
    final_grade: str | None


def inspection_list(db: Session, la_code: str, as_of: dt.date) -> list[InspectionListRow]:
    """The audits completed (submitted or later) in the six months before ``as_of``: the child
    unique ID, the audit theme and when it was completed (ILACS framework (Ofsted 170040) para 257).
    Inspectors choose 6 to 12 of these before fieldwork (para 258), up to six on a monitoring visit
    (para 131)."""
    since = calendar.add_months(as_of, -6)
    rows = []
    for a in db.scalars(
        sa.select(Audit).where(Audit.la_code == la_code, Audit.state.in_(GRADED_STATES))
    ):
        if a.submitted_at is None:
            continue
        done = a.submitted_at.date()
        if since <= done <= as_of:
            rows.append(InspectionListRow(a.person_id, a.theme, done, a.final_grade))
    return sorted(rows, key=lambda r: (r.completed_on, r.person_id))
