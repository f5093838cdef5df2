"""Headline counts of an LA's caseload: the first thing a leader looks at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from grip.casedata.facts import open_on_clause
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


def headline_counts(conn: Connection, la_code: str, on: date) -> HeadlineCounts:
    """Counts for ``la_code`` on date ``on``.

    An episode, plan or period of care counts when it is open on ``on``
    (:func:`grip.casedata.facts.open_on`).
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
        open_cin_episodes=count(
            cin, open_on_clause(cin, "cine_referral_date", "cine_close_date", on)
        ),
        cp_plans=count(
            cp, open_on_clause(cp, "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", on)
        ),
        looked_after=count(
            cla,
            open_on_clause(cla, "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", on),
            distinct="clae_person_id",
        ),
        care_leavers=count(t["ssd_care_leavers"], distinct="clea_person_id"),
    )
