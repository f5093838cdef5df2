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

from grip import calendar
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


def _care_periods(episodes: list[Any]) -> dict[str, tuple[dt.date, dt.date | None]]:
    """Each period of care (``clae_cla_id``): entered care, and left (None while open)."""
    periods: dict[str, tuple[dt.date, dt.date | None]] = {}
    for e in episodes:
        start, end = e.clae_entered_care_date, e.clae_cla_episode_ceased_date
        if e.clae_cla_id in periods:
            prev_start, prev_end = periods[e.clae_cla_id]
            start = min(start, prev_start)
            end = None if end is None or prev_end is None else max(end, prev_end)
        periods[e.clae_cla_id] = (start, end)
    return periods


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
        age=calendar.age_in_years(p.pers_dob, on) if p.pers_dob <= on else None,
        sex=p.pers_sex,
        ethnicity=p.pers_ethnicity,
        disability=bool(disab),
        uasc=bool(p.pers_is_uasc),
        stages=[],
        team=None,
    )

    def in_period(start: dt.date, end: dt.date | None) -> bool:
        return start <= period_end and (end is None or end >= period_start)

    def still_open(end: dt.date | None) -> bool:
        return end is None or end > on

    for r in _rows(db, "ssd_cin_episodes", la_code, "cine_person_id", person_id):
        if in_period(r.cine_referral_date, r.cine_close_date):
            s.episodes.append(("Referral / CIN episode", r.cine_referral_date, r.cine_close_date))
    for cp in _rows(db, "ssd_cp_plans", la_code, "cppl_person_id", person_id):
        start, end = cp.cppl_cp_plan_start_date, cp.cppl_cp_plan_end_date
        if in_period(start, end):
            s.episodes.append(("Child protection plan", start, end))
            if still_open(end):
                s.stages.append("child protection")
    for cin in _rows(db, "ssd_cin_plans", la_code, "cinp_person_id", person_id):
        start, end = cin.cinp_cin_plan_start_date, cin.cinp_cin_plan_end_date
        if in_period(start, end):
            s.episodes.append(("Child in need plan", start, end))
            if still_open(end):
                s.stages.append("child in need")
    cla = _rows(db, "ssd_cla_episodes", la_code, "clae_person_id", person_id)
    for start, end in _care_periods(cla).values():
        if in_period(start, end):
            s.episodes.append(("Looked after", start, end))
            if still_open(end):
                s.stages.append("looked after")
    s.episodes.sort(key=lambda e: e[1])
    s.checks = timescales(db, la_code, person_id, period_start, period_end)
    inv = [
        r
        for r in _rows(db, "ssd_involvements", la_code, "invo_person_id", person_id)
        if still_open(r.invo_involvement_end_date)
    ]
    if inv:
        team_id = max(inv, key=lambda r: r.invo_involvement_start_date).invo_professional_team_id
        dept = CASE_TABLES["ssd_department"]
        s.team = (
            db.connection()
            .execute(
                sa.select(dept.c.dept_team_name).where(
                    dept.c.la_code == la_code, dept.c.dept_team_id == team_id
                )
            )
            .scalar()
            or team_id
        )
    return s
