# ruff: noqa: S608 - SQL text from column names in code; no outside value.
"""Case facts: the meanings Annex A, the measures, sampling and summaries share, each defined once.

A fact that is read both in Python and in SQL has its forms side by side here, so they cannot
drift apart: a Python function, an SQLAlchemy Core expression (for queries on the case store)
and, where the measures need it, DuckDB SQL text. Nothing else in Grip decides these things
for itself; ``tests/casedata/test_facts.py`` holds the forms equal.

**Open on a date.** Two questions are asked of a record with a start and an end date (an
episode of need, a plan, a period of care, a placement, an allocation):

- :func:`open_on` — is it still open at the end of that day? It started on or before the day
  and has no end date or ends after it. *An end date is the day the record closed*, so a
  record is not open on its own end date. The measures, sampling, the caseload summary and the
  compliance checks ask this.
- :func:`open_during` — was it open at any time during those days? It started on or before the
  last day and has no end date or ends on or after the first. Here the end day counts, as it
  was open for part of it. Annex A asks this of the inspection date (a plan that ended on the
  inspection date is still listed as open), and of a window (a legal status held in the
  window).

A record with no start date is open on no day.

**Age on a date.** Completed years, a year older from the start of the birthday; someone born
on 29 February is a year older from 1 March in a common year (:func:`grip.calendar.age_in_years`,
Family Law Reform Act 1969 s9). No age before the date of birth or without one.

**The allocated worker and team on a date.** The involvement in an allocation role (the social
worker, ``SW``; sampling also counts personal advisers) open on the date; of several, the most
recently started. The team is the involvement's team, else the worker's own team.

**The legal status on a date.** The most recently started legal status in force that day (the
end day counts, as for Annex A); when none is, the most recent one in force at some time since
the given start (the status the child last held during an event).

**Periods of care** span their episodes (:func:`care_periods`).

**Short breaks.** A child accommodated under an agreed series of short-term breaks (SSDA903
legal status V3, or V4 where the agreements are recorded) is looked after, but the Care
Planning, Placement and Case Review (England) Regulations 2010 apply to them as modified by
reg 48: their care plan, visits and reviews follow reg 48's own timings, not reg 28 (visits) or
reg 33 (reviews), and DfE's children looked after statistics count them apart. Grip therefore
decides once: a period of care in which every legal status recorded is V3 or V4 is a
short-breaks period (:func:`is_short_breaks_only`). It is left out of Annex A list 8 (children
in care; the ILACS framework (Ofsted 170040) para 249 list 8 as the template reads it) and out
of every children-in-care measure (counts, reviews, reg 28 visits, stability, health); a period
that holds any other legal status is an ordinary period of care for both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from grip.calendar import age_in_years
from grip.casedata.models import CASE_TABLES

#: The professional role of the allocated social worker in ``ssd_involvements``.
SOCIAL_WORKER = "SW"

#: The columns of ``ssd_involvements`` an allocation is read from, in the order the Annex A
#: builder and the measures' loader read them (child, worker, role, team, start, end).
INVOLVEMENT_COLUMNS: tuple[str, ...] = (
    "invo_person_id",
    "invo_professional_id",
    "invo_professional_role",
    "invo_professional_team_id",
    "invo_involvement_start_date",
    "invo_involvement_end_date",
)

#: The columns of ``ssd_legal_status`` the legal status on a date is read from, in the order
#: the Annex A builder and the measures' loader read them (child, status, start, end).
LEGAL_STATUS_COLUMNS: tuple[str, ...] = (
    "lega_person_id",
    "lega_legal_status",
    "lega_legal_status_start_date",
    "lega_legal_status_end_date",
)

T = TypeVar("T")

# --- Open on a date --------------------------------------------------------------------------


def open_on(start: date | None, end: date | None, on: date) -> bool:
    """Still open at the end of ``on``: started on or before it, no end date or ending after it
    (an end date is the day the record closed, so it is not open on its end date)."""
    return start is not None and start <= on and (end is None or end > on)


def open_during(start: date | None, end: date | None, first: date, last: date) -> bool:
    """Open at any time from ``first`` to ``last`` (both included): started on or before
    ``last``, no end date or ending on or after ``first`` (the end day counts)."""
    return start is not None and start <= last and (end is None or end >= first)


def open_on_clause(table: sa.Table, start: str, end: str, on: date) -> sa.ColumnElement[bool]:
    """:func:`open_on` as a Core condition on ``table``'s columns ``start`` and ``end``."""
    return sa.and_(table.c[start] <= on, sa.or_(table.c[end].is_(None), table.c[end] > on))


def open_on_sql(start: str, end: str, on: str) -> str:
    """:func:`open_on` as SQL text over the expressions ``start``, ``end`` and ``on``."""
    return f"{start} <= {on} AND ({end} IS NULL OR {end} > {on})"


def open_during_sql(start: str, end: str, first: str, last: str) -> str:
    """:func:`open_during` as SQL text over the expressions given."""
    return f"{start} <= {last} AND ({end} IS NULL OR {end} >= {first})"


# --- Age on a date ---------------------------------------------------------------------------


def age_on(dob: date | None, on: date) -> int | None:
    """Completed years of age on ``on``; None without a date of birth or before it."""
    if dob is None or dob > on:
        return None
    return age_in_years(dob, on)


def age_on_sql(dob: str, on: str) -> str:
    """:func:`age_on` as SQL text over two date expressions (the 1 March rule included: in a
    common year 228 < 229, so a 29 February birthday has not come on 28 February). Asked only
    of a child already born; the measures define it once as the DuckDB macro ``age(dob, d)``."""
    return (
        f"year({on}) - year({dob}) - CASE WHEN month({on}) * 100 + day({on}) "
        f"< month({dob}) * 100 + day({dob}) THEN 1 ELSE 0 END"
    )


# --- The allocated worker and team on a date -------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """A child's allocation on a date: the worker, their team (None if neither records one)
    and when the involvement started."""

    worker_id: str | None
    team_id: str | None
    start: date


def allocations_on(
    conn: Connection,
    la_code: str,
    on: date,
    roles: Collection[str] = (SOCIAL_WORKER,),
    person_id: str | None = None,
) -> dict[str, Allocation]:
    """Each child's allocation on ``on`` among involvements in ``roles`` (of one child when
    ``person_id`` is given): the most recently started one open on that day; the team is the
    involvement's, else the worker's own."""
    inv, prof = CASE_TABLES["ssd_involvements"], CASE_TABLES["ssd_professionals"]
    q = (
        sa.select(
            inv.c.invo_person_id,
            inv.c.invo_professional_id,
            sa.func.coalesce(inv.c.invo_professional_team_id, prof.c.prof_professional_team_id),
            inv.c.invo_involvement_start_date,
        )
        .select_from(inv)
        .outerjoin(
            prof,
            sa.and_(
                prof.c.la_code == inv.c.la_code,
                prof.c.prof_professional_id == inv.c.invo_professional_id,
            ),
        )
        .where(
            inv.c.la_code == la_code,
            inv.c.invo_professional_role.in_(list(roles)),
            open_on_clause(inv, "invo_involvement_start_date", "invo_involvement_end_date", on),
        )
    )
    if person_id is not None:
        q = q.where(inv.c.invo_person_id == person_id)
    out: dict[str, Allocation] = {}
    for pid, worker, team, start in conn.execute(q):
        prev = out.get(pid)
        if prev is None or start > prev.start:
            out[pid] = Allocation(worker, team, start)
    return out


def allocated_on_sql(points: str) -> str:
    """Each child's allocated social worker and team at each point: a query of ``pe, pid,
    worker, team`` over ``points`` (a table or subquery with the dates in column ``pe``)."""
    opened = open_on_sql("i.invo_involvement_start_date", "i.invo_involvement_end_date", "per.pe")
    return f"""SELECT per.pe, i.invo_person_id pid,
    arg_max(i.invo_professional_id, i.invo_involvement_start_date) worker,
    arg_max(coalesce(i.invo_professional_team_id, pr.prof_professional_team_id),
            i.invo_involvement_start_date) team
  FROM {points} per JOIN ssd_involvements i ON i.invo_professional_role = '{SOCIAL_WORKER}'
    AND {opened}
  LEFT JOIN ssd_professionals pr ON pr.prof_professional_id = i.invo_professional_id
  GROUP BY per.pe, i.invo_person_id"""


def allocated_during(
    involvements: Iterable[tuple[T, date | None, date | None]], first: date, last: date
) -> T | None:
    """The allocation of an event from ``first`` to ``last``, from ``(involvement, start,
    end)`` triples: of those open during it, the most recently started (then latest ending)."""
    best: tuple[T, date, date] | None = None
    for inv, s, e in involvements:
        if s is None or not open_during(s, e, first, last):
            continue
        key_end = e or date.max
        if best is None or (s, key_end) > (best[1], best[2]):
            best = (inv, s, key_end)
    return best[0] if best else None


# --- The legal status on a date --------------------------------------------------------------


def legal_status_on(
    statuses: Iterable[tuple[T, date | None, date | None]], on: date, since: date
) -> T | None:
    """The legal status on ``on``, from ``(status, start, end)`` triples: the most recently
    started one in force that day, else the most recent in force at some time since
    ``since`` (both with the end day counted)."""
    held = [x for x in statuses if open_during(x[1], x[2], since, on)]
    current = [x for x in held if open_during(x[1], x[2], on, on)]
    pool = current or held
    return max(pool, key=_start)[0] if pool else None


def _start(x: tuple[Any, date | None, date | None]) -> date:
    return x[1] or date.min


# --- Periods of care -------------------------------------------------------------------------


def care_periods(
    episodes: Iterable[tuple[str, date, date | None]],
) -> dict[str, tuple[date, date | None]]:
    """Each period of care from its episodes ``(period id, entered care, episode ceased)``:
    entered on the earliest date, left on the latest end, or None while any episode is open."""
    periods: dict[str, tuple[date, date | None]] = {}
    for cid, entered, ceased in episodes:
        if cid in periods:
            prev_entered, prev_left = periods[cid]
            entered = min(entered, prev_entered)
            ceased = None if ceased is None or prev_left is None else max(ceased, prev_left)
        periods[cid] = (entered, ceased)
    return periods


#: SSDA903 legal statuses of an agreed series of short-term breaks.
SHORT_BREAK_STATUSES: frozenset[str] = frozenset({"V3", "V4"})


def is_short_breaks_only(statuses: Iterable[str | None]) -> bool:
    """True when the legal statuses recorded during a period of care are all short breaks
    (a period with no legal status recorded is not short breaks)."""
    seen = [s for s in statuses if s is not None]
    return bool(seen) and all(s in SHORT_BREAK_STATUSES for s in seen)
