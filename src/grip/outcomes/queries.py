"""Reading the register: reports with their judgements, latest per LA, filters, one LA's history."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from grip import frameworks
from grip.outcomes import las
from grip.outcomes.models import OutcomeEvidence, OutcomeJudgement, OutcomeReport
from grip.store.db import transaction


@dataclass(frozen=True)
class ReportRow:
    """One report in the register, with its LA and judgements (judgement id -> grade)."""

    id: int
    la_code: str
    la_name: str
    region: str
    framework: str
    inspection_type: str | None
    fieldwork_start: dt.date | None
    fieldwork_end: dt.date
    published: dt.date | None
    origin: str
    source_file: str | None
    judgements: dict[str, str]
    pages: dict[str, int] = field(default_factory=dict)

    @property
    def overall(self) -> str | None:
        """The overall effectiveness grade, when the report has one."""
        return self.judgements.get("overall")

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form (dates as ISO strings)."""
        return {
            "id": self.id, "la_code": self.la_code, "local_authority": self.la_name,
            "region": self.region, "framework": self.framework,
            "inspection_type": self.inspection_type,
            "fieldwork_start": _iso(self.fieldwork_start),
            "fieldwork_end": _iso(self.fieldwork_end),
            "published": _iso(self.published), "origin": self.origin,
            "source_file": self.source_file, "judgements": self.judgements, "pages": self.pages,
        }  # fmt: skip


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Filters:
    """Register filters; None means any. Dates bound the last day of fieldwork."""

    region: str | None = None
    framework: str | None = None
    grade: str | None = None
    judgement: str = "overall"
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def in_scope(self, row: ReportRow) -> bool:
        """Whether ``row`` is one of the inspections considered (region, framework, dates)."""
        return (
            (self.region is None or row.region == self.region)
            and (self.framework is None or row.framework == self.framework)
            and (self.date_from is None or row.fieldwork_end >= self.date_from)
            and (self.date_to is None or row.fieldwork_end <= self.date_to)
        )

    def graded(self, row: ReportRow) -> bool:
        """Whether ``row`` has the grade asked for (any, when none is)."""
        return self.grade is None or row.judgements.get(self.judgement) == self.grade


def _in_framework_order(framework_id: str, grades: dict[str, str]) -> dict[str, str]:
    """The judgements in the order the framework lists them (overall effectiveness first)."""
    if framework_id not in frameworks.framework_ids():
        return grades
    order = [j.id for j in frameworks.load(framework_id).judgements]
    return {
        j: grades[j]
        for j in sorted(
            grades, key=lambda j: (j not in order, order.index(j) if j in order else 0, j)
        )
    }


def all_reports(engine: Engine) -> list[ReportRow]:
    """Every report in the register, oldest fieldwork first."""
    with transaction(engine) as session:
        reports = session.scalars(
            select(OutcomeReport).order_by(OutcomeReport.fieldwork_end, OutcomeReport.id)
        ).all()
        grades: dict[int, dict[str, str]] = defaultdict(dict)
        for j in session.scalars(select(OutcomeJudgement)):
            grades[j.report_id][j.judgement] = j.grade
    out = []
    for r in reports:
        la = las.all_las().get(r.dfe_la_code)
        out.append(
            ReportRow(
                id=r.id, la_code=r.dfe_la_code, la_name=la.name if la else r.dfe_la_code,
                region=la.region if la else "", framework=r.framework,
                inspection_type=r.inspection_type, fieldwork_start=r.fieldwork_start,
                fieldwork_end=r.fieldwork_end, published=r.published, origin=r.origin,
                source_file=r.source_file,
                judgements=_in_framework_order(r.framework, grades[r.id]),
                pages={k: v for k, v in json.loads(r.provenance).items() if isinstance(v, int)},
            )
        )  # fmt: skip
    return out


def latest(engine: Engine, filters: Filters | None = None) -> list[ReportRow]:
    """Each LA's latest report (by last day of fieldwork) among those in the filters' region,
    framework and dates, kept when it has the grade asked for; by LA name. (An LA judged
    inadequate once but better since is not listed as inadequate.)"""
    filters = filters or Filters()
    last: dict[str, ReportRow] = {}
    for row in all_reports(engine):
        if filters.in_scope(row):
            last[row.la_code] = row
    return sorted((r for r in last.values() if filters.graded(r)), key=lambda r: r.la_name)


def history(engine: Engine, la_code: str) -> list[ReportRow]:
    """One LA's reports, oldest first."""
    return [r for r in all_reports(engine) if r.la_code == la_code]


def evidence(engine: Engine, report_id: int, kind: str | None = None) -> list[OutcomeEvidence]:
    """A report's evidence sentences (themes and headings), by key then rank."""
    with transaction(engine) as session:
        query = select(OutcomeEvidence).where(OutcomeEvidence.report_id == report_id)
        if kind is not None:
            query = query.where(OutcomeEvidence.kind == kind)
        return list(session.scalars(query.order_by(OutcomeEvidence.key, OutcomeEvidence.seq)))
