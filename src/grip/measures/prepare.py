# ruff: noqa: S608 - SQL is assembled from constants in code and the definitions file.
"""Prepare an LA's data for the measure queries: calendar, monthly points, helper tables, chains.

After :func:`grip.measures.loader.load_la` has copied the case tables into DuckDB, these build
the England working-day index (``cal_w``: the working-day number ``w`` of every day; ``cal_k``:
the day of every number; the same calendar as ``grip.calendar``), the monthly points (``per``),
helper tables (periods of care, placements, allocations …) and the review chains, whose
intervals are read from the review measures in ``definitions.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from grip.calendar import bank_holidays
from grip.casedata.facts import (
    SHORT_BREAK_STATUSES,
    age_on_sql,
    allocated_on_sql,
    open_during_sql,
    open_on_sql,
)
from grip.measures.definitions import Measure
from grip.measures.sqlkit import BASE_WINDOWS, SqlContext, kth, wd

SHORT_BREAKS_SQL = ", ".join(f"'{s}'" for s in sorted(SHORT_BREAK_STATUSES))
CAL_START = date(1990, 1, 1)
CAL_END = date(2075, 12, 31)


def windows_of(measures: Sequence[Measure]) -> list[int]:
    """Every window length (months) the ``per`` table needs for these measures."""
    return sorted({*BASE_WINDOWS, *(m.window_months for m in measures if m.window_months)})


def setup_calendar(con: duckdb.DuckDBPyConnection) -> None:
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
    con.execute(f"CREATE MACRO age(dob, d) AS {age_on_sql('dob', 'd')}")


def setup_periods(
    con: duckdb.DuckDBPyConnection, points: Sequence[date], windows: Sequence[int] = BASE_WINDOWS
) -> None:
    """The monthly points ``per(pe, s<n>…, wpe)``: each point, the start of every window, and
    the point's working-day number."""
    rows = [(p,) for p in points]
    con.execute("CREATE TABLE per (pe DATE)")
    con.executemany("INSERT INTO per VALUES (?)", rows)
    cols = ", ".join(f"CAST(pe - INTERVAL {n} MONTH AS DATE) AS s{n}" for n in sorted(set(windows)))
    con.execute(
        f"CREATE OR REPLACE TABLE per AS SELECT per.pe, {cols}, c.w AS wpe "
        "FROM per JOIN cal_w c ON c.d = per.pe"
    )


_CLA_OPEN = open_on_sql("c.entered", "c.left_care", "per.pe")
_PLACEMENT_OPEN = open_on_sql(
    "p.clap_cla_placement_start_date", "p.clap_cla_placement_end_date", "c.pe"
)
_CIN_OPEN = open_on_sql("r.cine_referral_date", "r.cine_close_date", "per.pe")
_LEGAL_IN_PERIOD = open_during_sql(
    "l.lega_legal_status_start_date",
    "l.lega_legal_status_end_date",
    "c.entered",
    "coalesce(c.left_care, DATE '9999-12-31')",
)
_IN_CARE_WHEN_MISSING = open_during_sql(
    "c.entered",
    "c.left_care",
    "m.miss_missing_episode_start_date",
    "m.miss_missing_episode_start_date",
)

HELPERS = f"""
CREATE TABLE contacts_x AS
  SELECT c.*, EXISTS (SELECT 1 FROM ssd_cin_episodes r WHERE r.cine_contact_id = c.cont_contact_id)
    AS has_ref
  FROM ssd_contacts c;
CREATE TABLE referrals_x AS
  SELECT r.*, c.cont_contact_date AS contact_date, wr.w AS w_ref, wc.w AS w_contact,
    lag(r.cine_referral_date) OVER (PARTITION BY r.cine_person_id
      ORDER BY r.cine_referral_date, r.cine_referral_id) AS prev_ref
  FROM ssd_cin_episodes r LEFT JOIN ssd_contacts c ON c.cont_contact_id = r.cine_contact_id
  LEFT JOIN cal_w wr ON wr.d = r.cine_referral_date
  LEFT JOIN cal_w wc ON wc.d = c.cont_contact_date;
CREATE TABLE referral_decision AS
  WITH a AS (SELECT cina_referral_id rid, min(cina_assessment_start_date) d
             FROM ssd_cin_assessments GROUP BY cina_referral_id),
  s AS (SELECT s47e_referral_id rid, min(s47e_strategy_discussion_date) d
        FROM ssd_s47_enquiry GROUP BY s47e_referral_id),
  x AS (SELECT r.cine_referral_id rid, least(a.d, s.d,
          CASE WHEN coalesce(r.cine_referral_nfa, 0) = 1
               THEN coalesce(r.cine_close_date, r.cine_referral_date) END) AS decided
        FROM ssd_cin_episodes r LEFT JOIN a ON a.rid = r.cine_referral_id
        LEFT JOIN s ON s.rid = r.cine_referral_id)
  SELECT x.rid, x.decided, dw.w AS w_decided FROM x LEFT JOIN cal_w dw ON dw.d = x.decided;
CREATE TABLE cin_open_x AS SELECT * FROM ssd_cin_episodes WHERE coalesce(cine_referral_nfa, 0) = 0;
CREATE TABLE assess_seen AS
  SELECT DISTINCT a.cina_assessment_id
  FROM ssd_cin_assessments a JOIN ssd_cin_visits v ON v.cinv_person_id = a.cina_person_id
    AND v.cinv_cin_visit_seen = 1
    AND v.cinv_cin_visit_date >= a.cina_assessment_start_date
    AND v.cinv_cin_visit_date <= a.cina_assessment_auth_date;
CREATE TABLE assess_x AS
  SELECT a.*, coalesce(r.cine_referral_date, a.cina_assessment_start_date) AS astart,
    wa.w - ws.w AS wd, wa.w AS wa, ws.w AS ws,
    (coalesce(a.cina_assessment_child_seen, 0) = 1 OR s.cina_assessment_id IS NOT NULL) AS seen
  FROM ssd_cin_assessments a LEFT JOIN ssd_cin_episodes r ON r.cine_referral_id = a.cina_referral_id
  LEFT JOIN assess_seen s ON s.cina_assessment_id = a.cina_assessment_id
  LEFT JOIN cal_w wa ON wa.d = a.cina_assessment_auth_date
  LEFT JOIN cal_w ws ON ws.d = coalesce(r.cine_referral_date, a.cina_assessment_start_date)
  WHERE a.cina_assessment_auth_date IS NOT NULL;
CREATE TABLE s47_x AS
  SELECT s.*, lag(s.s47e_s47_start_date) OVER (PARTITION BY s.s47e_person_id
    ORDER BY s.s47e_s47_start_date, s.s47e_s47_enquiry_id) AS prev_start
  FROM ssd_s47_enquiry s;
CREATE TABLE icpc_x AS
  SELECT i.*, coalesce(s.s47e_strategy_discussion_date, s.s47e_s47_start_date) AS strat,
    wi.w - wst.w AS wd, wi.w AS wi, wst.w AS wst
  FROM ssd_initial_cp_conference i
  LEFT JOIN ssd_s47_enquiry s ON s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
  LEFT JOIN cal_w wi ON wi.d = i.icpc_icpc_date
  LEFT JOIN cal_w wst ON wst.d = coalesce(s.s47e_strategy_discussion_date, s.s47e_s47_start_date)
  WHERE coalesce(i.icpc_icpc_transfer_in, 0) = 0;
CREATE TABLE cp_p AS
  SELECT cppl_cp_plan_id plan_id, cppl_person_id pid, cppl_cp_plan_start_date pstart,
    cppl_cp_plan_end_date pend, cppl_cp_plan_initial_category cat,
    row_number() OVER w AS seq, lag(cppl_cp_plan_end_date) OVER w AS prev_end
  FROM ssd_cp_plans
  WINDOW w AS (PARTITION BY cppl_person_id ORDER BY cppl_cp_plan_start_date, cppl_cp_plan_id);
CREATE TABLE core_group_x AS
  SELECT p.cppl_cp_plan_id plan_id, p.cppl_person_id pid, p.cppl_cp_plan_end_date pend,
    coalesce(i.icpc_icpc_date, p.cppl_cp_plan_start_date) AS conf, wc.w AS wconf,
    p.cppl_first_core_group_date AS cg, wg.w AS wcg
  FROM ssd_cp_plans p
  LEFT JOIN ssd_initial_cp_conference i ON i.icpc_icpc_id = p.cppl_icpc_id
  LEFT JOIN cal_w wc ON wc.d = coalesce(i.icpc_icpc_date, p.cppl_cp_plan_start_date)
  LEFT JOIN cal_w wg ON wg.d = p.cppl_first_core_group_date;
CREATE TABLE cla_period_all AS
  SELECT clae_cla_id cla_id, any_value(clae_person_id) pid, min(clae_entered_care_date) entered,
    CASE WHEN bool_or(clae_cla_episode_ceased_date IS NULL) THEN NULL
         ELSE max(clae_cla_episode_ceased_date) END AS left_care
  FROM ssd_cla_episodes GROUP BY clae_cla_id;
CREATE TABLE cla_period AS
  SELECT c.* FROM cla_period_all c WHERE NOT EXISTS (
    SELECT 1 FROM ssd_legal_status l WHERE l.lega_person_id = c.pid
      AND {_LEGAL_IN_PERIOD}
    HAVING count(l.lega_legal_status) > 0
       AND bool_and(l.lega_legal_status IN ({SHORT_BREAKS_SQL})));
CREATE TABLE cla_at AS
  SELECT per.pe, c.pid, min(c.cla_id) item, min(c.entered) entered
  FROM per JOIN cla_period c
    ON {_CLA_OPEN}
  GROUP BY per.pe, c.pid;
CREATE TABLE place_at AS
  SELECT c.pe, c.pid, arg_max(p.clap_cla_placement_id, p.clap_cla_placement_start_date) item,
    max(p.clap_cla_placement_start_date) pl_start,
    arg_max(p.clap_cla_placement_type, p.clap_cla_placement_start_date) ptype,
    arg_max(p.clap_cla_placement_la, p.clap_cla_placement_start_date) pl_la,
    arg_max(coalesce(p.clap_cla_placement_long_term, 0), p.clap_cla_placement_start_date) long_term
  FROM cla_at c JOIN ssd_cla_placement p ON p.clap_person_id = c.pid
    AND {_PLACEMENT_OPEN}
  GROUP BY c.pe, c.pid;
CREATE TABLE missing_cla AS
  SELECT m.* FROM ssd_missing m WHERE EXISTS (
    SELECT 1 FROM cla_period c WHERE c.pid = m.miss_person_id
      AND {_IN_CARE_WHEN_MISSING});
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
  FROM per JOIN cin_open_x r ON {_CIN_OPEN}
  GROUP BY per.pe, r.cine_person_id;
CREATE TABLE alloc AS
  {allocated_on_sql("per")};
"""


UA_VIEW = """
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


@dataclass(frozen=True)
class Chain:
    """A review chain: intervals for review 1, 2 and 3+ as (kind, n)."""

    table: str
    plans: str  # SQL: plan_id, pid, pstart, pend
    reviews: str  # SQL: plan_id, held
    intervals: tuple[tuple[str, int], tuple[str, int], tuple[str, int]]


def _interval(ctx: SqlContext, measure_id: str) -> tuple[str, int]:
    """A review interval as the definitions file states it: (months | working_days, n)."""
    m = ctx.measures.get(measure_id)
    kind = m.rule.kind if m is not None else None
    if kind not in ("calendar_months", "working_days"):
        raise ValueError(f"definitions.yaml: {measure_id} must be a months or working-day rule")
    return ("months" if kind == "calendar_months" else "working_days", ctx.n(measure_id))


def chains(ctx: SqlContext) -> list[Chain]:
    """The CP, CIN and CLA review chains, each interval from its review measure's rule."""
    cp_later = _interval(ctx, "CP_REVIEW_LATER")
    cin_later = _interval(ctx, "CIN_REVIEW_LATER")
    return [
        Chain(
            "cp_chain",
            "SELECT plan_id, pid, pstart, pend FROM cp_p",
            "SELECT cppr_cp_plan_id plan_id, cppr_cp_review_date held FROM ssd_cp_reviews",
            (_interval(ctx, "CP_REVIEW_FIRST"), cp_later, cp_later),
        ),
        Chain(
            "cin_chain",
            "SELECT cinp_cin_plan_id plan_id, cinp_person_id pid, cinp_cin_plan_start_date pstart,"
            " cinp_cin_plan_end_date pend FROM ssd_cin_plans",
            "SELECT cinr_cin_plan_id plan_id, cinr_cin_review_date held FROM grip_cin_reviews",
            (_interval(ctx, "CIN_REVIEW_FIRST"), cin_later, cin_later),
        ),
        Chain(
            "cla_chain",
            "SELECT cla_id plan_id, pid, entered pstart, left_care pend FROM cla_period",
            "SELECT clar_cla_id plan_id, clar_cla_review_date held FROM ssd_cla_reviews",
            (
                _interval(ctx, "CLA_REVIEW_FIRST"),
                _interval(ctx, "CLA_REVIEW_SECOND"),
                _interval(ctx, "CLA_REVIEW_LATER"),
            ),
        ),
    ]


def chain_sql(c: Chain) -> str:
    """The table of a chain: every review held and the next one due, with due dates."""
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
          FROM a {wd("wp", "a.prev")} {wd("wh", "a.held")} {wd("we", "a.pend")}),
    d AS (SELECT b.* EXCLUDE (due_m), coalesce(b.due_m, kd.d) AS due
          FROM b {kth("kd", "b.wprev + b.lim_wd")})
    SELECT d.*, wd.w AS wdue FROM d {wd("wd", "d.due")}
    """


def prepare(con: duckdb.DuckDBPyConnection, points: Sequence[date], ctx: SqlContext) -> None:
    """Calendar, monthly points, helper tables and review chains, in that order."""
    setup_calendar(con)
    setup_periods(con, points, windows_of(list(ctx.measures.values())))
    # Short-breaks-only periods are not periods of care here, as in Annex A list 8.
    con.execute(HELPERS)
    for c in chains(ctx):
        con.execute(chain_sql(c))
