# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Children in need: open episodes, CIN plan reviews and visits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.casedata.facts import open_on_sql
from grip.measures.sqlkit import NUL, reviews_due, visit_snapshot

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def cin_open(m: Measure, ctx: SqlContext) -> str:
    """Children with an episode of need open on the point."""
    return f"""SELECT per.pe, r.cine_person_id pid, min(r.cine_referral_id) item, 1 num,
      0 den, {NUL} due, min(r.cine_referral_date) done, 0 late
      FROM per JOIN cin_open_x r
        ON {open_on_sql("r.cine_referral_date", "r.cine_close_date", "per.pe")}
      GROUP BY per.pe, r.cine_person_id"""


def visits_in_time(m: Measure, ctx: SqlContext) -> str:
    """Children on a CIN plan seen within the LA's visit standard."""
    return visit_snapshot(
        "SELECT cinp_cin_plan_id plan_id, cinp_person_id pid, "
        "cinp_cin_plan_start_date pstart, cinp_cin_plan_end_date pend FROM ssd_cin_plans",
        "SELECT cinv_cin_plan_id plan_id, cinv_cin_visit_date vdate FROM ssd_cin_visits "
        "WHERE cinv_cin_visit_seen = 1",
        ctx.std.cin_visit_working_days,
    )


SQL: dict[str, SqlFn] = {
    "CIN_OPEN": cin_open,
    "CIN_REVIEW_FIRST": reviews_due("cin_chain", "c.k = 1"),
    "CIN_REVIEW_LATER": reviews_due("cin_chain", "c.k >= 2"),
    "CIN_VISITS_IN_TIME": visits_in_time,
}
