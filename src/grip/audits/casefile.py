"""The child's record summary and timescale compliance shown beside the audit form
, for the audit's 12-month period (Southwark QA framework 2015, appendix 1 §2b).

The record summary (who the child is, their team, the episodes, plans and periods of care in
the period) is read here, straight from the case store. The timescales are not worked out here:
they come from :func:`grip.measures.compliance.child_compliance`, the one place that applies the
rules (assessments within 45 working days, ICPC within 15 working days of the strategy
discussion, CP/CIN plan reviews within 3 months then six-monthly, children in care reviewed
within 20 working days, 3 months, then six-monthly, visits — Southwark QA framework 2015, appendix 1
§4, Working Together, Care Planning Regulations 2010), so the audit panel and the performance
measures can never disagree about whether a review was late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from grip.audits.sampling import rules
from grip.casedata.facts import age_on, allocations_on, care_periods, open_during, open_on
from grip.casedata.models import CASE_TABLES
from grip.measures.compliance import ComplianceItem, child_compliance
from grip.store.db import la_engine


@dataclass
class CaseSummary:
    """What the auditor sees beside the questions. Initials only, never a full name
    (ILACS framework (Ofsted 170040) para 190)."""

    person_id: str
    initials: str
    age: int | None
    sex: str | None
    ethnicity: str | None
    disability: bool
    uasc: bool
    stages: list[str]
    team: str | None
    episodes: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    #: The child's timescales (from ``grip.measures``) that fell due or were met in the period,
    #: earliest due first.
    checks: list[ComplianceItem] = field(default_factory=list)

    @property
    def on_time(self) -> int:
        """Timescales met."""
        return sum(1 for c in self.checks if c.due.status == "on_time")

    @property
    def missed(self) -> int:
        """Timescales missed (late or overdue)."""
        return sum(1 for c in self.checks if not c.due.compliant)


def _rows(db: Session, table: str, la_code: str, person_col: str, pid: str) -> list[Any]:
    t = CASE_TABLES[table]
    return list(
        db.connection().execute(sa.select(t).where(t.c.la_code == la_code, t.c[person_col] == pid))
    )


def timescales(
    db: Session, la_code: str, person_id: str, period_start: dt.date, period_end: dt.date
) -> list[ComplianceItem]:
    """The child's timescales as of the period's end that fell due, or were met, in the period.

    An audit looks back over the period (Southwark QA framework 2015, appendix 1 §2b), so a review
    due before it is history for an earlier audit and one due after it is not yet the auditor's
    concern.
    """
    # la_engine: child_compliance opens its own connections, and on PostgreSQL the web app's
    # role sees the LA's rows only when each sets the LA that row-level security checks.
    engine = la_engine(cast(Engine, db.get_bind()), la_code)
    result = child_compliance(engine, la_code, person_id, period_end)
    return sorted(
        (
            i
            for i in result.items
            if period_start <= i.due.due <= period_end
            or (i.due.done is not None and period_start <= i.due.done <= period_end)
        ),
        key=lambda i: (i.due.due, i.due.what),
    )


def summarise(
    db: Session, la_code: str, person_id: str, period_start: dt.date, period_end: dt.date
) -> CaseSummary | None:
    """The child's summary and timescale checks falling in the period; ``None`` when the case
    store has no such child (e.g. an extract not yet imported)."""
    people = _rows(db, "ssd_person", la_code, "pers_person_id", person_id)
    if not people:
        return None
    p = people[0]
    on = period_end
    disab = [
        r
        for r in _rows(db, "ssd_disability", la_code, "disa_person_id", person_id)
        if r.disa_disability_code != "NONE"
    ]
    s = CaseSummary(
        person_id=person_id,
        initials=(p.pers_forename[:1] + p.pers_surname[:1]).upper(),
        age=age_on(p.pers_dob, on),
        sex=p.pers_sex,
        ethnicity=p.pers_ethnicity,
        disability=bool(disab),
        uasc=bool(p.pers_is_uasc),
        stages=[],
        team=None,
    )

    s.episodes, s.stages = _episodes(db, la_code, person_id, period_start, period_end)
    s.checks = timescales(db, la_code, person_id, period_start, period_end)
    s.team = _team_on(db, la_code, person_id, on)
    return s


#: The child's records a summary lists: table, person, start and end columns, what the summary
#: calls them and the stage they stand for while open.
_EPISODE_KINDS = (
    ("ssd_cin_episodes", "cine_person_id", "cine_referral_date", "cine_close_date",
     "Referral / CIN episode", None),
    ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date",
     "Child protection plan", "child protection"),
    ("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date",
     "Child in need plan", "child in need"),
    ("ssd_cla_episodes", "clae_person_id", "clae_entered_care_date",
     "clae_cla_episode_ceased_date", "Looked after", "looked after"),
)  # fmt: skip


def _episodes(
    db: Session, la_code: str, person_id: str, period_start: dt.date, period_end: dt.date
) -> tuple[list[tuple[str, dt.date, dt.date | None]], list[str]]:
    """The episodes, plans and periods of care open at some time in the period (by start), and
    the stages of those still open at its end."""
    episodes: list[tuple[str, dt.date, dt.date | None]] = []
    stages: list[str] = []
    for table, person_col, start_col, end_col, label, stage in _EPISODE_KINDS:
        rows = _rows(db, table, la_code, person_col, person_id)
        spans = [(getattr(r, start_col), getattr(r, end_col)) for r in rows]
        if table == "ssd_cla_episodes":  # a period of care, not each of its episodes
            spans = list(
                care_periods(
                    (r.clae_cla_id, *span) for r, span in zip(rows, spans, strict=True)
                ).values()
            )
        for start, end in spans:
            if open_during(start, end, period_start, period_end):
                episodes.append((label, start, end))
                if stage and open_on(start, end, period_end):
                    stages.append(stage)
    episodes.sort(key=lambda e: e[1])
    return episodes, stages


def _team_on(db: Session, la_code: str, person_id: str, on: dt.date) -> str | None:
    """The name of the child's allocated team on ``on`` (the sampling allocation roles)."""
    conn = db.connection()
    alloc = allocations_on(conn, la_code, on, rules().allocation_roles, person_id=person_id)
    team_id = alloc[person_id].team_id if person_id in alloc else None
    if team_id is None:
        return None
    dept = CASE_TABLES["ssd_department"]
    q = sa.select(dept.c.dept_team_name).where(
        dept.c.la_code == la_code, dept.c.dept_team_id == team_id
    )
    return conn.execute(q).scalar() or team_id
