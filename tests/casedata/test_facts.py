"""Case facts: each meaning defined once, its Python, Core and SQL forms held equal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select

from grip.calendar import date_of_age
from grip.casedata import facts
from grip.casedata.models import CASE_TABLES
from grip.store.base import LocalAuthority

T = CASE_TABLES
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
MAYBE = st.none() | DAYS


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    yield con
    con.close()


def _duck(con: duckdb.DuckDBPyConnection, expr: str, *values: date | None) -> object:
    cols = ", ".join(f"CAST(? AS DATE) AS v{i}" for i in range(len(values)))
    return con.execute(f"SELECT {expr} FROM (SELECT {cols})", list(values)).fetchone()[0]


# --- open on a date --------------------------------------------------------------------------


@settings(deadline=None)
@given(start=MAYBE, end=MAYBE, on=DAYS)
def test_open_on_is_started_and_not_yet_closed(
    start: date | None, end: date | None, on: date
) -> None:
    want = start is not None and start <= on and (end is None or on < end)
    assert facts.open_on(start, end, on) is want


@settings(deadline=None)
@given(start=DAYS, length=st.integers(0, 400))
def test_open_on_its_start_but_not_its_end_date(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    assert facts.open_on(start, None, start)
    assert facts.open_on(start, end, start) is (length > 0)
    assert not facts.open_on(start, end, end)  # an end date is the day it closed
    assert not facts.open_on(start, end, start - timedelta(days=1))
    # Open during a day counts the end day: the record was open for part of it.
    assert facts.open_during(start, end, end, end)
    assert not facts.open_during(start, end, end + timedelta(days=1), end + timedelta(days=9))


@settings(deadline=None)
@given(start=MAYBE, end=MAYBE, on=DAYS)
def test_open_on_is_open_during_the_day_unless_it_closed_that_day(
    start: date | None, end: date | None, on: date
) -> None:
    assert facts.open_on(start, end, on) is (facts.open_during(start, end, on, on) and end != on)


@settings(deadline=None)
@given(start=MAYBE, end=MAYBE, first=DAYS, span=st.integers(0, 40))
def test_open_during_a_window_is_open_during_some_day_of_it(
    start: date | None, end: date | None, first: date, span: int
) -> None:
    days = [first + timedelta(days=i) for i in range(span + 1)]
    want = any(facts.open_during(start, end, d, d) for d in days)
    assert facts.open_during(start, end, first, days[-1]) is want


@settings(max_examples=60, deadline=None)  # DuckDB round trips on a shared machine
@given(start=MAYBE, end=MAYBE, on=DAYS, last=DAYS)
def test_open_sql_text_agrees_with_python(
    duck: duckdb.DuckDBPyConnection, start: date | None, end: date | None, on: date, last: date
) -> None:
    got = _duck(duck, facts.open_on_sql("v0", "v1", "v2"), start, end, on)
    assert (got is True) is facts.open_on(start, end, on)
    got = _duck(duck, facts.open_during_sql("v0", "v1", "v2", "v3"), start, end, on, last)
    assert (got is True) is facts.open_during(start, end, on, last)


def test_open_on_clause_agrees_with_python(engine: Engine) -> None:
    on = date(2026, 11, 1)
    cases = {
        "open": (date(2026, 5, 1), None),
        "closes later": (date(2026, 5, 1), date(2026, 11, 2)),
        "closed on the day": (date(2026, 5, 1), on),
        "starts on the day": (on, None),
        "starts after": (date(2026, 11, 2), None),
    }
    cp = T["ssd_cp_plans"]
    with engine.begin() as conn:
        conn.execute(insert(LocalAuthority.__table__), [{"code": "A", "name": "A"}])
        conn.execute(
            insert(cp),
            [
                {
                    "la_code": "A",
                    "cppl_cp_plan_id": name,
                    "cppl_person_id": "1",
                    "cppl_referral_id": "r",
                    "cppl_cp_plan_start_date": s,
                    "cppl_cp_plan_end_date": e,
                    "cppl_cp_plan_initial_category": "NEG",
                    "cppl_cp_plan_latest_category": "NEG",
                }
                for name, (s, e) in cases.items()
            ],
        )
        where = facts.open_on_clause(cp, "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", on)
        q = select(cp.c.cppl_cp_plan_id).where(cp.c.la_code == "A", where)
        got = set(conn.execute(q).scalars())
    assert got == {name for name, (s, e) in cases.items() if facts.open_on(s, e, on)}
    assert got == {"open", "closes later", "starts on the day"}


# --- age on a date ---------------------------------------------------------------------------


@settings(deadline=None)
@given(dob=DAYS, years=st.integers(0, 30))
def test_a_year_older_from_the_start_of_the_birthday(dob: date, years: int) -> None:
    birthday = date_of_age(dob, years)
    assert facts.age_on(dob, birthday) == years
    if birthday > dob:
        assert facts.age_on(dob, birthday - timedelta(days=1)) == years - 1


def test_born_on_29_february() -> None:
    dob = date(2008, 2, 29)
    assert facts.age_on(dob, date(2026, 2, 28)) == 17  # a common year: not yet
    assert facts.age_on(dob, date(2026, 3, 1)) == 18  # Family Law Reform Act 1969 s9
    assert facts.age_on(dob, date(2028, 2, 29)) == 20  # a leap year: on the day


@settings(deadline=None)
@given(dob=MAYBE, on=DAYS)
def test_no_age_before_birth_or_without_a_date_of_birth(dob: date | None, on: date) -> None:
    age = facts.age_on(dob, on)
    assert (age is None) is (dob is None or dob > on)
    assert age is None or age >= 0


@settings(max_examples=80, deadline=None)
@given(dob=DAYS, on=DAYS)
def test_age_sql_text_agrees_with_python(
    duck: duckdb.DuckDBPyConnection, dob: date, on: date
) -> None:
    age = facts.age_on(dob, on)
    if age is not None:  # the SQL form is only asked of a child already born
        assert _duck(duck, facts.age_on_sql("v0", "v1"), dob, on) == age


@pytest.mark.parametrize(
    ("on", "age"), [(date(2025, 2, 28), 16), (date(2025, 3, 1), 17), (date(2024, 2, 29), 16)]
)
def test_age_sql_text_on_29_february(duck: duckdb.DuckDBPyConnection, on: date, age: int) -> None:
    assert _duck(duck, facts.age_on_sql("v0", "v1"), date(2008, 2, 29), on) == age


# --- allocation ------------------------------------------------------------------------------

ON = date(2026, 11, 1)
#: (involvement id, child, worker, role, team, start, end)
INVOLVEMENTS = [
    ("i1", "c1", "w1", "SW", "T1", date(2026, 1, 1), None),
    ("i2", "c1", "w2", "SW", "T2", date(2026, 6, 1), None),  # later start: c1's allocation
    ("i3", "c2", "w1", "SW", "T1", date(2026, 1, 1), ON),  # closed on the day: not allocated
    ("i4", "c3", "w3", "SW", None, date(2026, 2, 1), None),  # no team: the worker's team
    ("i5", "c4", "w1", "PA", "T1", date(2026, 2, 1), None),  # a personal adviser, not a SW
    ("i6", "c5", "w1", "SW", "T1", date(2026, 11, 2), None),  # starts after the day
]
PROFESSIONALS = [("w1", "T1"), ("w2", "T2"), ("w3", "T3")]


def _load_involvements(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(LocalAuthority.__table__), [{"code": "A", "name": "A"}])
        conn.execute(
            insert(T["ssd_professionals"]),
            [
                {
                    "la_code": "A",
                    "prof_professional_id": w,
                    "prof_professional_name": f"Worker {w}",
                    "prof_professional_job_title": "Social worker",
                    "prof_professional_team_id": team,
                }
                for w, team in PROFESSIONALS
            ],
        )
        conn.execute(
            insert(T["ssd_involvements"]),
            [
                {
                    "la_code": "A",
                    "invo_involvements_id": i,
                    "invo_person_id": c,
                    "invo_professional_id": w,
                    "invo_professional_role": role,
                    "invo_professional_team_id": team,
                    "invo_involvement_start_date": s,
                    "invo_involvement_end_date": e,
                }
                for i, c, w, role, team, s, e in INVOLVEMENTS
            ],
        )


def test_allocated_worker_and_team_on_a_date(engine: Engine) -> None:
    _load_involvements(engine)
    with engine.connect() as conn:
        sw = facts.allocations_on(conn, "A", ON)
        both = facts.allocations_on(conn, "A", ON, ("SW", "PA"))
        one = facts.allocations_on(conn, "A", ON, person_id="c1")
    assert {p: (a.worker_id, a.team_id) for p, a in sw.items()} == {
        "c1": ("w2", "T2"),
        "c3": ("w3", "T3"),
    }
    assert set(both) == {"c1", "c3", "c4"}
    assert set(one) == {"c1"}


def test_allocation_sql_text_agrees_with_the_core_query(
    engine: Engine, duck: duckdb.DuckDBPyConnection
) -> None:
    _load_involvements(engine)
    with engine.connect() as conn:
        core = {p: (a.worker_id, a.team_id) for p, a in facts.allocations_on(conn, "A", ON).items()}
    con = duck.cursor()
    con.execute(
        "CREATE TEMP TABLE ssd_involvements (invo_person_id TEXT, invo_professional_id TEXT, "
        "invo_professional_role TEXT, invo_professional_team_id TEXT, "
        "invo_involvement_start_date DATE, invo_involvement_end_date DATE)"
    )
    con.executemany(
        "INSERT INTO ssd_involvements VALUES (?, ?, ?, ?, ?, ?)",
        [list(row[1:]) for row in INVOLVEMENTS],
    )
    con.execute(
        "CREATE TEMP TABLE ssd_professionals (prof_professional_id TEXT, "
        "prof_professional_team_id TEXT)"
    )
    con.executemany("INSERT INTO ssd_professionals VALUES (?, ?)", PROFESSIONALS)
    sql = facts.allocated_on_sql(f"(SELECT DATE '{ON.isoformat()}' AS pe)")
    rows = con.execute(f"SELECT pid, worker, team FROM ({sql})").fetchall()
    assert {pid: (w, t) for pid, w, t in rows} == core


def test_allocation_during_an_event() -> None:
    spans = [
        ("old", date(2025, 1, 1), date(2026, 3, 1)),
        ("ended before", date(2024, 1, 1), date(2025, 12, 31)),
        ("latest", date(2026, 2, 1), None),
        ("after", date(2026, 9, 1), None),
    ]
    assert facts.allocated_during(spans, date(2026, 1, 1), date(2026, 6, 30)) == "latest"
    assert facts.allocated_during(spans, date(2025, 6, 1), date(2025, 6, 30)) == "old"
    assert facts.allocated_during(spans, date(2023, 1, 1), date(2023, 6, 30)) is None
    # The same start: the one ending later (or not at all) is the allocation.
    same = [("short", date(2026, 2, 1), date(2026, 4, 1)), ("open", date(2026, 2, 1), None)]
    assert facts.allocated_during(same, date(2026, 3, 1), date(2026, 3, 1)) == "open"


# --- legal status ----------------------------------------------------------------------------


def test_legal_status_on_a_date() -> None:
    statuses = [
        ("L1", date(2026, 1, 1), date(2026, 3, 31)),
        ("C2", date(2026, 4, 1), None),
        ("V2", date(2025, 1, 1), date(2025, 2, 1)),
    ]
    since = date(2026, 1, 1)
    assert facts.legal_status_on(statuses, date(2026, 5, 1), since) == "C2"
    assert facts.legal_status_on(statuses, date(2026, 3, 31), since) == "L1"  # end day counts
    # Ended before the date: the last one held since the event began.
    ended = statuses[:1]
    assert facts.legal_status_on(ended, date(2026, 6, 1), since) == "L1"
    assert facts.legal_status_on(ended, date(2026, 6, 1), date(2026, 5, 1)) is None


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["C2", "L1", "V2", "E1"]), DAYS, MAYBE), max_size=6),
    DAYS,
    DAYS,
)
def test_legal_status_is_one_held_in_the_window_preferring_one_held_on_the_day(
    statuses: list[tuple[str, date, date | None]], since: date, on: date
) -> None:
    got = facts.legal_status_on([(i, s, e) for i, (_c, s, e) in enumerate(statuses)], on, since)
    held = [i for i, (_c, s, e) in enumerate(statuses) if facts.open_during(s, e, since, on)]
    current = [i for i in held if facts.open_during(statuses[i][1], statuses[i][2], on, on)]
    if not held:
        assert got is None
    else:
        assert got in (current or held)
        assert statuses[got][1] == max(statuses[i][1] for i in (current or held))


# --- periods of care -------------------------------------------------------------------------


def test_a_period_of_care_spans_its_episodes() -> None:
    episodes = [
        ("P1", date(2025, 1, 1), date(2025, 6, 1)),
        ("P1", date(2025, 6, 1), date(2025, 9, 1)),
        ("P2", date(2026, 1, 1), date(2026, 2, 1)),
        ("P2", date(2026, 2, 1), None),
    ]
    assert facts.care_periods(episodes) == {
        "P1": (date(2025, 1, 1), date(2025, 9, 1)),
        "P2": (date(2026, 1, 1), None),
    }
