"""Dates for people, one form everywhere (GOV.UK style: "4 December 2026")."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from grip.calendar import ENGLAND, moment_in_england
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


# Times are stored in UTC and typed and shown in England's time (GMT in winter, BST from the
# last Sunday of March to the last Sunday of October: The Summer Time Order 2002).


def test_a_stored_time_is_shown_in_englands_time() -> None:
    july = dt.datetime(2026, 7, 14, 13, 0, tzinfo=dt.UTC)  # 14:00 BST
    assert date_time(july) == "14 July 2026 at 14:00"
    assert date_time(july.replace(tzinfo=None)) == "14 July 2026 at 14:00"  # naive is UTC
    january = dt.datetime(2026, 1, 14, 14, 0, tzinfo=dt.UTC)  # GMT: as stored
    assert date_time(january) == "14 January 2026 at 14:00"
    late = dt.datetime(2026, 7, 14, 23, 30, tzinfo=dt.UTC)  # 00:30 the next day in England
    assert long_date(late) == "15 July 2026" and date_time(late) == "15 July 2026 at 00:30"
    assert moment_in_england(dt.date(2026, 7, 14), dt.time(14, 0)) == july


def _exists_in_england(day: dt.date, time: dt.time) -> bool:
    """False for a time in the hour skipped when the clocks go forward (01:00-01:59 GMT on the
    last Sunday of March), which no clock in England shows."""
    local = dt.datetime.combine(day, time, tzinfo=ENGLAND)
    return local.astimezone(dt.UTC).astimezone(ENGLAND).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


@given(
    # Days around the clock changes of several years, and any time of day on them.
    st.integers(2020, 2035).flatmap(
        lambda y: st.sampled_from(
            [dt.date(y, 3, d) for d in range(24, 32)] + [dt.date(y, 10, d) for d in range(24, 32)]
        )
    )
    | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_a_time_typed_in_england_is_shown_as_typed(day: dt.date, time: dt.time) -> None:
    if not _exists_in_england(day, time):
        return
    stored = moment_in_england(day, time)
    assert stored.tzinfo == dt.UTC
    assert date_time(stored) == f"{long_date(day)} at {time:%H:%M}"
    # As SQLite hands it back (naive UTC), the same.
    assert date_time(stored.replace(tzinfo=None)) == f"{long_date(day)} at {time:%H:%M}"


def test_times_typed_on_the_web_are_read_in_englands_time() -> None:
    """A request's response time (ILACS Annex B) and when the Director was told of a safety
    concern (Southwark QA framework 2015, appendix 1 §2g), typed as 14:00 on a July day, are
    stored as 13:00 UTC and shown as 14:00."""
    from grip.web.routes.audits import Concern, _told_at
    from grip.web.routes.inspections import RequestForm, _due

    july, utc = dt.date(2026, 7, 14), dt.datetime(2026, 7, 14, 13, 0, tzinfo=dt.UTC)
    due = _due(RequestForm(response_due=july, response_due_time="14:00"))
    told = _told_at(Concern(director_told_on=july, director_told_time="14:00"))
    assert due == told == utc and date_time(due) == "14 July 2026 at 14:00"
