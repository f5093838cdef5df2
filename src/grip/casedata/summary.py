"""Headline counts of an LA's caseload: the first thing a leader looks at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from grip.casedata.models import CASE_TABLES


@dataclass(frozen=True)
class HeadlineCounts:
    """Children known and open caseloads on a date."""

    as_of: date
    children: int
    open_cin_episodes: int
    cp_plans: int
    looked_after: int
    care_leavers: int


def _open_on(table: sa.Table, start: str, end: str, on: date) -> sa.ColumnElement[bool]:
    return sa.and_(table.c[start] <= on, sa.or_(table.c[end].is_(None), table.c[end] > on))


def headline_counts(conn: Connection, la_code: str, on: date) -> HeadlineCounts:
    """Counts for ``la_code`` on date ``on``.

    An episode, plan or period of care is open on ``on`` when it started on or before that day
    and has no end date or ends after it (an end date is the first day it no longer applies).
    Looked-after children are counted once each however many episodes they have.
    """
    t = CASE_TABLES

    def count(table: sa.Table, *where: sa.ColumnElement[bool], distinct: str | None = None) -> int:
        col = sa.func.count(sa.distinct(table.c[distinct])) if distinct else sa.func.count()
        stmt = sa.select(col).select_from(table).where(table.c.la_code == la_code, *where)
        return int(conn.execute(stmt).scalar_one())

    cin, cp, cla = t["ssd_cin_episodes"], t["ssd_cp_plans"], t["ssd_cla_episodes"]
    return HeadlineCounts(
        as_of=on,
        children=count(t["ssd_person"]),
        open_cin_episodes=count(cin, _open_on(cin, "cine_referral_date", "cine_close_date", on)),
        cp_plans=count(cp, _open_on(cp, "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", on)),
        looked_after=count(
            cla,
            _open_on(cla, "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", on),
            distinct="clae_person_id",
        ),
        care_leavers=count(t["ssd_care_leavers"], distinct="clea_person_id"),
    )
