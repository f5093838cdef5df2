# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Children in care: counts, reviews, reg 28 visits, stability, health, missing, placements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import (
    NUL,
    in_window,
    kth,
    late_due,
    months_after,
    months_before,
    review_snapshot,
    reviews_due,
    rule_n,
    wd,
    win,
)

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn

ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")


def cla_open(m: Measure, ctx: SqlContext) -> str:
    """Children looked after on the point."""
    return f"""SELECT pe, pid, item, 1 num, 0 den, {NUL} due, entered done, 0 late
      FROM cla_at"""


def reviews_in_time(m: Measure, ctx: SqlContext) -> str:
    """Children in care with no review overdue."""
    return review_snapshot("cla_chain")


def visits_in_time(m: Measure, ctx: SqlContext) -> str:
    """Children in care whose reg 28(2) visit is not overdue (numbers from the definition)."""
    p = m.params
    return f"""
    WITH v AS (SELECT clav_person_id pid, clav_cla_visit_date vdate FROM ssd_cla_visits
               WHERE clav_cla_visit_seen = 1),
    j AS (SELECT pa.*, lv.vdate FROM place_at pa LEFT JOIN (
            SELECT pa2.pe, pa2.pid, max(v.vdate) vdate FROM place_at pa2
            JOIN v ON v.pid = pa2.pid AND v.vdate <= pa2.pe GROUP BY pa2.pe, pa2.pid
          ) lv ON lv.pe = pa.pe AND lv.pid = pa.pid),
    b AS (SELECT *, CASE WHEN vdate >= pl_start THEN vdate END AS last_visit FROM j),
    d AS (SELECT *, CASE
            WHEN last_visit IS NULL THEN pl_start + {p["first_visit_days"]}
            WHEN long_term = 1
                 AND last_visit >= {months_after("pl_start", p["first_year_months"])}
              THEN {months_after("last_visit", p["long_term_months"])}
            ELSE last_visit + {p["interval_days"]} END AS due FROM b)
    SELECT d.pe, d.pid, d.item, CASE WHEN d.pe <= d.due THEN 1 ELSE 0 END num, 1 den,
      d.due, d.last_visit done, {late_due("d.due", "d.pe", "wd.w", "wp.w")} late
    FROM d {wd("wd", "d.due")} {wd("wp", "d.pe")}
    WHERE d.ptype IS NULL OR d.ptype NOT IN {ADOPTION_PLACEMENTS}"""


def placed_for_adoption_visits(m: Measure, ctx: SqlContext) -> str:
    """Children in the first weeks of an adoptive placement visited weekly (AAR 2005 reg 36).

    Visited within one week of the placement and then at least once a week until the first
    review (within four weeks of the placement); after that the review sets the frequency,
    which the extract does not hold, so the child leaves the denominator.
    """
    p = m.params
    return f"""
    WITH v AS (SELECT clav_person_id pid, clav_cla_visit_date vdate FROM ssd_cla_visits
               WHERE clav_cla_visit_seen = 1),
    pa AS (SELECT * FROM place_at WHERE ptype IN {ADOPTION_PLACEMENTS}
           AND pe < pl_start + {7 * p["first_review_weeks"]}),
    j AS (SELECT pa.pe, pa.pid, pa.item, pa.pl_start, max(v.vdate) last_visit
          FROM pa LEFT JOIN v ON v.pid = pa.pid AND v.vdate >= pa.pl_start AND v.vdate <= pa.pe
          GROUP BY pa.pe, pa.pid, pa.item, pa.pl_start),
    d AS (SELECT *, coalesce(last_visit, pl_start) + {rule_n(m)} AS due FROM j)
    SELECT d.pe, d.pid, d.item, CASE WHEN d.pe <= d.due THEN 1 ELSE 0 END num, 1 den,
      d.due, d.last_visit done, {late_due("d.due", "d.pe", "wd.w", "wp.w")} late
    FROM d {wd("wd", "d.due")} {wd("wp", "d.pe")}"""


def initial_health_assessment(m: Measure, ctx: SqlContext) -> str:
    """Periods of care whose initial health assessment fell due in the window: the first
    health assessment on or after entering care, within n working days of entering."""
    n = rule_n(m)
    return f"""
    WITH c AS (SELECT c.cla_id, c.pid, c.entered, we.w w_entered, kd.d due
               FROM cla_period c {wd("we", "c.entered")} {kth("kd", f"we.w + {n}")}),
    h AS (SELECT c.cla_id, min(h.clah_health_check_date) first_ha FROM c
          JOIN ssd_cla_health h ON h.clah_person_id = c.pid
            AND h.clah_health_check_type = '{m.params["check_type"]}'
            AND h.clah_health_check_date >= c.entered
          GROUP BY c.cla_id)
    SELECT per.pe, c.pid, c.cla_id item,
      CASE WHEN h.first_ha <= c.due AND h.first_ha <= per.pe THEN 1 ELSE 0 END num, 1 den,
      c.due, CASE WHEN h.first_ha <= per.pe THEN h.first_ha END done,
      CASE WHEN h.first_ha <= per.pe THEN {late_due("c.due", "h.first_ha", "wdue.w", "wh.w")}
           ELSE {late_due("c.due", "per.pe", "wdue.w", "per.wpe")} END late
    FROM per JOIN c ON {in_window("c.due", win(m))}
    LEFT JOIN h ON h.cla_id = c.cla_id {wd("wdue", "c.due")} {wd("wh", "h.first_ha")}"""


def health_under5(m: Measure, ctx: SqlContext) -> str:
    """Children in care under 5 with a health assessment in the last n months (six-monthly)."""
    p = m.params
    return f"""SELECT c.pe, c.pid, c.item,
      CASE WHEN max(h.clah_health_check_date) IS NOT NULL THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, max(h.clah_health_check_date) done, 0 late
      FROM cla_at c JOIN per ON per.pe = c.pe
      JOIN ssd_person pp ON pp.pers_person_id = c.pid
      LEFT JOIN ssd_cla_health h ON h.clah_person_id = c.pid
        AND h.clah_health_check_type = '{p["check_type"]}'
        AND h.clah_health_check_date > {months_before("per.pe", rule_n(m))}
        AND h.clah_health_check_date <= per.pe
      WHERE age(pp.pers_dob, c.pe) < {p["under_age"]}
        AND c.entered <= {months_before("per.pe", rule_n(m))}
      GROUP BY c.pe, c.pid, c.item"""


def three_placements(m: Measure, ctx: SqlContext) -> str:
    """Children in care with k or more placements open at some time in the last n months."""
    n = m.params["placements"]
    return f"""SELECT c.pe, c.pid, c.item,
      CASE WHEN count(p.clap_cla_placement_id) >= {n} THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, {NUL} done, count(p.clap_cla_placement_id)::INT late
      FROM cla_at c JOIN per ON per.pe = c.pe
      LEFT JOIN ssd_cla_placement p ON p.clap_person_id = c.pid
        AND p.clap_cla_placement_start_date <= c.pe
        AND (p.clap_cla_placement_end_date IS NULL
             OR p.clap_cla_placement_end_date > {months_before("per.pe", rule_n(m))})
      GROUP BY c.pe, c.pid, c.item"""


def long_term_stability(m: Measure, ctx: SqlContext) -> str:
    """DfE long-term stability: same placement n months, of those in care long enough."""
    p = m.params
    return f"""SELECT c.pe, c.pid, c.item,
      CASE WHEN pa.pl_start <= {months_before("c.pe", rule_n(m))}
           OR pa.ptype IN {ADOPTION_PLACEMENTS} THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, pa.pl_start done, 0 late
      FROM cla_at c JOIN ssd_person p ON p.pers_person_id = c.pid
      LEFT JOIN place_at pa ON pa.pe = c.pe AND pa.pid = c.pid
      WHERE age(p.pers_dob, c.pe) < {p["under_age"]}
        AND c.entered <= {months_before("c.pe", p["in_care_months"])}"""


def health_check(m: Measure, ctx: SqlContext) -> str:
    """Children in care n months or more with a check of this kind in the window."""
    kind = m.params["check_type"]
    return f"""SELECT c.pe, c.pid, c.item,
      CASE WHEN max(h.clah_health_check_date) IS NOT NULL THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, max(h.clah_health_check_date) done, 0 late
      FROM cla_at c JOIN per ON per.pe = c.pe
      LEFT JOIN ssd_cla_health h ON h.clah_person_id = c.pid
        AND h.clah_health_check_type = '{kind}'
        AND {in_window("h.clah_health_check_date", win(m))}
      WHERE c.entered <= {months_before("per.pe", rule_n(m))}
      GROUP BY c.pe, c.pid, c.item"""


def missing_children(m: Measure, ctx: SqlContext) -> str:
    """Children in care at some time in the window who went missing in it."""
    w = win(m)
    return f"""SELECT per.pe, c.pid, min(c.cla_id) item,
      CASE WHEN count(m.miss_table_id) > 0 THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, min(m.miss_missing_episode_start_date) done, 0 late
      FROM per JOIN cla_period c ON c.entered <= per.pe
        AND (c.left_care IS NULL OR c.left_care > per.{w})
      LEFT JOIN ssd_missing m ON m.miss_person_id = c.pid
        AND m.miss_missing_episode_type = 'M'
        AND {in_window("m.miss_missing_episode_start_date", w)}
      GROUP BY per.pe, c.pid"""


def missing_episodes(m: Measure, ctx: SqlContext) -> str:
    """Missing (M) or absent (A) episodes starting in the window."""
    t = m.params["episode_type"]
    return f"""SELECT per.pe, m.miss_person_id pid, m.miss_table_id item, 1 num, 0 den,
      {NUL} due, m.miss_missing_episode_start_date done, 0 late
      FROM per JOIN missing_cla m ON {in_window("m.miss_missing_episode_start_date", win(m))}
      WHERE m.miss_missing_episode_type = '{t}'"""


def _return_interviews(m: Measure, flag: str, only_offered: bool) -> str:
    offered = " AND m.miss_missing_rhi_offered = 1" if only_offered else ""
    return f"""SELECT per.pe, m.miss_person_id pid, m.miss_table_id item,
      coalesce(m.{flag}, 0) num, 1 den,
      {NUL} due, m.miss_missing_episode_end_date done, 0 late
      FROM per JOIN missing_cla m ON {in_window("m.miss_missing_episode_end_date", win(m))}
      WHERE m.miss_missing_episode_type = 'M'{offered}"""


def rhi_offered(m: Measure, ctx: SqlContext) -> str:
    """Missing episodes ended in the window with a return interview offered."""
    return _return_interviews(m, "miss_missing_rhi_offered", only_offered=False)


def rhi_accepted(m: Measure, ctx: SqlContext) -> str:
    """Offered return interviews that were accepted."""
    return _return_interviews(m, "miss_missing_rhi_accepted", only_offered=True)


def out_of_area(m: Measure, ctx: SqlContext) -> str:
    """Children whose open placement is in another LA."""
    return f"""SELECT pe, pid, item,
      CASE WHEN pl_la IS NOT NULL AND pl_la <> {ctx.la_literal} THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, pl_start done, 0 late FROM place_at"""


def uasc(m: Measure, ctx: SqlContext) -> str:
    """Children in care recorded as unaccompanied asylum-seeking."""
    return f"""SELECT c.pe, c.pid, c.item, coalesce(p.pers_is_uasc, 0) num, 1 den,
      {NUL} due, {NUL} done, 0 late
      FROM cla_at c JOIN ssd_person p ON p.pers_person_id = c.pid"""


def permanence_plan(m: Measure, ctx: SqlContext) -> str:
    """Children in care n months or more with a permanence plan recorded."""
    return f"""SELECT c.pe, c.pid, c.item,
      CASE WHEN bool_or(pm.perm_permanence_plan IS NOT NULL) THEN 1 ELSE 0 END num,
      1 den, {NUL} due, {NUL} done, 0 late
      FROM cla_at c LEFT JOIN ssd_permanence pm ON pm.perm_person_id = c.pid
        AND (pm.perm_cla_id IS NULL OR pm.perm_cla_id = c.item)
      WHERE c.entered <= {months_before("c.pe", rule_n(m))}
      GROUP BY c.pe, c.pid, c.item"""


SQL: dict[str, SqlFn] = {
    "CLA_OPEN": cla_open,
    "CLA_REVIEW_FIRST": reviews_due("cla_chain", "c.k = 1"),
    "CLA_REVIEW_SECOND": reviews_due("cla_chain", "c.k = 2"),
    "CLA_REVIEW_LATER": reviews_due("cla_chain", "c.k >= 3"),
    "CLA_REVIEWS_IN_TIME": reviews_in_time,
    "CLA_VISITS_IN_TIME": visits_in_time,
    "CLA_3PLUS_PLACEMENTS": three_placements,
    "CLA_LONG_TERM_STABILITY": long_term_stability,
    "CLA_HEALTH_ASSESSMENT": health_check,
    "CLA_DENTAL": health_check,
    "CLA_MISSING_CHILDREN": missing_children,
    "CLA_MISSING_EPISODES": missing_episodes,
    "CLA_ABSENT_EPISODES": missing_episodes,
    "CLA_RHI_OFFERED": rhi_offered,
    "CLA_RHI_ACCEPTED": rhi_accepted,
    "CLA_OUT_OF_AREA": out_of_area,
    "CLA_UASC": uasc,
    "CLA_PERMANENCE_PLAN": permanence_plan,
    "CLA_IHA_20WD": initial_health_assessment,
    "CLA_HEALTH_UNDER5": health_under5,
    "AD_PLACED_VISITS": placed_for_adoption_visits,
}
