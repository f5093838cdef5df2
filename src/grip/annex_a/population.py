"""Population rules, evaluated on a list row: shared by the builder and the checker.

The builder decides membership with these functions on the row it is about to write, and the
checker re-applies them to each row of a workbook, so a list Grip builds always passes its own
window check (ILACS framework (Ofsted 170040) para 249 windows; window convention in the spec files'
headers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from grip.annex_a.spec import Condition, Population
from grip.calendar import add_months
from grip.casedata.facts import open_during


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
        return open_during(_d(row.get(cond.open_at[0])), _d(row.get(cond.open_at[1])), d, d)
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


def is_open(pop: Population, row: Mapping[str, Any], d: date) -> bool:
    """Whether the row's event is still open on ``d`` (an open_at or pending condition holds)."""
    start = window_start(d, pop.window_months)
    return any(
        (c.open_at is not None or c.pending is not None) and condition_holds(c, row, d, start)
        for c in pop.conditions
    )


# --------------------------------------------------------------------------------------------
# Compiled forms for the builder: the same rules, evaluated straight on an event's fields.
#
# The builder tests every event of a kind (140,000 contacts in a 60,000-child LA) against each
# list's population. Building a row dict per event and walking the conditions generically cost
# about a quarter of the build (profiled), so each condition is compiled once per list and date
# into a closure over where the event holds each value (a dict key, or a row position, so the
# builder can test table rows before making any event). They take the event *as recorded*: a
# date after D never satisfies a window or an open-at start, and an end after D is "not ended
# yet", which is exactly what ``in_population`` gives on the row as known on D (dates after D
# blanked); the property test in tests/annex_a/test_population.py holds them to that.

#: An event: a dict of its fields, or a table row (fields at fixed positions).
Event = Any
#: Where a column's value is in an event: a field name, or a position in a row.
Key = str | int
EventTest = Callable[[Event], bool]


def _never(_ev: Event) -> bool:
    return False


def _always(_ev: Event) -> bool:
    return True


def _compile_condition(
    cond: Condition, d: date, start: date, field_of: Mapping[str, Key]
) -> EventTest:
    if cond.current:
        return _always
    if cond.in_window is not None:
        f = field_of.get(cond.in_window)
        if f is None:
            return _never

        def in_window(ev: Event) -> bool:
            v = ev[f]
            return v is not None and start <= v <= d

        return in_window
    if cond.open_at is not None:
        fs = field_of.get(cond.open_at[0])
        fe = field_of.get(cond.open_at[1])
        if fs is None:
            return _never

        def open_at(ev: Event) -> bool:
            return open_during(ev[fs], None if fe is None else ev[fe], d, d)

        return open_at
    if cond.pending is not None:
        fp = field_of.get(cond.pending)
        if fp is None:
            return _never
        ended = tuple(f for f in (field_of.get(c) for c in cond.not_ended) if f is not None)

        def pending(ev: Event) -> bool:
            p = ev[fp]
            if p is None or p > d:
                return False
            for f in ended:
                e = ev[f]
                if e is not None and e <= d:
                    return False
            return True

        return pending
    return _never


def _any_of(tests: list[EventTest]) -> EventTest:
    if not tests:
        return _never
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda ev: a(ev) or b(ev)

    if len(tests) == 3:
        x, y, z = tests
        return lambda ev: x(ev) or y(ev) or z(ev)

    def any_test(ev: Event) -> bool:
        return any(t(ev) for t in tests)

    return any_test


def event_predicate(pop: Population, d: date, field_of: Mapping[str, Key]) -> EventTest:
    """``in_population`` compiled for one list and date, on events keyed by field name.

    ``field_of`` maps the population's column ids to where their value is in an event: the
    field they are written from (``event.<field>`` date columns) in an event dict, or a
    position in a table row. Every event must have each of them (``ev[key]``). A condition on
    any other column never holds, as a blank would not. Dates must be ``date`` objects or None,
    as read from the case store.
    """
    start = window_start(d, pop.window_months)
    return _any_of([_compile_condition(c, d, start, field_of) for c in pop.conditions])


def event_is_open(pop: Population, d: date, field_of: Mapping[str, Key]) -> EventTest:
    """``is_open`` compiled the same way: an open_at or pending condition holds on ``d``."""
    start = window_start(d, pop.window_months)
    return _any_of(
        [
            _compile_condition(c, d, start, field_of)
            for c in pop.conditions
            if c.open_at is not None or c.pending is not None
        ]
    )


def single_window(
    pop: Population, d: date, field_of: Mapping[str, Key]
) -> tuple[Key, date, date] | None:
    """``(key, first day, last day)`` when the population is exactly one "in the window"
    condition on a mapped column (lists 1, 3 and 5): the builder then filters with one inline
    comparison per row instead of a call. The same rule as ``event_predicate`` otherwise."""
    if len(pop.conditions) != 1:
        return None
    (cond,) = pop.conditions
    if cond.in_window is None or cond.in_window not in field_of:
        return None
    return field_of[cond.in_window], window_start(d, pop.window_months), d
