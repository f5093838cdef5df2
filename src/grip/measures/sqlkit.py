# ruff: noqa: S608 - SQL is assembled from constants in code and the definitions file.
"""Building blocks of the measure SQL: windows, working days, review chains, visit snapshots.

Every measure family (``grip.measures.families``) writes its unit-row query from these. The
numbers in those queries (timescales, thresholds, windows) come from the measure definitions
(``definitions.yaml``) through :class:`SqlContext`, never from literals in the SQL, so the
definitions file is the one place a number lives (``tests/measures/test_one_place.py``).

Conventions match ``grip.measures.rules``: "within n working days of a" is
``w(done) - w(a) <= n``; "within n months" is ``done <= a + n months`` (DuckDB's month
arithmetic clamps to the month's end exactly as ``grip.calendar.add_months`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grip.casedata.facts import open_on_sql
from grip.measures.definitions import Measure
from grip.measures.standards import LAStandards, MeasuresError

NUL = "CAST(NULL AS DATE)"

#: Window starts always present on the ``per`` table (months before each point), besides every
#: measure's own window: 24 and 30 months are the DfE long-term stability thresholds.
BASE_WINDOWS: tuple[int, ...] = (1, 3, 6, 12, 24, 30, 36)


@dataclass(frozen=True)
class SqlContext:
    """What a family needs besides the measure: the LA, its standards and every definition."""

    la_code: str
    std: LAStandards
    measures: dict[str, Measure]

    def n(self, measure_id: str) -> int:
        """The rule's number of a (base) measure in the definitions file."""
        m = self.measures.get(measure_id)
        if m is None:
            m = next((x for x in self.measures.values() if x.base_id == measure_id), None)
        if m is None or m.rule.n is None:
            raise MeasuresError(f"definitions.yaml gives no rule number for {measure_id}")
        return m.rule.n

    @property
    def la_literal(self) -> str:
        """The LA code as a quoted SQL literal."""
        return "'" + self.la_code.replace("'", "''") + "'"


SqlFn = Callable[[Measure, SqlContext], str]


def rule_n(m: Measure) -> int:
    """The measure's own rule number (a definitions error when it has none)."""
    if m.rule.n is None:
        raise MeasuresError(f"definitions.yaml gives no rule number for {m.id}")
    return m.rule.n


def win(m: Measure) -> str:
    """The ``per`` column holding the start of the measure's window (``s12`` for 12 months)."""
    if m.window_months is None:
        raise MeasuresError(f"{m.id} is a snapshot; it has no window")
    return f"s{m.window_months}"


def in_window(col: str, window: str) -> str:
    """``col`` falls in the window (start exclusive, the point inclusive)."""
    return f"{col} > per.{window} AND {col} <= per.pe"


def late_wd(w_start: str, w_done: str, n: int) -> str:
    """Working days past an n-working-day timescale, from the two dates' working-day numbers."""
    return f"greatest({w_done} - {w_start} - {n}, 0)"


def late_due(due: str, when: str, w_due: str, w_when: str) -> str:
    """Working days ``when`` is past ``due`` (at least 1 once past), as ``rules.late_by``."""
    return f"CASE WHEN {when} <= {due} THEN 0 ELSE greatest({w_when} - {w_due}, 1) END"


def wd(alias: str, date_expr: str) -> str:
    """A join giving ``{alias}.w``, the working-day number of ``date_expr``.

    Working-day arithmetic is always an explicit equi-join on the calendar: written as a
    correlated scalar subquery (a macro), DuckDB decorrelated it as a cross product of the
    distinct dates with the whole calendar (15 million rows for the contacts alone).
    """
    return f"LEFT JOIN cal_w {alias} ON {alias}.d = {date_expr}"


def kth(alias: str, k_expr: str) -> str:
    """A join giving ``{alias}.d``, the working day whose number is ``k_expr``."""
    return f"LEFT JOIN cal_k {alias} ON {alias}.k = {k_expr}"


def band(expr: str, b: tuple[int, int | None]) -> str:
    """``expr`` is in the inclusive band (None: open-ended)."""
    lo, hi = b
    return f"({expr} >= {lo})" if hi is None else f"({expr} BETWEEN {lo} AND {hi})"


def months_after(expr: str, n: int) -> str:
    """The date n calendar months after ``expr`` (clamped to the month's end)."""
    return f"CAST({expr} + INTERVAL {n} MONTH AS DATE)"


def months_before(expr: str, n: int) -> str:
    """The date n calendar months before ``expr`` (clamped to the month's end)."""
    return f"CAST({expr} - INTERVAL {n} MONTH AS DATE)"


def timed_wd(m: Measure, w_start: str, w_done: str, due: str, done: str) -> str:
    """num/den/due/done/late of an n-working-day timescale (n from the definition)."""
    n = rule_n(m)
    return f"""CASE WHEN {w_done} - {w_start} <= {n} THEN 1 ELSE 0 END num, 1 den,
      {due} due, {done} done, {late_wd(w_start, w_done, n)} late"""


# --- Review chains and visits ----------------------------------------------------------------


def ontime(x: str, wx: str) -> str:
    """Review ``x`` (working-day number ``wx``) is within the chain row's timescale."""
    return f"(CASE WHEN c.lim_wd IS NOT NULL THEN {wx} - c.wprev <= c.lim_wd ELSE {x} <= c.due END)"


def late_chain(x: str, wx: str) -> str:
    """Working days review ``x`` is past the chain row's due date."""
    return (
        f"(CASE WHEN c.lim_wd IS NOT NULL THEN greatest({wx} - c.wprev - c.lim_wd, 0) "
        f"ELSE {late_due('c.due', x, 'c.wdue', wx)} END)"
    )


def review_measure(chain: str, k_cond: str, window: str) -> str:
    """Reviews due in the window: held in time, held late, or still not held (overdue)."""
    # Working-day numbers never decrease with the date, so the number of the earlier of two
    # dates is the smaller of their numbers.
    ended = "least(per.pe, coalesce(c.pend, per.pe))"
    w_ended = "least(per.wpe, coalesce(c.wpend, per.wpe))"
    return f"""
    SELECT per.pe, c.pid, c.plan_id || '#' || c.k AS item,
      CASE WHEN c.held IS NOT NULL AND c.held <= per.pe AND {ontime("c.held", "c.wheld")}
        THEN 1 ELSE 0 END AS num,
      1 AS den, c.due,
      CASE WHEN c.held <= per.pe THEN c.held END AS done,
      CASE WHEN c.held <= per.pe THEN {late_chain("c.held", "c.wheld")}
           ELSE {late_chain(ended, w_ended)} END AS late
    FROM per JOIN {chain} c ON {in_window("c.due", window)} AND c.prev <= per.pe
      AND (c.pend IS NULL OR c.pend > c.due) AND {k_cond}
    """


def reviews_due(chain: str, k_cond: str) -> SqlFn:
    """The query maker of a review measure: reviews ``k_cond`` of ``chain`` due in the window."""

    def sql(m: Measure, ctx: SqlContext) -> str:
        return review_measure(chain, k_cond, win(m))

    return sql


def review_snapshot(chain: str) -> str:
    """Children on an open plan, compliant unless their pending review is past due."""
    return f"""
    SELECT per.pe, c.pid, min(c.plan_id) AS item,
      min(CASE WHEN {ontime("per.pe", "per.wpe")} THEN 1 ELSE 0 END) AS num, 1 AS den,
      min(c.due) AS due, CAST(NULL AS DATE) AS done, max({late_chain("per.pe", "per.wpe")})
        AS late
    FROM per JOIN {chain} c ON {open_on_sql("c.pstart", "c.pend", "per.pe")} AND c.prev <= per.pe
      AND (c.held IS NULL OR c.held > per.pe)
    GROUP BY per.pe, c.pid
    """


def visit_snapshot(plans: str, visits: str, n: int) -> str:
    """Children on an open plan visited (child seen) within n working days of the point."""
    return f"""
    WITH po AS (SELECT per.pe, per.wpe, p.* FROM per JOIN ({plans}) p
                ON {open_on_sql("p.pstart", "p.pend", "per.pe")}),
    v AS ({visits}),
    j AS (SELECT po.pe, po.plan_id, any_value(po.wpe) wpe, any_value(po.pid) pid,
            any_value(po.pstart) pstart, max(v.vdate) vdate
          FROM po LEFT JOIN v ON po.plan_id = v.plan_id AND v.vdate <= po.pe
          GROUP BY po.pe, po.plan_id),
    b AS (SELECT *, CASE WHEN vdate >= pstart THEN vdate ELSE pstart END AS base FROM j),
    bw AS (SELECT b.*, wb.w AS wbase, kd.d AS due
           FROM b {wd("wb", "b.base")} {kth("kd", f"wb.w + {n}")})
    SELECT pe, pid, min(plan_id) AS item,
      min(CASE WHEN wpe - wbase <= {n} THEN 1 ELSE 0 END) AS num, 1 AS den,
      min(due) AS due, max(vdate) AS done,
      max({late_wd("wbase", "wpe", n)}) AS late
    FROM bw GROUP BY pe, pid
    """
