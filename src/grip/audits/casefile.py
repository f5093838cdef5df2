"""The child's record summary and timescale compliance shown beside the audit form
(issue 7 §3), read straight from the case store for the audit's 12-month period (seed 004
App. 1 §2b).

The review timescales are those the audit tool itself lists (seed 004 App. 1 §4, Planning for
child): CIN plan first review within 3 months, then six-monthly; ICPC within 15 working days of
the strategy discussion, first review conference within 3 months, then six-monthly; children in
care first review within 20 working days (4 weeks), second within 3 months, then six-monthly.
Assessments within 45 working days of the referral (Working Together).

This module is deliberately self-contained: when ``grip.measures`` offers a per-child
compliance API, :func:`compliance` can delegate to it without changing the form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grip import calendar
from grip.casedata.models import CASE_TABLES


@dataclass(frozen=True)
class Check:
    """One timescale: what was due, by when, and what happened."""

    label: str
    due: dt.date
    done: dt.date | None
    status: str  # on_time | late | overdue | not_yet_due
    source: str


@dataclass
class CaseSummary:
    """What the auditor sees beside the questions. Initials only, never a full name
    (seed 002 para 190)."""

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
    checks: list[Check] = field(default_factory=list)

    @property
    def on_time(self) -> int:
        """Timescales met."""
        return sum(1 for c in self.checks if c.status == "on_time")

    @property
    def missed(self) -> int:
        """Timescales missed (late or overdue)."""
        return sum(1 for c in self.checks if c.status in ("late", "overdue"))


def _status(due: dt.date, done: dt.date | None, on: dt.date) -> str:
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if due < on else "not_yet_due"


def _rows(db: Session, table: str, la_code: str, person_col: str, pid: str) -> list[Any]:
    t = CASE_TABLES[table]
    return list(
        db.connection().execute(sa.select(t).where(t.c.la_code == la_code, t.c[person_col] == pid))
    )


def _review_chain(
    label: str,
    start: dt.date,
    end: dt.date | None,
    reviews: list[dt.date],
    first_due: dt.date,
    on: dt.date,
    source: str,
    second_months: int | None = None,
) -> list[Check]:
    """Checks for a plan's reviews: the first by ``first_due``, (optionally the second within
    ``second_months`` of the first), then each within 6 months of the one before."""
    checks: list[Check] = []
    stop = min(end, on) if end else on
    done = sorted(d for d in reviews if d >= start)
    due = first_due
    i = 0
    n = 1
    while due <= stop or (i < len(done)):
        actual = done[i] if i < len(done) else None
        if actual is None and due > stop:
            break
        checks.append(Check(f"{label} review {n}", due, actual, _status(due, actual, on), source))
        base = actual or due
        months = second_months if (n == 1 and second_months) else 6
        due = calendar.add_months(base, months)
        i += 1
        n += 1
        if n > 30:
            break
    return checks


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

    refs = _rows(db, "ssd_cin_episodes", la_code, "cine_person_id", person_id)
    for r in refs:
        if in_period(r.cine_referral_date, r.cine_close_date):
            s.episodes.append(("Referral / CIN episode", r.cine_referral_date, r.cine_close_date))
    for a in _rows(db, "ssd_cin_assessments", la_code, "cina_person_id", person_id):
        ref = next((r for r in refs if r.cine_referral_id == a.cina_referral_id), None)
        if ref is None or not in_period(a.cina_assessment_start_date, a.cina_assessment_auth_date):
            continue
        due = calendar.add_working_days(ref.cine_referral_date, 45)
        s.checks.append(
            Check(
                "Assessment completed",
                due,
                a.cina_assessment_auth_date,
                _status(due, a.cina_assessment_auth_date, on),
                "Working Together: 45 working days",
            )
        )
    icpcs = _rows(db, "ssd_initial_cp_conference", la_code, "icpc_person_id", person_id)
    for e in _rows(db, "ssd_s47_enquiry", la_code, "s47e_person_id", person_id):
        if not e.s47e_s47_icpc_required or not in_period(
            e.s47e_strategy_discussion_date, e.s47e_s47_end_date
        ):
            continue
        conf = next((c for c in icpcs if c.icpc_s47_enquiry_id == e.s47e_s47_enquiry_id), None)
        due = calendar.add_working_days(e.s47e_strategy_discussion_date, 15)
        done = conf.icpc_icpc_date if conf else None
        s.checks.append(
            Check(
                "Initial child protection conference",
                due,
                done,
                _status(due, done, on),
                "seed 004 App. 1 §4: 15 working days",
            )
        )
    cp_reviews = _rows(db, "ssd_cp_reviews", la_code, "cppr_person_id", person_id)
    for plan in _rows(db, "ssd_cp_plans", la_code, "cppl_person_id", person_id):
        if not in_period(plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date):
            continue
        s.episodes.append(
            ("Child protection plan", plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date)
        )
        if plan.cppl_cp_plan_end_date is None or plan.cppl_cp_plan_end_date > on:
            s.stages.append("child protection")
        revs = [
            r.cppr_cp_review_date for r in cp_reviews if r.cppr_cp_plan_id == plan.cppl_cp_plan_id
        ]
        s.checks += _review_chain(
            "CP",
            plan.cppl_cp_plan_start_date,
            plan.cppl_cp_plan_end_date,
            revs,
            calendar.add_months(plan.cppl_cp_plan_start_date, 3),
            on,
            "seed 004 App. 1 §4: 3 months, then six-monthly",
        )
    cin_reviews = _rows(db, "grip_cin_reviews", la_code, "cinr_person_id", person_id)
    for plan in _rows(db, "ssd_cin_plans", la_code, "cinp_person_id", person_id):
        if not in_period(plan.cinp_cin_plan_start_date, plan.cinp_cin_plan_end_date):
            continue
        s.episodes.append(
            ("Child in need plan", plan.cinp_cin_plan_start_date, plan.cinp_cin_plan_end_date)
        )
        if plan.cinp_cin_plan_end_date is None or plan.cinp_cin_plan_end_date > on:
            s.stages.append("child in need")
        revs = [
            r.cinr_cin_review_date
            for r in cin_reviews
            if r.cinr_cin_plan_id == plan.cinp_cin_plan_id
        ]
        s.checks += _review_chain(
            "CIN",
            plan.cinp_cin_plan_start_date,
            plan.cinp_cin_plan_end_date,
            revs,
            calendar.add_months(plan.cinp_cin_plan_start_date, 3),
            on,
            "seed 004 App. 1 §4: 3 months, then six-monthly",
        )
    episodes = _rows(db, "ssd_cla_episodes", la_code, "clae_person_id", person_id)
    cla_reviews = _rows(db, "ssd_cla_reviews", la_code, "clar_person_id", person_id)
    periods: dict[str, tuple[dt.date, dt.date | None]] = {}
    for e in episodes:
        start, end = periods.get(
            e.clae_cla_id, (e.clae_entered_care_date, e.clae_cla_episode_ceased_date)
        )
        ends = [x.clae_cla_episode_ceased_date for x in episodes if x.clae_cla_id == e.clae_cla_id]
        periods[e.clae_cla_id] = (
            start,
            None if any(x is None for x in ends) else max(d for d in ends if d),
        )
    for cla_id, (start, end) in periods.items():
        if not in_period(start, end):
            continue
        s.episodes.append(("Looked after", start, end))
        if end is None or end > on:
            s.stages.append("looked after")
        revs = [r.clar_cla_review_date for r in cla_reviews if r.clar_cla_id == cla_id]
        s.checks += _review_chain(
            "CLA",
            start,
            end,
            revs,
            calendar.add_working_days(start, 20),
            on,
            "seed 004 App. 1 §4: 4 weeks, 3 months, then six-monthly",
            second_months=3,
        )
    # Only checks whose due date falls in the audit period.
    s.checks = sorted(
        (
            c
            for c in s.checks
            if period_start <= c.due <= period_end
            or (c.done and period_start <= c.done <= period_end)
        ),
        key=lambda c: c.due,
    )
    inv = [
        r
        for r in _rows(db, "ssd_involvements", la_code, "invo_person_id", person_id)
        if r.invo_involvement_end_date is None or r.invo_involvement_end_date > on
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
