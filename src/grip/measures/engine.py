# ruff: noqa: S608 - SQL is assembled from constants in code and the definitions file;
# the only outside values (LA code, dates) are checked, quoted or passed as parameters.
"""The measures engine: every measure for an LA at a date and at each month before it.

How it works (see ``docs/measures-engine-decision.md`` for why DuckDB, with measurements):

1. :func:`grip.measures.loader.load_la` copies the columns the measures need from the LA's case
   tables into in-memory DuckDB.
2. :func:`grip.measures.prepare.prepare` builds the helper tables: the monthly points
   (``per``), the England working-day index (``cal_w``, ``cal_k``), periods of care, review
   chains, allocations. Working-day gaps are differences of ``w``, found by explicit
   equi-joins on the calendar, never a loop.
3. Each measure is one SQL query (``grip.measures.families``, one module per area) producing
   *unit rows* for every monthly point at once: one row per child (or referral, review, visit …)
   in the measure's denominator, with ``num`` (its contribution to the numerator), ``den``, and
   for timescales ``due``, ``done`` and ``late`` (working days past due). Unit rows are the
   child-level list behind every figure. They are a DuckDB *view* (``u``), never materialised:
   the figures need only their sums, and a drill-down or the pack asks for one measure at one
   date.
4. Two aggregates: every measure at every point for the whole LA (``u``), and at the run's date
   by team, worker, age band, sex, ethnicity and disability (``ua``: ``u`` with the slicing
   attributes, ``GROUPING SETS``); :mod:`grip.measures.results` turns the sums into values.

Every number in the queries (timescales, thresholds, windows) is read from the measure's
definition in ``definitions.yaml``; ``tests/measures/test_one_place.py`` holds the engine to it.
Timescale conventions match ``grip.measures.rules`` (the readable per-child statement), which
the tests check this engine against child by child.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, timedelta

import duckdb
from sqlalchemy import Engine, select

from grip.calendar import add_months
from grip.measures.definitions import Definitions, Measure, load_definitions
from grip.measures.drift import DriftRow
from grip.measures.families import SQL
from grip.measures.families.children_in_care import ADOPTION_PLACEMENTS
from grip.measures.loader import load_la
from grip.measures.prepare import CAL_END, CAL_START, UA_VIEW, prepare, setup_calendar
from grip.measures.results import (
    DIMENSIONS,
    RATE_OF,
    ChildRow,
    MeasuresRun,
    Value,
    slice_key,
    value_of,
)
from grip.measures.sqlkit import SqlContext
from grip.measures.standards import (
    LAStandards,
    MeasuresError,
    VisitDefaults,
    la_standards,
    set_la_standards,
)

__all__ = [
    "ADOPTION_PLACEMENTS",
    "CAL_END",
    "CAL_START",
    "DIMENSIONS",
    "RATE_OF",
    "ChildRow",
    "DriftRow",
    "LAStandards",
    "MeasuresError",
    "MeasuresRun",
    "Value",
    "compute",
    "implemented_ids",
    "la_standards",
    "monthly_points",
    "set_la_standards",
    "slice_key",
    "sql_for",
]

# Kept under its old name: the calendar tests build the index on their own connection.
_setup_calendar = setup_calendar


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


def sql_for(m: Measure, ctx: SqlContext) -> str | None:
    """The unit-row query for one measure (None for rates, derived from their count)."""
    if m.id in RATE_OF:
        return None
    fn = SQL.get(m.base_id or m.id)
    if fn is None:
        raise MeasuresError(f"measure {m.id} has no implementation in the engine")
    return fn(m, ctx)


def implemented_ids(defs: Definitions) -> set[str]:
    """Ids of the defined measures the engine implements (all, when the code is complete)."""
    ctx = SqlContext("X", LAStandards(None, 10, 20), defs.by_id())
    out = set()
    for m in defs.measures:
        try:
            sql_for(m, ctx)
            out.add(m.id)
        except MeasuresError:
            pass
    return out


def _wanted(defs: Definitions, measure_ids: Sequence[str] | None) -> list[Measure]:
    if measure_ids is None:
        return list(defs.measures)
    known = defs.by_id()
    unknown = [i for i in measure_ids if i not in known]
    if unknown:
        raise MeasuresError(f"unknown measure ids: {unknown}")
    ids = set(measure_ids) | {RATE_OF[i] for i in measure_ids if i in RATE_OF}
    return [m for m in defs.measures if m.id in ids]


def _check_la(engine: Engine, la_code: str) -> None:
    from grip.store.base import LocalAuthority

    la_t = LocalAuthority.__table__
    with engine.connect() as conn:
        if conn.execute(select(la_t.c.code).where(la_t.c.code == la_code)).first() is None:
            raise MeasuresError(
                f"unknown LA code {la_code!r}: no such local authority in the store"
            )


def _unit_views(con: duckdb.DuckDBPyConnection, wanted: list[Measure], ctx: SqlContext) -> None:
    parts = []
    for m in wanted:
        sql = sql_for(m, ctx)
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
    con.execute(UA_VIEW)


Sums = dict[tuple[str, date, str, str], tuple[float, float]]


def _aggregate(con: duckdb.DuckDBPyConnection, on: date) -> Sums:
    """Summed num and den by (measure, point, dimension, slice): whole LA, and slices at ``on``."""
    whole = con.execute("SELECT mid, pe, sum(num), sum(den) FROM u GROUP BY mid, pe").fetchall()
    sets = ", ".join(f"(mid, {d})" for d in DIMENSIONS)
    grouping = ", ".join(f"GROUPING({d}) AS g_{d}" for d in DIMENSIONS)
    sliced = con.execute(
        f"""SELECT mid, {", ".join(DIMENSIONS)}, {grouping}, sum(num), sum(den)
            FROM ua WHERE pe = ? AND {_NOT_RESTRICTED}
            GROUP BY GROUPING SETS ({sets})""",
        [on],
    ).fetchall()
    nd = len(DIMENSIONS)
    sums: Sums = {}
    for mid, pe, num, den in whole:
        sums[(mid, pe, "all", "All")] = (float(num or 0), float(den or 0))
    for r in sliced:
        dims, flags = r[1 : 1 + nd], r[1 + nd : 1 + 2 * nd]
        for name, v, g in zip(DIMENSIONS, dims, flags, strict=True):
            if g == 0:
                sums[(r[0], on, name, str(v))] = (float(r[-2] or 0), float(r[-1] or 0))
    return sums


def _values(
    sums: Sums, wanted: list[Measure], points: list[date], population: int | None
) -> list[Value]:
    """Every wanted measure's values: each point for the whole LA, and its slices."""
    by_mid: dict[str, set[tuple[date, str, str]]] = {}
    for k in sums:
        by_mid.setdefault(k[0], set()).add((k[1], k[2], k[3]))
    values: list[Value] = []
    for m in wanted:
        src = RATE_OF.get(m.id, m.id)
        present = set(by_mid.get(src, set())) | {(p, "all", "All") for p in points}
        for pe, dim, val in sorted(present, key=lambda x: (x[0], x[1], x[2])):
            num, den = sums.get((src, pe, dim, val), (0.0, 0.0))
            if m.unit == "per_10k" and dim != "all":
                # No population by slice: rates are for the whole LA only.
                values.append(Value(m.id, pe, dim, val, num, None, None))
                continue
            d, v = value_of(m, num, den, population)
            values.append(Value(m.id, pe, dim, val, num, d, v))
    return values


#: Restricted children count in whole-LA totals only. A slice (by team, worker, age band, sex,
#: ethnicity, disability) that counted them would tell a reader who can see the slice but not
#: the child what the hidden child is like (penetration test, December 2026); so every slice,
#: and every list behind a slice, leaves them out. The whole-LA figure minus the sum of a
#: dimension's slices is the same number for every dimension: it says how many restricted
#: children a measure holds, never which or what they are.
_NOT_RESTRICTED = "(pid IS NULL OR pid NOT IN (SELECT pid FROM restricted_case))"
#: The same condition for other readers of a run's tables (the performance pack's lists).
NOT_RESTRICTED_SQL = _NOT_RESTRICTED


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
    settings: VisitDefaults | None = None,
    definitions: Definitions | None = None,
    measure_ids: Sequence[str] | None = None,
) -> MeasuresRun:
    """Compute every measure (or ``measure_ids``) for ``la_code`` at ``months`` monthly points.

    Raises :class:`MeasuresError` for an unknown LA or measure.
    """
    defs = definitions or load_definitions()
    _check_la(engine, la_code)
    std = la_standards(engine, la_code, settings)
    points = monthly_points(on, months)
    wanted = _wanted(defs, measure_ids)
    ctx = SqlContext(la_code, std, defs.by_id())

    t0 = time.perf_counter()
    con = duckdb.connect(config={"threads": 2})
    # No progress bar: it would be written to the web server's log on every long computation.
    con.execute("SET enable_progress_bar = false")
    counts = load_la(engine, la_code, con)
    _load_restricted(engine, la_code, con)
    t1 = time.perf_counter()
    prepare(con, points, ctx)
    t2 = time.perf_counter()
    _unit_views(con, wanted, ctx)
    t3 = time.perf_counter()
    sums = _aggregate(con, on)
    t4 = time.perf_counter()
    values = _values(sums, wanted, points, std.child_population)
    t5 = time.perf_counter()
    timings = {
        "load": t1 - t0,
        "prepare": t2 - t1,
        "unit_rows": t3 - t2,
        "aggregate": t4 - t3,
        "values": t5 - t4,
        "total": t5 - t0,
    }
    return MeasuresRun(la_code, on, points, defs, std, con, values, timings, counts)
