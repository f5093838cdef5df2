"""The engine's working-day tables agree with ``grip.calendar`` on every day they cover.

The engine counts working days by joining ``cal_w`` (day -> working-day number) and ``cal_k``
(number -> day), numbered inside DuckDB from England and Wales bank holidays; Working Together's
"within 45 working days" and every other working-day timescale rest on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grip.calendar import add_working_days, working_days_between
from grip.measures.engine import CAL_END, CAL_START, _setup_calendar


@pytest.fixture(scope="module")
def cal() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    _setup_calendar(con)
    yield con
    con.close()


def _w(con: duckdb.DuckDBPyConnection, d: date) -> int:
    row = con.execute("SELECT w FROM cal_w WHERE d = ?", [d]).fetchone()
    assert row is not None
    return int(row[0])


days = st.dates(min_value=CAL_START, max_value=CAL_END - timedelta(days=500))


@given(a=days, gap=st.integers(0, 400), n=st.integers(1, 70))
def test_working_day_numbers_match_the_calendar(
    cal: duckdb.DuckDBPyConnection, a: date, gap: int, n: int
) -> None:
    b = a + timedelta(days=gap)
    assert _w(cal, b) - _w(cal, a) == working_days_between(a, b)
    row = cal.execute("SELECT d FROM cal_k WHERE k = ?", [_w(cal, a) + n]).fetchone()
    assert row is not None and row[0] == add_working_days(a, n)


def test_christmas_2026_is_skipped(cal: duckdb.DuckDBPyConnection) -> None:
    # Fri 25 Dec 2026 and Mon 28 Dec (Boxing Day's substitute) are bank holidays: the working
    # day after Thu 24 Dec is Tue 29 Dec.
    w = _w(cal, date(2026, 12, 24))
    row = cal.execute("SELECT d FROM cal_k WHERE k = ?", [w + 1]).fetchone()
    assert row == (date(2026, 12, 29),)
    assert _w(cal, date(2026, 12, 28)) == w
