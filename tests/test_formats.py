"""Dates for people, one form everywhere (GOV.UK style: "4 December 2026")."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from grip.formats import date_time, long_date, month_year, number


def test_the_forms() -> None:
    assert long_date(dt.date(2026, 12, 4)) == "4 December 2026"
    assert long_date(dt.date(2026, 12, 4), weekday=True) == "Friday 4 December 2026"
    assert date_time(dt.datetime(2026, 1, 9, 7, 5)) == "9 January 2026 at 07:05"
    assert month_year(dt.date(2026, 1, 31)) == "January 2026"
    assert long_date(None) == date_time(None) == month_year(None) == ""
    assert (number(25.0), number(1234), number(2.25), number(None)) == ("25", "1,234", "2.2", "–")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_long_date_reads_back_as_the_same_day(d: dt.date) -> None:
    text = long_date(d)
    assert re.fullmatch(r"[1-9]\d? [A-Z][a-z]+ \d{4}", text)
    assert dt.datetime.strptime(text, "%d %B %Y").date() == d
