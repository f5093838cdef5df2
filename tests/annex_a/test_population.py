"""The builder's compiled population tests agree with the rules the checker applies.

``population.in_population`` / ``is_open`` are the written rules (ILACS framework (Ofsted 170040)
para 249 windows, para 251 "still open" ranks first), evaluated on a list row as known on the
inspection date D (dates after D blank). The builder evaluates compiled forms (``event_predicate`` /
``event_is_open``) straight on the recorded event or table row, before anything is blanked.
These properties hold the two to the same answer for every spec list and for arbitrary conditions,
with dates drawn around D and the window start, where off-by-one slips would show.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from grip.annex_a.population import (
    event_is_open,
    event_predicate,
    in_population,
    is_open,
    single_window,
    window_start,
)
from grip.annex_a.spec import Condition, Population, available_specs, load_spec

D = date(2024, 6, 14)
COLS = ("a", "b", "c", "d")
FIELD_OF = {"a": "f_a", "b": "f_b", "c": "f_c"}  # "d" is a column no event field feeds


def _dates_around(d: date) -> st.SearchStrategy[date | None]:
    """Dates on, just inside and just outside each boundary for ``d`` (D itself and the 3-,
    6-, 12- and 24-month window starts), blanks, and anything in a wide range."""
    anchors = [d, *(window_start(d, m) for m in (3, 6, 12, 24))]
    near = st.tuples(st.sampled_from(anchors), st.integers(-2, 2)).map(
        lambda a: a[0] + timedelta(days=a[1])
    )
    return st.one_of(st.none(), near, near, st.dates(date(2015, 1, 1), date(2030, 12, 31)))


CONDITIONS = st.one_of(
    st.builds(Condition, current=st.just(True)),
    st.builds(Condition, in_window=st.sampled_from(COLS)),
    st.builds(Condition, open_at=st.tuples(st.sampled_from(COLS), st.sampled_from(COLS))),
    st.builds(
        Condition,
        pending=st.sampled_from(COLS),
        not_ended=st.lists(st.sampled_from(COLS), max_size=3).map(tuple),
    ),
)

POPULATIONS = st.builds(
    Population,
    event=st.just("x"),
    window_months=st.sampled_from([3, 6, 12, 24]),
    conditions=st.lists(CONDITIONS, max_size=4).map(tuple),
    rule=st.just("generated"),
)


def _as_known_on(event: dict[str, Any], field_of: dict[str, str], d: date) -> dict[str, Any]:
    """The list row the checker would see: each column from its field, dates after D blank."""
    row: dict[str, Any] = {}
    for col, f in field_of.items():
        v = event.get(f)
        row[col] = None if v is not None and v > d else v
    return row


@settings(max_examples=500, deadline=None)
@given(pop=POPULATIONS, data=st.data())
def test_compiled_tests_agree_with_the_row_rules(pop: Population, data: st.DataObject) -> None:
    d = data.draw(st.one_of(st.just(D), st.dates(date(2016, 1, 1), date(2029, 12, 31))), "D")
    values = {f: data.draw(_dates_around(d), label=f) for f in FIELD_OF.values()}
    row = _as_known_on(values, FIELD_OF, d)
    expected = in_population(pop, row, d)
    assert event_predicate(pop, d, FIELD_OF)(values) == expected
    assert event_is_open(pop, d, FIELD_OF)(values) == is_open(pop, row, d)
    # The same test on a table row, values by position (how the builder filters rows before
    # making events).
    positions = {col: n for n, col in enumerate(FIELD_OF)}
    table_row = tuple(values[f] for f in FIELD_OF.values())
    assert event_predicate(pop, d, positions)(table_row) == expected
    # A one-window population is filtered inline by the builder: same answer.
    window = single_window(pop, d, positions)
    if window is not None:
        k, lo, hi = window
        v = table_row[k]  # type: ignore[index]
        assert (v is not None and lo <= v <= hi) == expected


def test_single_window_only_for_one_in_window_condition() -> None:
    one = Population("x", 6, (Condition(in_window="a"),), "in the 6 months before D")
    assert single_window(one, D, {"a": 3}) == (3, date(2023, 12, 14), D)
    assert single_window(one, D, {"b": 3}) is None  # column not fed by the event
    two = Population("x", 6, (Condition(in_window="a"), Condition(in_window="b")), "either")
    assert single_window(two, D, {"a": 0, "b": 1}) is None
    open_pop = Population("x", 6, (Condition(open_at=("a", "b")),), "open on D")
    assert single_window(open_pop, D, {"a": 0, "b": 1}) is None


SPEC_LISTS = [(spec_id, lst) for spec_id in available_specs() for lst in load_spec(spec_id).lists]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_spec_list_compiles_to_its_own_rule(data: st.DataObject) -> None:
    spec_id, lst = data.draw(st.sampled_from(SPEC_LISTS), label="list")
    field_of = {
        c.id: c.source.removeprefix("event.")
        for c in lst.columns
        if c.type == "date" and c.source.startswith("event.")
    }
    values = {f: data.draw(_dates_around(D), label=f) for f in field_of.values()}
    row = _as_known_on(values, field_of, D)
    assert event_predicate(lst.population, D, field_of)(values) == in_population(
        lst.population, row, D
    ), (spec_id, lst.sheet)
    assert event_is_open(lst.population, D, field_of)(values) == is_open(lst.population, row, D)


def test_boundaries_written_out() -> None:
    """The 6-month window from D = 14 June 2024 starts 14 December 2023 (boundary counts)."""
    pop = Population("x", 6, (Condition(in_window="a"),), "in the 6 months before D")
    holds = event_predicate(pop, D, {"a": "when"})
    assert holds({"when": date(2023, 12, 14)})
    assert not holds({"when": date(2023, 12, 13)})
    assert holds({"when": D})
    assert not holds({"when": D + timedelta(days=1)})
    assert not holds({"when": None})
    open_pop = Population("x", 6, (Condition(open_at=("s", "e")),), "open on D")
    is_open_now = event_predicate(open_pop, D, {"s": "start", "e": "end"})
    assert is_open_now({"start": D, "end": None})
    assert is_open_now({"start": D, "end": D})  # ends on D: still open on D
    assert is_open_now({"start": D, "end": D + timedelta(days=30)})  # end after D: not yet
    assert not is_open_now({"start": D, "end": D - timedelta(days=1)})
    assert not is_open_now({"start": D + timedelta(days=1), "end": None})
