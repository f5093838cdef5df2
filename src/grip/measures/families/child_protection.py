# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Child protection plans: counts, reviews, visits, duration and repeat plans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.casedata.facts import open_on_sql
from grip.measures.sqlkit import (
    NUL,
    in_window,
    kth,
    late_wd,
    months_after,
    review_snapshot,
    reviews_due,
    rule_n,
    visit_snapshot,
    win,
)

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def cp_open(m: Measure, ctx: SqlContext) -> str:
    """Children on a plan on the point."""
    return f"""SELECT per.pe, p.pid, min(p.plan_id) item, 1 num, 0 den,
      {NUL} due, min(p.pstart) done, 0 late
      FROM per JOIN cp_p p ON {open_on_sql("p.pstart", "p.pend", "per.pe")}
      GROUP BY per.pe, p.pid"""


def core_group_timely(m: Measure, ctx: SqlContext) -> str:
    """First core groups due in the window (the nth working day after the initial conference):
    held in time, held late, or still not held on the date. A plan that ended by its due day
    with no core group held is left out."""
    n = rule_n(m)
    return f"""SELECT per.pe, c.pid, c.plan_id item,
      CASE WHEN c.cg <= per.pe AND c.wcg - c.wconf <= {n} THEN 1 ELSE 0 END num, 1 den,
      kd.d due, CASE WHEN c.cg <= per.pe THEN c.cg END done,
      CASE WHEN c.cg <= per.pe THEN {late_wd("c.wconf", "c.wcg", n)}
           ELSE {late_wd("c.wconf", "per.wpe", n)} END late
      FROM per JOIN core_group_x c ON c.conf <= per.pe
      {kth("kd", f"c.wconf + {n}")}
      WHERE {in_window("kd.d", win(m))}
        AND (c.cg <= per.pe OR c.pend IS NULL OR c.pend > kd.d)"""


def reviews_in_time(m: Measure, ctx: SqlContext) -> str:
    """Children on a plan with no review overdue."""
    return review_snapshot("cp_chain")


def visits_in_time(m: Measure, ctx: SqlContext) -> str:
    """Children on a plan seen within the LA's visit standard."""
    return visit_snapshot(
        "SELECT * FROM cp_p",
        "SELECT cppv_cp_plan_id plan_id, cppv_cp_visit_date vdate FROM ssd_cp_visits "
        "WHERE cppv_cp_visit_seen = 1",
        ctx.std.cp_visit_working_days,
    )


def visits_alone(m: Measure, ctx: SqlContext) -> str:
    """CP visits in the window where the child was seen alone."""
    return f"""SELECT per.pe, v.cppv_person_id pid, v.cppv_cp_visit_id item,
      coalesce(v.cppv_cp_visit_seen_alone, 0) num, 1 den,
      {NUL} due, v.cppv_cp_visit_date done, 0 late
      FROM per JOIN ssd_cp_visits v ON {in_window("v.cppv_cp_visit_date", win(m))}"""


def long_plans(m: Measure, ctx: SqlContext) -> str:
    """Plans ended in the window that lasted n months or more."""
    return f"""SELECT per.pe, p.pid, p.plan_id item,
      CASE WHEN p.pend >= {months_after("p.pstart", rule_n(m))} THEN 1 ELSE 0 END num,
      1 den, {NUL} due, p.pend done, 0 late
      FROM per JOIN cp_p p ON {in_window("p.pend", win(m))}"""


def second_ever(m: Measure, ctx: SqlContext) -> str:
    """Plans started in the window for a child with an earlier plan."""
    return f"""SELECT per.pe, p.pid, p.plan_id item,
      CASE WHEN p.seq > 1 THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, p.pstart done, 0 late
      FROM per JOIN cp_p p ON {in_window("p.pstart", win(m))}"""


def second_within(m: Measure, ctx: SqlContext) -> str:
    """Plans started in the window within n months of the previous plan's end."""
    return f"""SELECT per.pe, p.pid, p.plan_id item,
      CASE WHEN p.prev_end IS NOT NULL
           AND p.pstart <= {months_after("p.prev_end", rule_n(m))}
           THEN 1 ELSE 0 END num, 1 den, {NUL} due, p.pstart done, 0 late
      FROM per JOIN cp_p p ON {in_window("p.pstart", win(m))}"""


def category(m: Measure, ctx: SqlContext) -> str:
    """Children on a plan on the point, by initial category."""
    return f"""SELECT per.pe, p.pid, min(p.plan_id) item,
      max(CASE WHEN p.cat = '{m.category}' THEN 1 ELSE 0 END) num, 1 den,
      {NUL} due, min(p.pstart) done, 0 late
      FROM per JOIN cp_p p ON {open_on_sql("p.pstart", "p.pend", "per.pe")}
      GROUP BY per.pe, p.pid"""


SQL: dict[str, SqlFn] = {
    "CP_OPEN": cp_open,
    "CP_CORE_GROUP_10WD": core_group_timely,
    "CP_REVIEW_FIRST": reviews_due("cp_chain", "c.k = 1"),
    "CP_REVIEW_LATER": reviews_due("cp_chain", "c.k >= 2"),
    "CP_REVIEWS_IN_TIME": reviews_in_time,
    "CP_VISITS_IN_TIME": visits_in_time,
    "CP_VISITS_ALONE": visits_alone,
    "CP_2YEARS": long_plans,
    "CP_SECOND_EVER": second_ever,
    "CP_SECOND_2Y": second_within,
    "CP_CATEGORY": category,
}
