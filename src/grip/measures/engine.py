# ruff: noqa: S608 - SQL is assembled from constants in code and the definitions file;
# the only outside values (LA code, dates) are checked, quoted or passed as parameters.
"""The measures engine: every measure for an LA at a date and at each month before it.

How it works (see ``docs/measures-engine-decision.md`` for why DuckDB, with measurements):

1. :func:`grip.measures.loader.load_la` copies the columns the measures need from the LA's case
   tables into in-memory DuckDB.
2. Helper tables: the monthly points (``per``), the England working-day index (``cal_w``: the
   working-day number ``w`` of every day; ``cal_k``: the day of every number; the same
   calendar as ``grip.calendar``), periods of care, review chains, allocations. Working-day
   gaps are differences of ``w``, found by explicit equi-joins on the calendar, never a loop.
3. Each measure is one SQL query producing *unit rows* for every monthly point at once: one row
   per child (or referral, review, visit …) that belongs to the measure's denominator, with
   ``num`` (its contribution to the numerator), ``den``, and for timescales ``due``, ``done`` and
   ``late`` (working days past due). Unit rows are the child-level list behind every figure.
   They are a DuckDB *view* (``u``), never materialised: the figures need only their sums, and a
   drill-down or the pack asks DuckDB for one measure at one date.
4. Two aggregates: every measure at every point for the whole LA (``u``), and at the run's date
   by team, worker, age band, sex, ethnicity and disability (``ua``: ``u`` with the slicing
   attributes, ``GROUPING SETS``).

Timescale conventions match ``grip.measures.rules`` (the readable per-child statement), which the
tests check this engine against child by child: "within n working days of a" is
``w(done) - w(a) <= n``; "within n months" is ``done <= a + n months`` (DuckDB's month
arithmetic clamps to the month's end exactly as ``grip.calendar.add_months`` does).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import duckdb
from sqlalchemy import Engine, insert, select, update

from grip.calendar import add_months, bank_holidays
from grip.measures.definitions import Definitions, Measure, load_definitions
from grip.measures.loader import load_la
from grip.settings import Settings

DIMENSIONS: tuple[str, ...] = ("team", "worker", "age_band", "sex", "ethnicity", "disability")
CAL_START = date(1990, 1, 1)
CAL_END = date(2075, 12, 31)
EET_CODES = ("F1", "P1", "F2", "P2", "F4", "P4")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")


class MeasuresError(ValueError):
    """A request the engine cannot answer (unknown LA, bad date, missing setting)."""


@dataclass(frozen=True)
class LAStandards:
    """An LA's inputs to the measures: population and local visit standards."""

    child_population: int | None
    cp_visit_working_days: int
    cin_visit_working_days: int


def la_standards(engine: Engine, la_code: str, settings: Settings | None = None) -> LAStandards:
    """The LA's measures settings, falling back to ``Settings`` for the visit standards."""
    from grip.measures.models import MeasuresLASetting

    settings = settings or Settings()
    t = MeasuresLASetting.__table__
    # Core, not ORM: a system read of the LA's own settings, outside any user's case scope.
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.la_code == la_code)).mappings().first()
    return LAStandards(
        child_population=row["child_population"] if row else None,
        cp_visit_working_days=(row and row["cp_visit_working_days"])
        or settings.cp_visit_working_days,
        cin_visit_working_days=(row and row["cin_visit_working_days"])
        or settings.cin_visit_working_days,
    )


def set_la_standards(
    engine: Engine,
    la_code: str,
    *,
    child_population: int | None = None,
    cp_visit_working_days: int | None = None,
    cin_visit_working_days: int | None = None,
) -> None:
    """Create or update an LA's measures settings (None leaves a field unchanged)."""
    from grip.measures.models import MeasuresLASetting

    values = {
        "child_population": child_population,
        "cp_visit_working_days": cp_visit_working_days,
        "cin_visit_working_days": cin_visit_working_days,
    }
    for name, v in values.items():
        if v is not None and v < 1:
            raise MeasuresError(f"{name} must be a positive whole number, got {v}")
    changes = {k: v for k, v in values.items() if v is not None}
    t = MeasuresLASetting.__table__
    with engine.begin() as conn:
        exists = conn.execute(select(t.c.la_code).where(t.c.la_code == la_code)).first()
        if exists is None:
            conn.execute(insert(MeasuresLASetting).values(la_code=la_code, **changes))
        elif changes:
            conn.execute(update(MeasuresLASetting).where(t.c.la_code == la_code).values(**changes))


def monthly_points(on: date, months: int) -> list[date]:
    """``months`` monthly points ending on ``on``, oldest first (same day, clamped to month end)."""
    if not 1 <= months <= 60:
        raise MeasuresError(f"months must be between 1 and 60, got {months}")
    month_end = (on + timedelta(days=1)).day == 1
    out = []
    for k in range(months - 1, -1, -1):
        p = add_months(on, -k)
        if month_end:
            # From a month's last day, every point is a month's last day (30 June -> 31 May).
            p = add_months(p.replace(day=1), 1) - timedelta(days=1)
        out.append(p)
    return out


# --- SQL building blocks ----------------------------------------------------------------------

RATE_OF = {
    "FD_CONTACTS_RATE": "FD_CONTACTS",
    "FD_REFERRALS_RATE": "FD_REFERRALS",
    "CP_RATE": "CP_OPEN",
    "CIN_RATE": "CIN_OPEN",
    "CLA_RATE": "CLA_OPEN",
}


def _in(col: str, window: str) -> str:
    """``col`` falls in the window (start exclusive, the point inclusive)."""
    return f"{col} > per.{window} AND {col} <= per.pe"


def _open_at(start: str, end: str) -> str:
    return f"{start} <= per.pe AND ({end} IS NULL OR {end} > per.pe)"


def _late_wd(w_start: str, w_done: str, n: int) -> str:
    """Working days past an n-working-day timescale, from the two dates' working-day numbers."""
    return f"greatest({w_done} - {w_start} - {n}, 0)"


def _late_due(due: str, when: str, w_due: str, w_when: str) -> str:
    """Working days ``when`` is past ``due`` (at least 1 once past), as ``rules.late_by``."""
    return f"CASE WHEN {when} <= {due} THEN 0 ELSE greatest({w_when} - {w_due}, 1) END"


def _wd(alias: str, date_expr: str) -> str:
    """A join giving ``{alias}.w``, the working-day number of ``date_expr``.

    Working-day arithmetic is always an explicit equi-join on the calendar: written as a
    correlated scalar subquery (a macro), DuckDB decorrelated it as a cross product of the
    distinct dates with the whole calendar (15 million rows for the contacts alone).
    """
    return f"LEFT JOIN cal_w {alias} ON {alias}.d = {date_expr}"


def _kth(alias: str, k_expr: str) -> str:
    """A join giving ``{alias}.d``, the working day whose number is ``k_expr``."""
    return f"LEFT JOIN cal_k {alias} ON {alias}.k = {k_expr}"


def _band(expr: str, band: tuple[int, int | None]) -> str:
    lo, hi = band
    return f"({expr} >= {lo})" if hi is None else f"({expr} BETWEEN {lo} AND {hi})"


@dataclass(frozen=True)
class _Chain:
    """A review chain: intervals for review 1, 2 and 3+ as (kind, n)."""

    table: str
    plans: str  # SQL: plan_id, pid, pstart, pend
    reviews: str  # SQL: plan_id, held
    intervals: tuple[tuple[str, int], tuple[str, int], tuple[str, int]]


def _chain_sql(c: _Chain) -> str:
    parts_due = []
    parts_lim = []
    for k, (kind, n) in enumerate(c.intervals, start=1):
        cond = f"k = {k}" if k < 3 else "k >= 3"
        if kind == "months":
            parts_due.append(f"WHEN {cond} THEN CAST(prev + INTERVAL {n} MONTH AS DATE)")
        parts_lim.append(f"WHEN {cond} THEN {n if kind == 'working_days' else 'NULL'}")
    return f"""
    CREATE TABLE {c.table} AS
    WITH p AS ({c.plans}),
    r AS (SELECT plan_id, held,
                 row_number() OVER (PARTITION BY plan_id ORDER BY held) AS k
          FROM ({c.reviews}) WHERE held IS NOT NULL),
    h AS (SELECT p.plan_id, p.pid, p.pstart, p.pend, r.k,
                 coalesce(lag(r.held) OVER (PARTITION BY p.plan_id ORDER BY r.k), p.pstart) prev,
                 r.held
          FROM p JOIN r USING (plan_id)),
    nx AS (SELECT p.plan_id, p.pid, p.pstart, p.pend, coalesce(max(r.k), 0) + 1 AS k,
                  coalesce(max(r.held), p.pstart) AS prev, CAST(NULL AS DATE) AS held
           FROM p LEFT JOIN r USING (plan_id) GROUP BY p.plan_id, p.pid, p.pstart, p.pend),
    a AS (SELECT * FROM h UNION ALL SELECT * FROM nx),
    b AS (SELECT a.*, wp.w AS wprev, wh.w AS wheld, we.w AS wpend,
            CASE {" ".join(parts_due) or "WHEN false THEN NULL"} ELSE NULL END AS due_m,
            CASE {" ".join(parts_lim)} END AS lim_wd
          FROM a {_wd("wp", "a.prev")} {_wd("wh", "a.held")} {_wd("we", "a.pend")}),
    d AS (SELECT b.* EXCLUDE (due_m), coalesce(b.due_m, kd.d) AS due
          FROM b {_kth("kd", "b.wprev + b.lim_wd")})
    SELECT d.*, wd.w AS wdue FROM d {_wd("wd", "d.due")}
    """


def _ontime(x: str, wx: str) -> str:
    """Review ``x`` (working-day number ``wx``) is within the chain row's timescale."""
    return f"(CASE WHEN c.lim_wd IS NOT NULL THEN {wx} - c.wprev <= c.lim_wd ELSE {x} <= c.due END)"


def _late_chain(x: str, wx: str) -> str:
    return (
        f"(CASE WHEN c.lim_wd IS NOT NULL THEN greatest({wx} - c.wprev - c.lim_wd, 0) "
        f"ELSE {_late_due('c.due', x, 'c.wdue', wx)} END)"
    )


def _review_measure(chain: str, k_cond: str, window: str = "s12") -> str:
    """Reviews due in the window: held in time, held late, or still not held (overdue)."""
    # Working-day numbers never decrease with the date, so the number of the earlier of two
    # dates is the smaller of their numbers.
    ended = "least(per.pe, coalesce(c.pend, per.pe))"
    w_ended = "least(per.wpe, coalesce(c.wpend, per.wpe))"
    return f"""
    SELECT per.pe, c.pid, c.plan_id || '#' || c.k AS item,
      CASE WHEN c.held IS NOT NULL AND c.held <= per.pe AND {_ontime("c.held", "c.wheld")}
        THEN 1 ELSE 0 END AS num,
      1 AS den, c.due,
      CASE WHEN c.held <= per.pe THEN c.held END AS done,
      CASE WHEN c.held <= per.pe THEN {_late_chain("c.held", "c.wheld")}
           ELSE {_late_chain(ended, w_ended)} END AS late
    FROM per JOIN {chain} c ON {_in("c.due", window)} AND c.prev <= per.pe
      AND (c.pend IS NULL OR c.pend > c.due) AND {k_cond}
    """


def _review_snapshot(chain: str) -> str:
    """Children on an open plan, compliant unless their pending review is past due."""
    return f"""
    SELECT per.pe, c.pid, min(c.plan_id) AS item,
      min(CASE WHEN {_ontime("per.pe", "per.wpe")} THEN 1 ELSE 0 END) AS num, 1 AS den,
      min(c.due) AS due, CAST(NULL AS DATE) AS done, max({_late_chain("per.pe", "per.wpe")})
        AS late
    FROM per JOIN {chain} c ON {_open_at("c.pstart", "c.pend")} AND c.prev <= per.pe
      AND (c.held IS NULL OR c.held > per.pe)
    GROUP BY per.pe, c.pid
    """


def _visit_snapshot(plans: str, visits: str, n: int) -> str:
    """Children on an open plan visited (child seen) within n working days of the point."""
    return f"""
    WITH po AS (SELECT per.pe, per.wpe, p.* FROM per JOIN ({plans}) p
                ON {_open_at("p.pstart", "p.pend")}),
    v AS ({visits}),
    j AS (SELECT po.pe, po.plan_id, any_value(po.wpe) wpe, any_value(po.pid) pid,
            any_value(po.pstart) pstart, max(v.vdate) vdate
          FROM po LEFT JOIN v ON po.plan_id = v.plan_id AND v.vdate <= po.pe
          GROUP BY po.pe, po.plan_id),
    b AS (SELECT *, CASE WHEN vdate >= pstart THEN vdate ELSE pstart END AS base FROM j),
    bw AS (SELECT b.*, wb.w AS wbase, kd.d AS due
           FROM b {_wd("wb", "b.base")} {_kth("kd", f"wb.w + {n}")})
    SELECT pe, pid, min(plan_id) AS item,
      min(CASE WHEN wpe - wbase <= {n} THEN 1 ELSE 0 END) AS num, 1 AS den,
      min(due) AS due, max(vdate) AS done,
      max({_late_wd("wbase", "wpe", n)}) AS late
    FROM bw GROUP BY pe, pid
    """


def _sql_for(m: Measure, la_code: str, std: LAStandards) -> str | None:
    """The unit-row query for one measure (None for rates, derived from their count)."""
    if m.id in RATE_OF:
        return None
    base = m.base_id or m.id
    nul = "CAST(NULL AS DATE)"
    match base:
        case "FD_CONTACTS":
            return f"""SELECT per.pe, c.cont_person_id pid, c.cont_contact_id item, 1 num, 0 den,
              {nul} due, c.cont_contact_date done, 0 late
              FROM per JOIN ssd_contacts c ON {_in("c.cont_contact_date", "s12")}"""
        case "FD_REFERRALS":
            return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item, 1 num, 0 den,
              {nul} due, r.cine_referral_date done, 0 late
              FROM per JOIN ssd_cin_episodes r ON {_in("r.cine_referral_date", "s12")}"""
        case "FD_CONVERSION":
            return f"""SELECT per.pe, c.cont_person_id pid, c.cont_contact_id item,
              CASE WHEN c.cont_contact_outcome = 'REFERRAL' OR c.has_ref THEN 1 ELSE 0 END num,
              1 den, {nul} due, c.cont_contact_date done, 0 late
              FROM per JOIN contacts_x c ON {_in("c.cont_contact_date", "s12")}"""
        case "FD_REREFERRAL":
            return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item,
              CASE WHEN r.prev_ref IS NOT NULL
                   AND r.cine_referral_date <= CAST(r.prev_ref + INTERVAL 12 MONTH AS DATE)
                   THEN 1 ELSE 0 END num, 1 den, {nul} due, r.cine_referral_date done, 0 late
              FROM per JOIN referrals_x r ON {_in("r.cine_referral_date", "s12")}"""
        case "FD_DECISION_1WD":
            return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item,
              CASE WHEN r.w_ref - r.w_contact <= 1 THEN 1 ELSE 0 END num,
              1 den, r.due1 due, r.cine_referral_date done,
              {_late_wd("r.w_contact", "r.w_ref", 1)} late
              FROM per JOIN referrals_x r ON {_in("r.cine_referral_date", "s12")}
              WHERE r.contact_date IS NOT NULL"""
        case "FD_NFA_AFTER_ASSESSMENT":
            return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
              CASE WHEN a.cina_assessment_outcome = 'NFA' THEN 1 ELSE 0 END num, 1 den,
              {nul} due, a.cina_assessment_auth_date done, 0 late
              FROM per JOIN assess_x a ON {_in("a.cina_assessment_auth_date", "s12")}"""
        case "AS_45WD":
            return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
              CASE WHEN a.wd <= 45 THEN 1 ELSE 0 END num, 1 den,
              a.due45 due, a.cina_assessment_auth_date done,
              greatest(a.wd - 45, 0) late
              FROM per JOIN assess_x a ON {_in("a.cina_assessment_auth_date", "s12")}"""
        case "AS_DURATION":
            assert m.band is not None
            return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
              CASE WHEN {_band("a.wd", m.band)} THEN 1 ELSE 0 END num, 1 den,
              {nul} due, a.cina_assessment_auth_date done, a.wd late
              FROM per JOIN assess_x a ON {_in("a.cina_assessment_auth_date", "s12")}"""
        case "AS_SEEN":
            return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
              CASE WHEN a.seen THEN 1 ELSE 0 END num, 1 den,
              {nul} due, a.cina_assessment_auth_date done, 0 late
              FROM per JOIN assess_x a ON {_in("a.cina_assessment_auth_date", "s12")}"""
        case "S47_ICPC_15WD":
            return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
              CASE WHEN i.wd <= 15 THEN 1 ELSE 0 END num, 1 den,
              i.due15 due, i.icpc_icpc_date done, greatest(i.wd - 15, 0) late
              FROM per JOIN icpc_x i ON {_in("i.icpc_icpc_date", "s12")}
              WHERE i.strat IS NOT NULL"""
        case "S47_ICPC_BANDS":
            assert m.band is not None
            return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
              CASE WHEN {_band("i.wd", m.band)} THEN 1 ELSE 0 END num, 1 den,
              {nul} due, i.icpc_icpc_date done, i.wd late
              FROM per JOIN icpc_x i ON {_in("i.icpc_icpc_date", "s12")}
              WHERE i.strat IS NOT NULL"""
        case "S47_ICPC_TO_PLAN":
            return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
              coalesce(i.icpc_icpc_outcome_cp_flag, 0) num, 1 den,
              {nul} due, i.icpc_icpc_date done, 0 late
              FROM per JOIN icpc_x i ON {_in("i.icpc_icpc_date", "s12")}"""
        case "S47_REPEAT":
            return f"""SELECT per.pe, s.s47e_person_id pid, s.s47e_s47_enquiry_id item,
              CASE WHEN s.prev_start IS NOT NULL
                   AND s.s47e_s47_start_date <= CAST(s.prev_start + INTERVAL 12 MONTH AS DATE)
                   THEN 1 ELSE 0 END num, 1 den, {nul} due, s.s47e_s47_start_date done, 0 late
              FROM per JOIN s47_x s ON {_in("s.s47e_s47_start_date", "s12")}"""
        case "CP_OPEN":
            return f"""SELECT per.pe, p.pid, min(p.plan_id) item, 1 num, 0 den,
              {nul} due, min(p.pstart) done, 0 late
              FROM per JOIN cp_p p ON {_open_at("p.pstart", "p.pend")} GROUP BY per.pe, p.pid"""
        case "CP_REVIEW_FIRST":
            return _review_measure("cp_chain", "c.k = 1")
        case "CP_REVIEW_LATER":
            return _review_measure("cp_chain", "c.k >= 2")
        case "CP_REVIEWS_IN_TIME":
            return _review_snapshot("cp_chain")
        case "CP_VISITS_IN_TIME":
            return _visit_snapshot(
                "SELECT * FROM cp_p",
                "SELECT cppv_cp_plan_id plan_id, cppv_cp_visit_date vdate FROM ssd_cp_visits "
                "WHERE cppv_cp_visit_seen = 1",
                std.cp_visit_working_days,
            )
        case "CP_VISITS_ALONE":
            return f"""SELECT per.pe, v.cppv_person_id pid, v.cppv_cp_visit_id item,
              coalesce(v.cppv_cp_visit_seen_alone, 0) num, 1 den,
              {nul} due, v.cppv_cp_visit_date done, 0 late
              FROM per JOIN ssd_cp_visits v ON {_in("v.cppv_cp_visit_date", "s3")}"""
        case "CP_2YEARS":
            return f"""SELECT per.pe, p.pid, p.plan_id item,
              CASE WHEN p.pend >= CAST(p.pstart + INTERVAL 24 MONTH AS DATE) THEN 1 ELSE 0 END num,
              1 den, {nul} due, p.pend done, 0 late
              FROM per JOIN cp_p p ON {_in("p.pend", "s12")}"""
        case "CP_SECOND_EVER":
            return f"""SELECT per.pe, p.pid, p.plan_id item,
              CASE WHEN p.seq > 1 THEN 1 ELSE 0 END num, 1 den,
              {nul} due, p.pstart done, 0 late
              FROM per JOIN cp_p p ON {_in("p.pstart", "s12")}"""
        case "CP_SECOND_2Y":
            return f"""SELECT per.pe, p.pid, p.plan_id item,
              CASE WHEN p.prev_end IS NOT NULL
                   AND p.pstart <= CAST(p.prev_end + INTERVAL 24 MONTH AS DATE)
                   THEN 1 ELSE 0 END num, 1 den, {nul} due, p.pstart done, 0 late
              FROM per JOIN cp_p p ON {_in("p.pstart", "s12")}"""
        case "CP_CATEGORY":
            return f"""SELECT per.pe, p.pid, min(p.plan_id) item,
              max(CASE WHEN p.cat = '{m.category}' THEN 1 ELSE 0 END) num, 1 den,
              {nul} due, min(p.pstart) done, 0 late
              FROM per JOIN cp_p p ON {_open_at("p.pstart", "p.pend")} GROUP BY per.pe, p.pid"""
        case "CIN_OPEN":
            return f"""SELECT per.pe, r.cine_person_id pid, min(r.cine_referral_id) item, 1 num,
              0 den, {nul} due, min(r.cine_referral_date) done, 0 late
              FROM per JOIN cin_open_x r ON {_open_at("r.cine_referral_date", "r.cine_close_date")}
              GROUP BY per.pe, r.cine_person_id"""
        case "CIN_REVIEW_FIRST":
            return _review_measure("cin_chain", "c.k = 1")
        case "CIN_REVIEW_LATER":
            return _review_measure("cin_chain", "c.k >= 2")
        case "CIN_VISITS_IN_TIME":
            return _visit_snapshot(
                "SELECT cinp_cin_plan_id plan_id, cinp_person_id pid, "
                "cinp_cin_plan_start_date pstart, cinp_cin_plan_end_date pend FROM ssd_cin_plans",
                "SELECT cinv_cin_plan_id plan_id, cinv_cin_visit_date vdate FROM ssd_cin_visits "
                "WHERE cinv_cin_visit_seen = 1",
                std.cin_visit_working_days,
            )
        case "CLA_OPEN":
            return f"""SELECT pe, pid, item, 1 num, 0 den, {nul} due, entered done, 0 late
              FROM cla_at"""
        case "CLA_REVIEW_FIRST":
            return _review_measure("cla_chain", "c.k = 1")
        case "CLA_REVIEW_SECOND":
            return _review_measure("cla_chain", "c.k = 2")
        case "CLA_REVIEW_LATER":
            return _review_measure("cla_chain", "c.k >= 3")
        case "CLA_REVIEWS_IN_TIME":
            return _review_snapshot("cla_chain")
        case "CLA_VISITS_IN_TIME":
            return f"""
            WITH v AS (SELECT clav_person_id pid, clav_cla_visit_date vdate FROM ssd_cla_visits
                       WHERE clav_cla_visit_seen = 1),
            j AS (SELECT pa.*, lv.vdate FROM place_at pa LEFT JOIN (
                    SELECT pa2.pe, pa2.pid, max(v.vdate) vdate FROM place_at pa2
                    JOIN v ON v.pid = pa2.pid AND v.vdate <= pa2.pe GROUP BY pa2.pe, pa2.pid
                  ) lv ON lv.pe = pa.pe AND lv.pid = pa.pid),
            b AS (SELECT *, CASE WHEN vdate >= pl_start THEN vdate END AS last_visit FROM j),
            d AS (SELECT *, CASE
                    WHEN last_visit IS NULL THEN pl_start + 7
                    WHEN long_term = 1
                         AND last_visit >= CAST(pl_start + INTERVAL 12 MONTH AS DATE)
                      THEN CAST(last_visit + INTERVAL 3 MONTH AS DATE)
                    ELSE last_visit + 42 END AS due FROM b)
            SELECT d.pe, d.pid, d.item, CASE WHEN d.pe <= d.due THEN 1 ELSE 0 END num, 1 den,
              d.due, d.last_visit done, {_late_due("d.due", "d.pe", "wd.w", "wp.w")} late
            FROM d {_wd("wd", "d.due")} {_wd("wp", "d.pe")}"""
        case "CLA_3PLUS_PLACEMENTS":
            return f"""SELECT c.pe, c.pid, c.item,
              CASE WHEN count(p.clap_cla_placement_id) >= 3 THEN 1 ELSE 0 END num, 1 den,
              {nul} due, {nul} done, count(p.clap_cla_placement_id)::INT late
              FROM cla_at c JOIN per ON per.pe = c.pe
              LEFT JOIN ssd_cla_placement p ON p.clap_person_id = c.pid
                AND p.clap_cla_placement_start_date <= c.pe
                AND (p.clap_cla_placement_end_date IS NULL
                     OR p.clap_cla_placement_end_date > per.s12)
              GROUP BY c.pe, c.pid, c.item"""
        case "CLA_LONG_TERM_STABILITY":
            return f"""SELECT c.pe, c.pid, c.item,
              CASE WHEN pa.pl_start <= CAST(c.pe - INTERVAL 24 MONTH AS DATE)
                   OR pa.ptype IN {ADOPTION_PLACEMENTS} THEN 1 ELSE 0 END num, 1 den,
              {nul} due, pa.pl_start done, 0 late
              FROM cla_at c JOIN ssd_person p ON p.pers_person_id = c.pid
              LEFT JOIN place_at pa ON pa.pe = c.pe AND pa.pid = c.pid
              WHERE age(p.pers_dob, c.pe) < 16
                AND c.entered <= CAST(c.pe - INTERVAL 30 MONTH AS DATE)"""
        case "CLA_HEALTH_ASSESSMENT" | "CLA_DENTAL":
            kind = "HEALTH_ASSESSMENT" if base == "CLA_HEALTH_ASSESSMENT" else "DENTAL"
            return f"""SELECT c.pe, c.pid, c.item,
              CASE WHEN max(h.clah_health_check_date) IS NOT NULL THEN 1 ELSE 0 END num, 1 den,
              {nul} due, max(h.clah_health_check_date) done, 0 late
              FROM cla_at c JOIN per ON per.pe = c.pe
              LEFT JOIN ssd_cla_health h ON h.clah_person_id = c.pid
                AND h.clah_health_check_type = '{kind}'
                AND {_in("h.clah_health_check_date", "s12")}
              WHERE c.entered <= per.s12
              GROUP BY c.pe, c.pid, c.item"""
        case "CLA_MISSING_CHILDREN":
            return f"""SELECT per.pe, c.pid, min(c.cla_id) item,
              CASE WHEN count(m.miss_table_id) > 0 THEN 1 ELSE 0 END num, 1 den,
              {nul} due, min(m.miss_missing_episode_start_date) done, 0 late
              FROM per JOIN cla_period c ON c.entered <= per.pe
                AND (c.left_care IS NULL OR c.left_care > per.s12)
              LEFT JOIN ssd_missing m ON m.miss_person_id = c.pid
                AND m.miss_missing_episode_type = 'M'
                AND {_in("m.miss_missing_episode_start_date", "s12")}
              GROUP BY per.pe, c.pid"""
        case "CLA_MISSING_EPISODES" | "CLA_ABSENT_EPISODES":
            t = "M" if base == "CLA_MISSING_EPISODES" else "A"
            return f"""SELECT per.pe, m.miss_person_id pid, m.miss_table_id item, 1 num, 0 den,
              {nul} due, m.miss_missing_episode_start_date done, 0 late
              FROM per JOIN missing_cla m ON {_in("m.miss_missing_episode_start_date", "s12")}
              WHERE m.miss_missing_episode_type = '{t}'"""
        case "CLA_RHI_OFFERED":
            return f"""SELECT per.pe, m.miss_person_id pid, m.miss_table_id item,
              coalesce(m.miss_missing_rhi_offered, 0) num, 1 den,
              {nul} due, m.miss_missing_episode_end_date done, 0 late
              FROM per JOIN missing_cla m ON {_in("m.miss_missing_episode_end_date", "s12")}
              WHERE m.miss_missing_episode_type = 'M'"""
        case "CLA_RHI_ACCEPTED":
            return f"""SELECT per.pe, m.miss_person_id pid, m.miss_table_id item,
              coalesce(m.miss_missing_rhi_accepted, 0) num, 1 den,
              {nul} due, m.miss_missing_episode_end_date done, 0 late
              FROM per JOIN missing_cla m ON {_in("m.miss_missing_episode_end_date", "s12")}
              WHERE m.miss_missing_episode_type = 'M' AND m.miss_missing_rhi_offered = 1"""
        case "CLA_OUT_OF_AREA":
            return f"""SELECT pe, pid, item,
              CASE WHEN pl_la IS NOT NULL AND pl_la <> '{la_code.replace("'", "''")}'
                THEN 1 ELSE 0 END num, 1 den,
              {nul} due, pl_start done, 0 late FROM place_at"""
        case "CLA_UASC":
            return f"""SELECT c.pe, c.pid, c.item, coalesce(p.pers_is_uasc, 0) num, 1 den,
              {nul} due, {nul} done, 0 late
              FROM cla_at c JOIN ssd_person p ON p.pers_person_id = c.pid"""
        case "CLA_PERMANENCE_PLAN":
            return f"""SELECT c.pe, c.pid, c.item,
              CASE WHEN bool_or(pm.perm_permanence_plan IS NOT NULL) THEN 1 ELSE 0 END num,
              1 den, {nul} due, {nul} done, 0 late
              FROM cla_at c LEFT JOIN ssd_permanence pm ON pm.perm_person_id = c.pid
                AND (pm.perm_cla_id IS NULL OR pm.perm_cla_id = c.item)
              WHERE c.entered <= CAST(c.pe - INTERVAL 4 MONTH AS DATE)
              GROUP BY c.pe, c.pid, c.item"""
        case (
            "CL_IN_TOUCH"
            | "CL_SUITABLE_ACCOMMODATION"
            | "CL_EET"
            | "CL_PATHWAY_PLAN"
            | ("CL_PA_ALLOCATED")
        ):
            cond = {
                "CL_IN_TOUCH": "l.clea_care_leaver_in_touch = 'YES'",
                "CL_SUITABLE_ACCOMMODATION": "l.clea_care_leaver_accom_suitable = 1",
                "CL_EET": f"l.clea_care_leaver_activity IN {EET_CODES}",
                "CL_PATHWAY_PLAN": "l.clea_pathway_plan_review_date > per.s6 "
                "AND l.clea_pathway_plan_review_date <= per.pe",
                "CL_PA_ALLOCATED": "l.clea_care_leaver_personal_advisor_id IS NOT NULL",
            }[base]
            due = (
                "CAST(l.clea_pathway_plan_review_date + INTERVAL 6 MONTH AS DATE)"
                if base == "CL_PATHWAY_PLAN"
                else nul
            )
            return f"""SELECT per.pe, l.clea_person_id pid, l.clea_table_id item,
              CASE WHEN {cond} THEN 1 ELSE 0 END num, 1 den, {due} due,
              l.clea_pathway_plan_review_date done, 0 late
              FROM per CROSS JOIN ssd_care_leavers l"""
        case "AD_A1_DAYS" | "AD_A1_WITHIN":
            val = "a.a1" if base == "AD_A1_DAYS" else "CASE WHEN a.a1 <= 426 THEN 1 ELSE 0 END"
            return f"""SELECT per.pe, a.pid, a.item, {val} num, 1 den, {nul} due,
              a.placed done, 0 late
              FROM per JOIN adopted_x a ON {_in("a.order_date", "s36")}
              WHERE a.a1 IS NOT NULL"""
        case "AD_A2_DAYS" | "AD_A2_WITHIN":
            val = "a.a2" if base == "AD_A2_DAYS" else "CASE WHEN a.a2 <= 121 THEN 1 ELSE 0 END"
            return f"""SELECT per.pe, a.pid, a.item, {val} num, 1 den, {nul} due,
              a.matched done, 0 late
              FROM per JOIN adopted_x a ON {_in("a.order_date", "s36")}
              WHERE a.a2 IS NOT NULL"""
        case "AD_STAGE1_DAYS":
            return f"""SELECT per.pe, CAST(NULL AS VARCHAR) pid, a.adop_adopter_id item,
              (a.adop_stage1_end_date - a.adop_stage1_start_date) num, 1 den,
              CAST(a.adop_stage1_start_date + INTERVAL 2 MONTH AS DATE) due,
              a.adop_stage1_end_date done, 0 late
              FROM per JOIN grip_adopters a ON {_in("a.adop_stage1_end_date", "s12")}
              WHERE a.adop_stage1_start_date IS NOT NULL"""
        case "AD_STAGE2_DAYS":
            return f"""SELECT per.pe, CAST(NULL AS VARCHAR) pid, a.adop_adopter_id item,
              (a.adop_approval_date - a.adop_stage2_start_date) num, 1 den,
              CAST(a.adop_stage2_start_date + INTERVAL 4 MONTH AS DATE) due,
              a.adop_approval_date done, 0 late
              FROM per JOIN grip_adopters a ON {_in("a.adop_approval_date", "s12")}
              WHERE a.adop_stage2_start_date IS NOT NULL"""
        case "WF_CASELOAD":
            # Children count in the numerator; each worker holding a case counts once in the
            # denominator (rows with no child, sliced by the worker's own team).
            return f"""SELECT o.pe, o.pid, a.worker item, 1 num, 0 den, {nul} due, {nul} done,
              0 late FROM cin_open_at o JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid
              UNION ALL
              SELECT a.pe, CAST(NULL AS VARCHAR) pid, 'worker:' || a.worker item, 0 num, 1 den,
              {nul} due, {nul} done, 0 late
              FROM cin_open_at o JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid
              GROUP BY a.pe, a.worker"""
        case "WF_UNALLOCATED":
            return f"""SELECT o.pe, o.pid, o.item, 1 num, 0 den, {nul} due, o.since done, 0 late
              FROM cin_open_at o ANTI JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid"""
    raise MeasuresError(f"measure {m.id} has no implementation in the engine")


def implemented_ids(defs: Definitions) -> set[str]:
    """Ids of the defined measures the engine implements (all, when the code is complete)."""
    std = LAStandards(None, 10, 20)
    out = set()
    for m in defs.measures:
        try:
            _sql_for(m, "X", std)
            out.add(m.id)
        except MeasuresError:
            pass
    return out


_HELPERS = """
CREATE TABLE contacts_x AS
  SELECT c.*, EXISTS (SELECT 1 FROM ssd_cin_episodes r WHERE r.cine_contact_id = c.cont_contact_id)
    AS has_ref
  FROM ssd_contacts c;
CREATE TABLE referrals_x AS
  SELECT r.*, c.cont_contact_date AS contact_date, wr.w AS w_ref, wc.w AS w_contact,
    k1.d AS due1,
    lag(r.cine_referral_date) OVER (PARTITION BY r.cine_person_id
      ORDER BY r.cine_referral_date, r.cine_referral_id) AS prev_ref
  FROM ssd_cin_episodes r LEFT JOIN ssd_contacts c ON c.cont_contact_id = r.cine_contact_id
  LEFT JOIN cal_w wr ON wr.d = r.cine_referral_date
  LEFT JOIN cal_w wc ON wc.d = c.cont_contact_date
  LEFT JOIN cal_k k1 ON k1.k = wc.w + 1;
CREATE TABLE cin_open_x AS SELECT * FROM ssd_cin_episodes WHERE coalesce(cine_referral_nfa, 0) = 0;
CREATE TABLE assess_seen AS
  SELECT DISTINCT a.cina_assessment_id
  FROM ssd_cin_assessments a JOIN ssd_cin_visits v ON v.cinv_person_id = a.cina_person_id
    AND v.cinv_cin_visit_seen = 1
    AND v.cinv_cin_visit_date >= a.cina_assessment_start_date
    AND v.cinv_cin_visit_date <= a.cina_assessment_auth_date;
CREATE TABLE assess_x AS
  SELECT a.*, coalesce(r.cine_referral_date, a.cina_assessment_start_date) AS astart,
    wa.w - ws.w AS wd, k45.d AS due45,
    (coalesce(a.cina_assessment_child_seen, 0) = 1 OR s.cina_assessment_id IS NOT NULL) AS seen
  FROM ssd_cin_assessments a LEFT JOIN ssd_cin_episodes r ON r.cine_referral_id = a.cina_referral_id
  LEFT JOIN assess_seen s ON s.cina_assessment_id = a.cina_assessment_id
  LEFT JOIN cal_w wa ON wa.d = a.cina_assessment_auth_date
  LEFT JOIN cal_w ws ON ws.d = coalesce(r.cine_referral_date, a.cina_assessment_start_date)
  LEFT JOIN cal_k k45 ON k45.k = ws.w + 45
  WHERE a.cina_assessment_auth_date IS NOT NULL;
CREATE TABLE s47_x AS
  SELECT s.*, lag(s.s47e_s47_start_date) OVER (PARTITION BY s.s47e_person_id
    ORDER BY s.s47e_s47_start_date, s.s47e_s47_enquiry_id) AS prev_start
  FROM ssd_s47_enquiry s;
CREATE TABLE icpc_x AS
  SELECT i.*, coalesce(s.s47e_strategy_discussion_date, s.s47e_s47_start_date) AS strat,
    wi.w - wst.w AS wd, k15.d AS due15
  FROM ssd_initial_cp_conference i
  LEFT JOIN ssd_s47_enquiry s ON s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
  LEFT JOIN cal_w wi ON wi.d = i.icpc_icpc_date
  LEFT JOIN cal_w wst ON wst.d = coalesce(s.s47e_strategy_discussion_date, s.s47e_s47_start_date)
  LEFT JOIN cal_k k15 ON k15.k = wst.w + 15
  WHERE coalesce(i.icpc_icpc_transfer_in, 0) = 0;
CREATE TABLE cp_p AS
  SELECT cppl_cp_plan_id plan_id, cppl_person_id pid, cppl_cp_plan_start_date pstart,
    cppl_cp_plan_end_date pend, cppl_cp_plan_initial_category cat,
    row_number() OVER w AS seq, lag(cppl_cp_plan_end_date) OVER w AS prev_end
  FROM ssd_cp_plans
  WINDOW w AS (PARTITION BY cppl_person_id ORDER BY cppl_cp_plan_start_date, cppl_cp_plan_id);
CREATE TABLE cla_period AS
  SELECT clae_cla_id cla_id, any_value(clae_person_id) pid, min(clae_entered_care_date) entered,
    CASE WHEN bool_or(clae_cla_episode_ceased_date IS NULL) THEN NULL
         ELSE max(clae_cla_episode_ceased_date) END AS left_care
  FROM ssd_cla_episodes GROUP BY clae_cla_id;
CREATE TABLE cla_at AS
  SELECT per.pe, c.pid, min(c.cla_id) item, min(c.entered) entered
  FROM per JOIN cla_period c
    ON c.entered <= per.pe AND (c.left_care IS NULL OR c.left_care > per.pe)
  GROUP BY per.pe, c.pid;
CREATE TABLE place_at AS
  SELECT c.pe, c.pid, arg_max(p.clap_cla_placement_id, p.clap_cla_placement_start_date) item,
    max(p.clap_cla_placement_start_date) pl_start,
    arg_max(p.clap_cla_placement_type, p.clap_cla_placement_start_date) ptype,
    arg_max(p.clap_cla_placement_la, p.clap_cla_placement_start_date) pl_la,
    arg_max(coalesce(p.clap_cla_placement_long_term, 0), p.clap_cla_placement_start_date) long_term
  FROM cla_at c JOIN ssd_cla_placement p ON p.clap_person_id = c.pid
    AND p.clap_cla_placement_start_date <= c.pe
    AND (p.clap_cla_placement_end_date IS NULL OR p.clap_cla_placement_end_date > c.pe)
  GROUP BY c.pe, c.pid;
CREATE TABLE missing_cla AS
  SELECT m.* FROM ssd_missing m WHERE EXISTS (
    SELECT 1 FROM cla_period c WHERE c.pid = m.miss_person_id
      AND c.entered <= m.miss_missing_episode_start_date
      AND (c.left_care IS NULL OR c.left_care >= m.miss_missing_episode_start_date));
CREATE TABLE adopted_x AS
  SELECT pm.perm_person_id pid, pm.perm_table_id item, pm.perm_permanence_order_date order_date,
    pm.perm_placed_for_adoption_date placed, pm.perm_matched_date matched,
    pm.perm_placed_for_adoption_date - coalesce(
      (SELECT min(c.entered) FROM cla_period c WHERE c.cla_id = pm.perm_cla_id),
      (SELECT min(c.entered) FROM cla_period c WHERE c.pid = pm.perm_person_id)) AS a1,
    pm.perm_matched_date - pm.perm_placement_order_date AS a2
  FROM ssd_permanence pm
  WHERE pm.perm_permanence_order_type = 'ADOPTION' AND pm.perm_permanence_order_date IS NOT NULL;
CREATE TABLE cin_open_at AS
  SELECT per.pe, r.cine_person_id pid, min(r.cine_referral_id) item,
    min(r.cine_referral_date) since
  FROM per JOIN cin_open_x r ON r.cine_referral_date <= per.pe
    AND (r.cine_close_date IS NULL OR r.cine_close_date > per.pe)
  GROUP BY per.pe, r.cine_person_id;
CREATE TABLE alloc AS
  SELECT per.pe, i.invo_person_id pid,
    arg_max(i.invo_professional_id, i.invo_involvement_start_date) worker,
    arg_max(coalesce(i.invo_professional_team_id, pr.prof_professional_team_id),
            i.invo_involvement_start_date) team
  FROM per JOIN ssd_involvements i ON i.invo_professional_role = 'SW'
    AND i.invo_involvement_start_date <= per.pe
    AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date > per.pe)
  LEFT JOIN ssd_professionals pr ON pr.prof_professional_id = i.invo_professional_id
  GROUP BY per.pe, i.invo_person_id;
"""


_UA_VIEW = """
CREATE VIEW ua AS
SELECT u.*,
  coalesce(dep.dept_team_name, CASE WHEN u.pid IS NULL AND wk.prof_professional_id IS NULL
                                    THEN 'Not applicable' ELSE 'Unallocated' END) team,
  coalesce(pr.prof_professional_name || ' (' || pr.prof_professional_id || ')',
           CASE WHEN u.pid IS NULL THEN 'Not applicable' ELSE 'Unallocated' END) worker,
  coalesce(pr.prof_professional_id,
           CASE WHEN u.pid IS NULL THEN 'Not applicable' ELSE 'Unallocated' END) worker_key,
  CASE WHEN p.pers_dob IS NULL THEN 'Not applicable'
       WHEN age(p.pers_dob, u.pe) < 1 THEN 'Under 1'
       WHEN age(p.pers_dob, u.pe) < 5 THEN '1 to 4'
       WHEN age(p.pers_dob, u.pe) < 10 THEN '5 to 9'
       WHEN age(p.pers_dob, u.pe) < 16 THEN '10 to 15'
       WHEN age(p.pers_dob, u.pe) < 18 THEN '16 to 17'
       ELSE '18 and over' END age_band,
  coalesce(p.pers_sex, 'Not applicable') sex,
  coalesce(p.pers_ethnicity, 'Not applicable') ethnicity,
  CASE WHEN p.pers_person_id IS NULL THEN 'Not applicable'
       WHEN dis.pid IS NOT NULL THEN 'Disabled' ELSE 'Not disabled' END disability
FROM u
LEFT JOIN ssd_person p ON p.pers_person_id = u.pid
LEFT JOIN alloc a ON a.pe = u.pe AND a.pid = u.pid
LEFT JOIN ssd_professionals wk ON u.pid IS NULL AND u.item LIKE 'worker:%'
  AND wk.prof_professional_id = substr(u.item, 8)
LEFT JOIN ssd_professionals pr
  ON pr.prof_professional_id = coalesce(a.worker, wk.prof_professional_id)
LEFT JOIN ssd_department dep
  ON dep.dept_team_id = coalesce(a.team, wk.prof_professional_team_id)
LEFT JOIN (SELECT DISTINCT disa_person_id pid FROM ssd_disability
           WHERE disa_disability_code <> 'NONE') dis ON dis.pid = u.pid
"""


def _chains() -> list[_Chain]:
    return [
        _Chain(
            "cp_chain",
            "SELECT plan_id, pid, pstart, pend FROM cp_p",
            "SELECT cppr_cp_plan_id plan_id, cppr_cp_review_date held FROM ssd_cp_reviews",
            (("months", 3), ("months", 6), ("months", 6)),
        ),
        _Chain(
            "cin_chain",
            "SELECT cinp_cin_plan_id plan_id, cinp_person_id pid, cinp_cin_plan_start_date pstart,"
            " cinp_cin_plan_end_date pend FROM ssd_cin_plans",
            "SELECT cinr_cin_plan_id plan_id, cinr_cin_review_date held FROM grip_cin_reviews",
            (("months", 3), ("months", 6), ("months", 6)),
        ),
        _Chain(
            "cla_chain",
            "SELECT cla_id plan_id, pid, entered pstart, left_care pend FROM cla_period",
            "SELECT clar_cla_id plan_id, clar_cla_review_date held FROM ssd_cla_reviews",
            (("working_days", 20), ("months", 3), ("months", 6)),
        ),
    ]


def _setup_calendar(con: duckdb.DuckDBPyConnection) -> None:
    """The England working-day index: ``cal_w(d, w)`` per day, ``cal_k(k, d)`` per working day.

    ``w`` counts working days from ``CAL_START`` up to and including ``d`` (as
    ``grip.calendar.working_day_number``, from a different origin: only differences are used), so
    "n working days from a to b" is ``w(b) - w(a)`` and "n working days after a" is the day
    whose ``k`` is ``w(a) + n``. Only the bank holidays cross from Python; DuckDB numbers the
    31,000 days itself with a running sum.
    """
    hols = [
        h.date
        for y in range(CAL_START.year, CAL_END.year + 1)
        for h in bank_holidays(y)
        if CAL_START <= h.date <= CAL_END
    ]
    con.execute(
        """CREATE TABLE cal_w AS
        WITH days AS (
          SELECT CAST(d AS DATE) AS d FROM range(CAST($1 AS DATE), CAST($2 AS DATE) + 1,
                                                  INTERVAL 1 DAY) t(d)),
        hol AS (SELECT CAST(unnest($3) AS DATE) AS d)
        SELECT days.d, CAST(sum(CASE WHEN isodow(days.d) <= 5 AND hol.d IS NULL THEN 1 ELSE 0 END)
                 OVER (ORDER BY days.d) AS INTEGER) AS w,
               isodow(days.d) <= 5 AND hol.d IS NULL AS working
        FROM days LEFT JOIN hol ON hol.d = days.d""",
        [CAL_START, CAL_END, hols],
    )
    con.execute("CREATE TABLE cal_k AS SELECT w AS k, d FROM cal_w WHERE working")
    con.execute(
        "CREATE MACRO age(dob, d) AS year(d) - year(dob) - CASE WHEN month(d) * 100 + day(d) "
        "< month(dob) * 100 + day(dob) THEN 1 ELSE 0 END"
    )


def _setup_periods(con: duckdb.DuckDBPyConnection, points: Sequence[date]) -> None:
    rows = [(p,) for p in points]
    con.execute("CREATE TABLE per (pe DATE)")
    con.executemany("INSERT INTO per VALUES (?)", rows)
    cols = ", ".join(
        f"CAST(pe - INTERVAL {n} MONTH AS DATE) AS s{n}" for n in (1, 3, 6, 12, 24, 30, 36)
    )
    con.execute(
        f"CREATE OR REPLACE TABLE per AS SELECT per.pe, {cols}, c.w AS wpe "
        "FROM per JOIN cal_w c ON c.d = per.pe"
    )


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One measure at one point, for the whole LA or one slice."""

    measure_id: str
    period_end: date
    dimension: str  # "all" or one of DIMENSIONS
    slice: str  # "All" or the slice's value
    numerator: float
    denominator: float | None
    value: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "date": self.period_end.isoformat(),
            "dimension": self.dimension,
            "slice": self.slice,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
        }


@dataclass(frozen=True)
class ChildRow:
    """One row of the child-level list behind a figure."""

    measure_id: str
    period_end: date
    person_id: str | None
    item_id: str
    in_numerator: float
    in_denominator: float
    due: date | None
    done: date | None
    working_days_late: int
    team: str
    worker: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "person_id": self.person_id,
            "item_id": self.item_id,
            "numerator": self.in_numerator,
            "denominator": self.in_denominator,
            "due": self.due.isoformat() if self.due else None,
            "done": self.done.isoformat() if self.done else None,
            "working_days_late": self.working_days_late,
            "team": self.team,
            "worker": self.worker,
        }


@dataclass(frozen=True)
class DriftRow:
    """A child on a drift list, with why."""

    drift_id: str
    person_id: str
    since: date | None
    detail: str
    team: str
    worker: str


def _value(
    m: Measure, num: float, den: float | None, population: int | None
) -> tuple[float | None, float | None]:
    """(denominator, value) of a measure from the summed unit rows."""
    if m.unit == "count":
        return None, num
    if m.unit == "per_10k":
        if not population:
            return None, None
        d = population / 10_000
        return d, round(num / d, 1)
    if not den:
        return den, None
    if m.unit == "percent":
        return den, round(100 * num / den, 1)
    return den, round(num / den, 1)


@dataclass
class MeasuresRun:
    """All measures for one LA at monthly points, with the unit rows kept for drill-down."""

    la_code: str
    on: date
    points: list[date]
    definitions: Definitions
    standards: LAStandards
    con: duckdb.DuckDBPyConnection
    values: list[Value] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def _by_measure(self) -> dict[tuple[str, str], list[Value]]:
        """Values by (measure, dimension), in computed order (oldest point first)."""
        index: dict[tuple[str, str], list[Value]] = {}
        for v in self.values:
            index.setdefault((v.measure_id, v.dimension), []).append(v)
        return index

    def whole(self, measure_id: str) -> list[Value]:
        """The measure's whole-LA values, oldest point first."""
        return list(self._by_measure.get((measure_id, "all"), []))

    def at(self, measure_id: str, on: date | None = None) -> Value:
        """The measure's whole-LA value at a point (default: the run's date)."""
        on = on or self.on
        for v in self._by_measure.get((measure_id, "all"), []):
            if v.period_end == on:
                return v
        raise MeasuresError(f"no value for {measure_id} at {on}")

    def slices(self, measure_id: str, dimension: str, on: date | None = None) -> list[Value]:
        """The measure's values by one dimension (slices are computed at the run's date only)."""
        on = on or self.on
        return [v for v in self._by_measure.get((measure_id, dimension), []) if v.period_end == on]

    def children(
        self,
        measure_id: str,
        on: date | None = None,
        *,
        only_numerator: bool | None = None,
        dimension: str | None = None,
        slice_value: str | None = None,
    ) -> list[ChildRow]:
        """The child-level rows behind a figure (optionally one slice, or one side of it).

        Any point of the run may be asked for; DuckDB computes only that measure at that date.
        A worker slice is selected by the worker's id (:func:`slice_key`).
        """
        on = on or self.on
        defs = self.definitions.by_id()
        if measure_id not in defs:
            raise MeasuresError(f"unknown measure {measure_id}")
        mid = RATE_OF.get(measure_id, measure_id)
        sql = "SELECT * FROM ua WHERE mid = ? AND pe = ?"
        params: list[Any] = [mid, on]
        if only_numerator is True:
            sql += " AND num > 0"
        elif only_numerator is False:
            sql += " AND num = 0"
        if dimension is not None:
            if dimension not in DIMENSIONS:
                raise MeasuresError(f"unknown dimension {dimension}; one of {DIMENSIONS}")
            # A worker slice is chosen by the worker's id (see slice_key), never by name.
            sql += f" AND {'worker_key' if dimension == 'worker' else dimension} = ?"
            params.append(slice_value)
            # Restricted children are in whole-LA figures only: no slice lists them, for anyone.
            sql += f" AND {_NOT_RESTRICTED}"
        sql += " ORDER BY late DESC, pid, item"
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            r = dict(zip(names, row, strict=True))
            out.append(
                ChildRow(
                    measure_id=measure_id,
                    period_end=on,
                    person_id=r["pid"],
                    item_id=str(r["item"]),
                    in_numerator=float(r["num"]),
                    in_denominator=float(r["den"]),
                    due=r["due"],
                    done=r["done"],
                    working_days_late=int(r["late"] or 0),
                    team=r["team"],
                    worker=r["worker"],
                )
            )
        return out

    def compliance(self, measure_id: str, on: date | None = None) -> list[ChildRow]:
        """Children not meeting a timescale measure at a point, most overdue first."""
        return self.children(measure_id, on, only_numerator=False)

    def drift(self, on: date | None = None) -> dict[str, list[DriftRow]]:
        """Every drift list at a point (default: the run's date)."""
        return _drift(self.con, on or self.on)

    def as_json(self) -> dict[str, Any]:
        """Every measure's value, numerator and denominator, for ``grip measures --json``."""
        out: list[dict[str, Any]] = []
        for m in self.definitions.measures:
            vals = [v for v in self.values if v.measure_id == m.id]
            out.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "area": m.area,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "trend": [v.as_dict() for v in vals if v.dimension == "all"],
                    "slices": [
                        v.as_dict()
                        for v in vals
                        if v.dimension != "all" and v.period_end == self.on
                    ],
                }
            )
        return {
            "la_code": self.la_code,
            "date": self.on.isoformat(),
            "points": [p.isoformat() for p in self.points],
            "definitions_version": self.definitions.version,
            "standards": {
                "child_population": self.standards.child_population,
                "cp_visit_working_days": self.standards.cp_visit_working_days,
                "cin_visit_working_days": self.standards.cin_visit_working_days,
            },
            "measures": out,
        }


def slice_key(dimension: str, value: str) -> str:
    """What selects a slice in :meth:`MeasuresRun.children`: the value itself, except for a
    worker ("Name (ID)"), which is chosen by the id alone so links carry no one's name."""
    if dimension == "worker" and value.endswith(")") and " (" in value:
        return value[value.rindex(" (") + 2 : -1]
    return value


def _drift(con: duckdb.DuckDBPyConnection, on: date) -> dict[str, list[DriftRow]]:
    d = on.isoformat()
    m3 = add_months(on, -3).isoformat()
    m12 = add_months(on, -12).isoformat()
    queries = {
        "DRIFT_OPEN_LONG": f"""
          WITH act AS (
            SELECT cina_person_id pid, cina_assessment_start_date d FROM ssd_cin_assessments
            UNION ALL SELECT cina_person_id, cina_assessment_auth_date FROM ssd_cin_assessments
            UNION ALL SELECT cinr_person_id, cinr_cin_review_date FROM grip_cin_reviews
            UNION ALL SELECT cppr_person_id, cppr_cp_review_date FROM ssd_cp_reviews
            UNION ALL SELECT clar_person_id, clar_cla_review_date FROM ssd_cla_reviews
            UNION ALL SELECT icpc_person_id, icpc_icpc_date FROM ssd_initial_cp_conference
            UNION ALL SELECT cppv_person_id, cppv_cp_visit_date FROM ssd_cp_visits
            UNION ALL SELECT cinv_person_id, cinv_cin_visit_date FROM ssd_cin_visits
            UNION ALL SELECT clav_person_id, clav_cla_visit_date FROM ssd_cla_visits)
          SELECT r.cine_person_id pid, min(r.cine_referral_date) since,
            'open since ' || strftime(min(r.cine_referral_date), '%d/%m/%Y')
              || '; last activity ' || coalesce(strftime(
                (SELECT max(a.d) FROM act a WHERE a.pid = r.cine_person_id AND a.d <= DATE '{d}'),
                '%d/%m/%Y'), 'none') detail
          FROM cin_open_x r
          WHERE r.cine_referral_date <= DATE '{m12}'
            AND (r.cine_close_date IS NULL OR r.cine_close_date > DATE '{d}')
            AND NOT EXISTS (SELECT 1 FROM act a WHERE a.pid = r.cine_person_id
                            AND a.d > DATE '{m3}' AND a.d <= DATE '{d}')
          GROUP BY r.cine_person_id""",
        "DRIFT_REPEAT_S47": f"""
          SELECT s.s47e_person_id pid, min(s.s47e_s47_start_date) since,
            count(*) || ' enquiries in 12 months, no plan' detail
          FROM ssd_s47_enquiry s
          WHERE s.s47e_s47_start_date > DATE '{m12}' AND s.s47e_s47_start_date <= DATE '{d}'
            AND NOT EXISTS (SELECT 1 FROM ssd_cp_plans p WHERE p.cppl_person_id = s.s47e_person_id
              AND p.cppl_cp_plan_start_date > DATE '{m12}'
              AND p.cppl_cp_plan_start_date <= DATE '{d}')
          GROUP BY s.s47e_person_id HAVING count(*) >= 2""",
        "DRIFT_PRE_PROCEEDINGS": f"""
          SELECT prep_person_id pid, min(prep_pre_pro_decision_date) since,
            (DATE '{d}' - min(prep_pre_pro_decision_date)) || ' days in pre-proceedings' detail
          FROM ssd_pre_proceedings
          WHERE prep_pre_pro_decision_date <= DATE '{d}' - 112
            AND (prep_outcome_date IS NULL OR prep_outcome_date > DATE '{d}')
            AND coalesce(prep_pre_pro_outcome, 'ONGOING') IN ('ONGOING', '')
          GROUP BY prep_person_id""",
        "DRIFT_PLACEMENT_MOVES": f"""
          SELECT clap_person_id pid, min(clap_cla_placement_end_date) since,
            count(*) || ' placement end(s) not for the care plan: '
              || string_agg(DISTINCT clap_cla_placement_change_reason, ', ') detail
          FROM ssd_cla_placement
          WHERE clap_cla_placement_end_date > DATE '{m12}'
            AND clap_cla_placement_end_date <= DATE '{d}'
            AND clap_cla_placement_change_reason IS NOT NULL
            AND clap_cla_placement_change_reason NOT IN ('CARPL', 'PLACE')
          GROUP BY clap_person_id""",
    }
    out: dict[str, list[DriftRow]] = {}
    for did, sql in queries.items():
        rows = con.execute(
            f"""SELECT q.pid, q.since, q.detail,
                  coalesce(dep.dept_team_name, 'Unallocated') team,
                  coalesce(pr.prof_professional_name, 'Unallocated') worker
                FROM ({sql}) q
                LEFT JOIN (SELECT i.invo_person_id pid,
                      arg_max(i.invo_professional_id, i.invo_involvement_start_date) worker,
                      arg_max(i.invo_professional_team_id, i.invo_involvement_start_date) team
                    FROM ssd_involvements i WHERE i.invo_professional_role = 'SW'
                      AND i.invo_involvement_start_date <= DATE '{d}'
                      AND (i.invo_involvement_end_date IS NULL
                           OR i.invo_involvement_end_date > DATE '{d}')
                    GROUP BY i.invo_person_id) al ON al.pid = q.pid
                LEFT JOIN ssd_professionals pr ON pr.prof_professional_id = al.worker
                LEFT JOIN ssd_department dep ON dep.dept_team_id = coalesce(al.team,
                  pr.prof_professional_team_id)
                ORDER BY q.since, q.pid"""
        ).fetchall()
        out[did] = [DriftRow(did, r[0], r[1], r[2], r[3], r[4]) for r in rows]
    return out


#: Restricted children count in whole-LA totals only. A slice (by team, worker, age band, sex,
#: ethnicity, disability) that counted them would tell a reader who can see the slice but not
#: the child what the hidden child is like (penetration test, December 2026); so every slice,
#: and every list behind a slice, leaves them out. The whole-LA figure minus the sum of a
#: dimension's slices is the same number for every dimension: it says how many restricted
#: children a measure holds, never which or what they are.
_NOT_RESTRICTED = "(pid IS NULL OR pid NOT IN (SELECT pid FROM restricted_case))"


def _load_restricted(engine: Engine, la_code: str, con: duckdb.DuckDBPyConnection) -> None:
    """The LA's restricted person ids into ``restricted_case`` (read through ``engine``, which
    on PostgreSQL is the LA's :func:`~grip.store.db.la_engine`)."""
    from grip.access.models import CaseRestriction

    t = CaseRestriction.__table__
    with engine.connect() as conn:
        ids = conn.execute(select(t.c.person_id).where(t.c.la_code == la_code)).scalars().all()
    con.execute("CREATE TABLE restricted_case (pid VARCHAR PRIMARY KEY)")
    if ids:
        con.executemany("INSERT INTO restricted_case VALUES (?)", [(str(i),) for i in set(ids)])


def compute(
    engine: Engine,
    la_code: str,
    on: date,
    months: int = 12,
    *,
    settings: Settings | None = None,
    definitions: Definitions | None = None,
    measure_ids: Sequence[str] | None = None,
) -> MeasuresRun:
    """Compute every measure (or ``measure_ids``) for ``la_code`` at ``months`` monthly points.

    Raises :class:`MeasuresError` for an unknown LA or measure.
    """
    from grip.store.base import LocalAuthority

    defs = definitions or load_definitions()
    la_t = LocalAuthority.__table__
    with engine.connect() as conn:
        if conn.execute(select(la_t.c.code).where(la_t.c.code == la_code)).first() is None:
            raise MeasuresError(
                f"unknown LA code {la_code!r}: no such local authority in the store"
            )
    std = la_standards(engine, la_code, settings)
    points = monthly_points(on, months)
    wanted = defs.measures
    if measure_ids is not None:
        known = defs.by_id()
        unknown = [i for i in measure_ids if i not in known]
        if unknown:
            raise MeasuresError(f"unknown measure ids: {unknown}")
        ids = set(measure_ids) | {RATE_OF[i] for i in measure_ids if i in RATE_OF}
        wanted = [m for m in defs.measures if m.id in ids]

    t0 = time.perf_counter()
    con = duckdb.connect(config={"threads": 2})
    counts = load_la(engine, la_code, con)
    _load_restricted(engine, la_code, con)
    t1 = time.perf_counter()
    _setup_calendar(con)
    _setup_periods(con, points)
    con.execute(_HELPERS)
    for c in _chains():
        con.execute(_chain_sql(c))
    t2 = time.perf_counter()

    parts = []
    for m in wanted:
        sql = _sql_for(m, la_code, std)
        if sql is None:
            continue
        parts.append(
            f"SELECT '{m.id}' AS mid, pe, CAST(pid AS VARCHAR) pid, CAST(item AS VARCHAR) item, "
            f"CAST(num AS DOUBLE) num, CAST(den AS DOUBLE) den, CAST(due AS DATE) due, "
            f"CAST(done AS DATE) done, CAST(late AS INTEGER) late FROM ({sql})"
        )
    con.execute("CREATE VIEW u AS " + "\nUNION ALL\n".join(parts))
    # Slicing attributes of each unit row at its point, as a view: the whole-LA figures never
    # need them, the slices need them only at the run's date, and a drill-down reads one
    # measure at one point, so DuckDB joins them only for the rows asked for.
    con.execute(_UA_VIEW)
    t3 = time.perf_counter()
    whole = con.execute("SELECT mid, pe, sum(num), sum(den) FROM u GROUP BY mid, pe").fetchall()
    sets = ", ".join(f"(mid, {d})" for d in DIMENSIONS)
    grouping = ", ".join(f"GROUPING({d}) AS g_{d}" for d in DIMENSIONS)
    sliced = con.execute(
        f"""SELECT mid, {", ".join(DIMENSIONS)}, {grouping}, sum(num), sum(den)
            FROM ua WHERE pe = ? AND {_NOT_RESTRICTED}
            GROUP BY GROUPING SETS ({sets})""",
        [on],
    ).fetchall()
    t4 = time.perf_counter()

    by_id = defs.by_id()
    nd = len(DIMENSIONS)
    sums: dict[tuple[str, date, str, str], tuple[float, float]] = {}
    for mid, pe, num, den in whole:
        sums[(mid, pe, "all", "All")] = (float(num or 0), float(den or 0))
    for r in sliced:
        mid = r[0]
        dims, flags = r[1 : 1 + nd], r[1 + nd : 1 + 2 * nd]
        for name, v, g in zip(DIMENSIONS, dims, flags, strict=True):
            if g == 0:
                sums[(mid, on, name, str(v))] = (float(r[-2] or 0), float(r[-1] or 0))
    by_mid: dict[str, set[tuple[date, str, str]]] = {}
    for k in sums:
        by_mid.setdefault(k[0], set()).add((k[1], k[2], k[3]))
    values: list[Value] = []
    for m in wanted:
        src = RATE_OF.get(m.id, m.id)
        present = set(by_mid.get(src, set()))
        for p in points:
            if (p, "all", "All") not in present:
                present.add((p, "all", "All"))
        for pe, dim, val in sorted(present, key=lambda x: (x[0], x[1], x[2])):
            num, den = sums.get((src, pe, dim, val), (0.0, 0.0))
            if m.unit == "per_10k" and dim != "all":
                # No population by slice: rates are for the whole LA only.
                values.append(Value(m.id, pe, dim, val, num, None, None))
                continue
            d, v = _value(by_id[m.id], num, den, std.child_population)
            values.append(Value(m.id, pe, dim, val, num, d, v))
    t5 = time.perf_counter()
    return MeasuresRun(
        la_code=la_code,
        on=on,
        points=points,
        definitions=defs,
        standards=std,
        con=con,
        values=values,
        timings={
            "load": t1 - t0,
            "prepare": t2 - t1,
            "unit_rows": t3 - t2,
            "aggregate": t4 - t3,
            "values": t5 - t4,
            "total": t5 - t0,
        },
        row_counts=counts,
    )
