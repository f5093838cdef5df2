"""Population rules, evaluated on a list row: shared by the builder and the checker.

The builder decides membership with these functions on the row it is about to write, and the
checker re-applies them to each row of a workbook, so a list Grip builds always passes its own
window check (seed 002 para 249 windows; window convention in the spec files' headers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from grip.annex_a.spec import Condition, Population
from grip.calendar import add_months


def window_start(inspection_date: date, months: int) -> date:
    """First day counted as "in the N months before" the inspection date (boundary included)."""
    return add_months(inspection_date, -months)


def _d(v: Any) -> date | None:
    return v if isinstance(v, date) else None


def condition_holds(cond: Condition, row: Mapping[str, Any], d: date, start: date) -> bool:
    """Whether one population condition holds for a row (values keyed by column id)."""
    if cond.current:
        return True
    if cond.in_window is not None:
        v = _d(row.get(cond.in_window))
        return v is not None and start <= v <= d
    if cond.open_at is not None:
        s = _d(row.get(cond.open_at[0]))
        e = _d(row.get(cond.open_at[1]))
        return s is not None and s <= d and (e is None or e >= d)
    if cond.pending is not None:
        p = _d(row.get(cond.pending))
        if p is None or p > d:
            return False
        for col in cond.not_ended:
            e = _d(row.get(col))
            if e is not None and e <= d:
                return False
        return True
    return False


def in_population(pop: Population, row: Mapping[str, Any], d: date) -> bool:
    """Whether a row belongs to the list for inspection date ``d`` (any condition holds)."""
    start = window_start(d, pop.window_months)
    return any(condition_holds(c, row, d, start) for c in pop.conditions)


def predicate(pop: Population, d: date) -> Callable[[Mapping[str, Any]], bool]:
    """``in_population`` for one list and date, with the window start computed once."""
    start = window_start(d, pop.window_months)
    conds = pop.conditions

    def holds(row: Mapping[str, Any]) -> bool:
        return any(condition_holds(c, row, d, start) for c in conds)

    return holds


def is_open(pop: Population, row: Mapping[str, Any], d: date) -> bool:
    """Whether the row's event is still open on ``d`` (an open_at or pending condition holds)."""
    start = window_start(d, pop.window_months)
    return any(
        (c.open_at is not None or c.pending is not None) and condition_holds(c, row, d, start)
        for c in pop.conditions
    )
