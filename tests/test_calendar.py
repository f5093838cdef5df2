"""grip.calendar: England working days, bank holidays, months, ages and ILACS date rules.

Working days are checked three ways: known dates, a naive day-by-day oracle built straight from
the ``holidays`` package, and GOV.UK's own list (the JSON bundled in ``govuk-bank-holidays``,
read offline) for every year it ships. Ofsted rules cite ILACS framework (Ofsted 170040) paragraphs.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, datetime, timedelta

import holidays
import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from grip.calendar import (
    FIRST_DATE,
    LAST_DATE,
    AnnexAMilestone,
    CalendarRangeError,
    InspectionKind,
    add_months,
    add_working_days,
    age_in_years,
    annex_a_milestones,
    bank_holidays,
    date_of_age,
    date_of_working_day_number,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    notification_date,
    previous_working_day,
    within_months,
    working_day_number,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_between,
    working_days_in,
)

# No deadline: the first call builds the day table, and the machine is shared.
CAL = settings(deadline=None, max_examples=200)

# Keep generated dates away from the ends of the known range so that +-2000 working days
# (about 8 years) stays inside it.
SAFE_FIRST = date(1890, 1, 1)
SAFE_LAST = date(2085, 12, 31)
dates = st.dates(min_value=SAFE_FIRST, max_value=SAFE_LAST)
steps = st.integers(min_value=-2000, max_value=2000)
nonzero_steps = steps.filter(lambda n: n != 0)
any_dates = st.dates()  # add_months and ages work on every representable date

# The oracle: an independent, obviously-correct definition straight from the holidays package.
_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(1872, 2101))


def naive_is_working(d: date) -> bool:
    return d.weekday() < 5 and d not in _HOLIDAYS


def naive_add(d: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if naive_is_working(d):
            remaining -= 1
    return d


def naive_between(a: date, b: date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    count = 0
    d = lo + timedelta(days=1)
    while d <= hi:
        count += naive_is_working(d)
        d += timedelta(days=1)
    return sign * count


def working_dates() -> st.SearchStrategy[date]:
    return dates.map(working_day_on_or_after)


# --------------------------------------------------------------------------------------------
# Known dates


def test_five_working_days_after_friday_18_december_2026_is_tuesday_29th() -> None:
    # Christmas Day is Friday 25th; Boxing Day (Saturday 26th) is taken on Monday 28th.
    result = add_working_days(date(2026, 12, 18), 5)
    assert result == date(2026, 12, 29)
    assert result.strftime("%A") == "Tuesday"
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 12, 28), "Boxing Day substitute (26th is a Saturday)"),
        (date(2022, 12, 27), "Christmas Day substitute (25th is a Sunday)"),
        (date(2022, 1, 3), "New Year's Day substitute"),
        (date(2022, 6, 3), "Platinum Jubilee, one-off"),
        (date(2022, 6, 2), "Spring bank holiday moved to Thursday in 2022"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II, one-off"),
        (date(2023, 5, 8), "Coronation of King Charles III, one-off"),
        (date(2020, 5, 8), "Early May bank holiday moved to Friday for VE day 75"),
        (date(2011, 4, 29), "Royal wedding, one-off"),
        (date(1999, 12, 31), "Millennium, one-off"),
        (date(2027, 3, 26), "Good Friday 2027"),
        (date(2027, 3, 29), "Easter Monday 2027"),
    ],
)
def test_bank_holidays_are_not_working_days(day: date, why: str) -> None:
    assert day.weekday() < 5, why
    assert not is_working_day(day), why
    assert is_bank_holiday(day), why


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 4),  # the first Monday of May 2020 was a working day (moved to the 8th)
        date(2022, 5, 30),  # last Monday of May 2022 was a working day (moved to 2 June)
        date(2026, 12, 24),  # Christmas Eve is not a bank holiday
        date(2026, 12, 29),
    ],
)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert is_working_day(day)
    assert not is_bank_holiday(day)


def test_weekends_are_not_working_days_nor_bank_holidays() -> None:
    sunday_christmas = date(2022, 12, 25)
    assert not is_working_day(sunday_christmas)
    # The holiday is taken on the substitute day, so the Sunday itself is not listed.
    assert not is_bank_holiday(sunday_christmas)
    assert not is_working_day(date(2026, 12, 19))


def test_bank_holidays_2026_with_names_and_substitutes() -> None:
    got = bank_holidays(2026)
    assert [(h.date, h.substitute) for h in got] == [
        (date(2026, 1, 1), False),
        (date(2026, 4, 3), False),
        (date(2026, 4, 6), False),
        (date(2026, 5, 4), False),
        (date(2026, 5, 25), False),
        (date(2026, 8, 31), False),
        (date(2026, 12, 25), False),
        (date(2026, 12, 28), True),
    ]
    names = {h.date: h.name for h in got}
    assert names[date(2026, 12, 28)] == "Boxing Day"
    assert names[date(2026, 4, 3)] == "Good Friday"


def test_bank_holidays_include_one_offs_by_name() -> None:
    names = {h.date: h.name for h in bank_holidays(2022)}
    assert "Jubilee" in names[date(2022, 6, 3)]
    assert "Funeral" in names[date(2022, 9, 19)]
    assert len(names) == 10


def test_add_working_days_from_a_weekend_or_holiday() -> None:
    saturday = date(2026, 12, 26)
    assert add_working_days(saturday, 1) == date(2026, 12, 29)  # Monday 28th is the substitute
    assert add_working_days(saturday, -1) == date(2026, 12, 24)
    assert add_working_days(saturday, 0) == saturday
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert previous_working_day(date(2026, 12, 29)) == date(2026, 12, 24)
    assert working_day_on_or_after(saturday) == date(2026, 12, 29)
    assert working_day_on_or_before(saturday) == date(2026, 12, 24)
    assert working_day_on_or_after(date(2026, 12, 24)) == date(2026, 12, 24)


def test_working_days_between_counts_end_not_start() -> None:
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, tuesday) == 1
    assert working_days_between(tuesday, monday) == -1
    # Friday to the next Monday: the weekend does not count, Monday does.
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1
    # A 45-working-day assessment from referral on Monday 2 March 2026 is due Thursday 7 May
    # 2026: Good Friday (3 April), Easter Monday (6 April) and the early May bank holiday
    # (4 May) are skipped.
    due = add_working_days(date(2026, 3, 2), 45)
    assert due == date(2026, 5, 7)
    assert working_days_between(date(2026, 3, 2), due) == 45


def test_working_days_in_includes_both_ends() -> None:
    week = working_days_in(date(2026, 12, 21), date(2026, 12, 31))
    assert week == [
        date(2026, 12, 21),
        date(2026, 12, 22),
        date(2026, 12, 23),
        date(2026, 12, 24),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
    ]
    assert working_days_in(date(2026, 12, 31), date(2026, 12, 21)) == []


# --------------------------------------------------------------------------------------------
# Errors


def test_dates_outside_the_known_years_are_refused_clearly() -> None:
    in_words = r"31 December 1871 is outside .* \(1 January 1872 to"
    with pytest.raises(CalendarRangeError, match=in_words):
        is_working_day(date(1871, 12, 31))
    with pytest.raises(CalendarRangeError, match="1 January 2101"):
        working_days_between(date(2026, 1, 1), date(2101, 1, 1))
    with pytest.raises(CalendarRangeError, match="falls outside"):
        add_working_days(date(2100, 12, 20), 30)
    with pytest.raises(CalendarRangeError, match="falls outside"):
        add_working_days(FIRST_DATE, -1)
    with pytest.raises(CalendarRangeError, match="year 1871"):
        bank_holidays(1871)
    with pytest.raises(CalendarRangeError):
        date_of_working_day_number(0)
    # The edges themselves work.
    assert is_working_day(LAST_DATE) is (LAST_DATE.weekday() < 5)
    assert working_day_number(FIRST_DATE) == int(is_working_day(FIRST_DATE))


def test_wrong_types_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match=r"not a datetime .*\.date\(\)"):
        is_working_day(datetime(2026, 1, 5, 9, 30))  # a datetime is a date to mypy
    with pytest.raises(TypeError, match=r"must be a datetime\.date, got str"):
        add_working_days("2026-01-05", 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="n must be an int, got float"):
        add_working_days(date(2026, 1, 5), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="n must be an int, got bool"):
        add_months(date(2026, 1, 5), True)
    with pytest.raises(TypeError, match=r"date of birth must be a datetime\.date"):
        age_in_years(None, date(2026, 1, 1))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Cross-check with GOV.UK's list (bundled JSON; never the network)


GOVUK = BankHolidays(use_cached_holidays=True)
GOVUK_EVENTS = GOVUK.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
GOVUK_YEARS = sorted({e["date"].year for e in GOVUK_EVENTS})


def test_govuk_data_covers_a_useful_span() -> None:
    # Guard against the bundled file shrinking to nothing and the cross-check passing vacuously.
    assert GOVUK_YEARS[0] <= 2018 and GOVUK_YEARS[-1] >= 2026
    assert list(range(GOVUK_YEARS[0], GOVUK_YEARS[-1] + 1)) == GOVUK_YEARS


@pytest.mark.parametrize("year", GOVUK_YEARS)
def test_bank_holidays_match_govuk(year: int) -> None:
    theirs = {e["date"]: e for e in GOVUK_EVENTS if e["date"].year == year}
    ours = {h.date: h for h in bank_holidays(year)}
    assert sorted(ours) == sorted(theirs)
    for day, event in theirs.items():
        govuk_substitute = "substitute" in event["notes"].lower()
        if day == date(2012, 6, 4):
            # GOV.UK calls the spring bank holiday moved by proclamation for the Diamond
            # Jubilee a "Substitute day" (but not the 2022 move to 2 June); ours marks only
            # days taken for a holiday that fell on a weekend.
            assert govuk_substitute and not ours[day].substitute
            continue
        assert ours[day].substitute == govuk_substitute, day


@pytest.mark.parametrize("year", GOVUK_YEARS)
def test_every_day_agrees_with_govuk(year: int) -> None:
    day = date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day) == GOVUK.is_work_day(
            day, division=BankHolidays.ENGLAND_AND_WALES
        ), day
        day += timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Working-day properties


@CAL
@given(dates)
def test_is_working_day_is_weekdays_without_holidays(d: date) -> None:
    assert is_working_day(d) == naive_is_working(d)
    assert is_bank_holiday(d) == (d.weekday() < 5 and d in _HOLIDAYS)


@CAL
@given(dates, nonzero_steps)
def test_add_working_days_lands_on_a_working_day(d: date, n: int) -> None:
    assert is_working_day(add_working_days(d, n))


@CAL
@given(dates, st.integers(min_value=-300, max_value=300))
def test_add_working_days_matches_day_by_day_oracle(d: date, n: int) -> None:
    assert add_working_days(d, n) == naive_add(d, n)


@CAL
@given(dates, st.integers(min_value=-400, max_value=400))
def test_working_days_between_matches_day_by_day_oracle(a: date, offset: int) -> None:
    b = a + timedelta(days=offset)
    assert working_days_between(a, b) == naive_between(a, b)


@CAL
@given(dates, st.integers(min_value=1, max_value=2000))
def test_between_undoes_add_forwards_from_any_day(d: date, n: int) -> None:
    assert working_days_between(d, add_working_days(d, n)) == n


@CAL
@given(working_dates(), steps)
def test_between_undoes_add_from_a_working_day(d: date, n: int) -> None:
    assert working_days_between(d, add_working_days(d, n)) == n


@CAL
@given(working_dates(), steps)
def test_negative_n_is_the_inverse(d: date, n: int) -> None:
    assert add_working_days(add_working_days(d, n), -n) == d


@CAL
@given(dates, steps, steps)
def test_add_working_days_is_strictly_monotone_in_n(d: date, m: int, n: int) -> None:
    # Strict even through n == 0 on a non-working d: add(d, -1) < d < add(d, 1).
    if m < n:
        assert add_working_days(d, m) < add_working_days(d, n)
    if m > 0:
        assert add_working_days(d, m) > d
    if m < 0:
        assert add_working_days(d, m) < d


@CAL
@given(dates, dates, nonzero_steps)
def test_add_working_days_is_monotone_in_d(a: date, b: date, n: int) -> None:
    if a <= b:
        assert add_working_days(a, n) <= add_working_days(b, n)


@CAL
@given(working_dates(), st.integers(min_value=1, max_value=500), st.integers(0, 500))
def test_add_working_days_composes(d: date, m: int, n: int) -> None:
    assert add_working_days(add_working_days(d, m), n) == add_working_days(d, m + n)


@CAL
@given(dates, dates, dates)
def test_between_is_additive_and_antisymmetric(a: date, b: date, c: date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)
    assert working_days_between(a, b) == -working_days_between(b, a)


@CAL
@given(dates, st.integers(min_value=-40, max_value=40))
def test_working_days_in_lists_exactly_the_working_days(a: date, offset: int) -> None:
    b = a + timedelta(days=offset)
    listed = working_days_in(a, b)
    expected = [a + timedelta(days=i) for i in range(offset + 1)]
    assert listed == [d for d in expected if naive_is_working(d)]
    if offset >= 0:
        assert len(listed) == working_days_between(a - timedelta(days=1), b)


@CAL
@given(dates)
def test_next_and_previous_working_day_are_adjacent(d: date) -> None:
    nxt, prev = next_working_day(d), previous_working_day(d)
    assert prev < d < nxt
    assert is_working_day(nxt) and is_working_day(prev)
    assert working_days_in(prev, nxt) == [prev, *([d] if is_working_day(d) else []), nxt]


@CAL
@given(dates)
def test_working_day_number_round_trips(d: date) -> None:
    k = working_day_number(d)
    back = date_of_working_day_number(k)
    assert back == working_day_on_or_before(d)
    assert working_day_number(back) == k


@CAL
@given(dates, dates, st.integers(min_value=1, max_value=2000))
def test_working_day_number_supports_bulk_arithmetic(a: date, b: date, n: int) -> None:
    # docs/calendar.md: joins on working_day_number replace per-row calls in SQL.
    assert working_days_between(a, b) == working_day_number(b) - working_day_number(a)
    assert date_of_working_day_number(working_day_number(a) + n) == add_working_days(a, n)


# --------------------------------------------------------------------------------------------
# Calendar months


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 1, 10), 3, date(2026, 4, 10)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_add_months_known_dates(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


def test_add_months_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="beyond the year range"):
        add_months(date(9999, 12, 1), 1)


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


@CAL
@given(any_dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_moves_whole_months_and_clamps(d: date, n: int) -> None:
    try:
        r = add_months(d, n)
    except ValueError:
        assert not 1 <= d.year + (d.month - 1 + n) // 12 <= 9999
        return
    assert _month_index(r) == _month_index(d) + n
    month_length = stdlib_calendar.monthrange(r.year, r.month)[1]
    assert r.day == min(d.day, month_length)
    if r.day != d.day:
        assert r.day == month_length  # clamped to the last day, never into the next month


@CAL
@given(any_dates.filter(lambda d: d.day <= 28 and 10 < d.year < 9990), st.integers(-100, 100))
def test_add_months_is_invertible_when_no_clamping(d: date, n: int) -> None:
    assert add_months(add_months(d, n), -n) == d


@CAL
@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 1, 1)),
    st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 1, 1)),
    st.integers(-100, 100),
)
def test_add_months_is_monotone(a: date, b: date, n: int) -> None:
    if a <= b:
        assert add_months(a, n) <= add_months(b, n)


@CAL
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 1, 1)), st.integers(0, 120))
def test_within_months_boundary(start: date, n: int) -> None:
    deadline = add_months(start, n)
    assert within_months(start, deadline, n)
    assert not within_months(start, deadline + timedelta(days=1), n)
    assert within_months(start, start, n)


def test_within_three_months_of_an_icpc_at_month_end() -> None:
    # Working Together: first review conference within 3 months of the ICPC.
    icpc = date(2026, 11, 30)
    assert within_months(icpc, date(2027, 2, 28), 3)
    assert not within_months(icpc, date(2027, 3, 1), 3)
    with pytest.raises(ValueError, match="must not be negative"):
        within_months(icpc, icpc, -1)


# --------------------------------------------------------------------------------------------
# Ages


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2026, 2, 28), 17),  # common year: not 18 until 1 March
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # leap year: birthday on 29 February
        (date(2008, 2, 29), 0),
    ],
)
def test_age_of_someone_born_on_29_february(on: date, age: int) -> None:
    assert age_in_years(date(2008, 2, 29), on) == age


def test_age_known_dates_and_errors() -> None:
    dob = date(2010, 6, 15)
    assert age_in_years(dob, date(2028, 6, 14)) == 17
    assert age_in_years(dob, date(2028, 6, 15)) == 18
    assert date_of_age(dob, 18) == date(2028, 6, 15)
    assert date_of_age(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert date_of_age(date(2008, 2, 29), 20) == date(2028, 2, 29)
    with pytest.raises(ValueError, match="before the date of birth"):
        age_in_years(dob, date(2010, 6, 14))
    with pytest.raises(ValueError, match="must not be negative"):
        date_of_age(dob, -1)


@CAL
@given(st.dates(max_value=date(9000, 12, 31)), st.integers(min_value=0, max_value=999))
def test_age_turns_exactly_on_date_of_age(dob: date, years: int) -> None:
    birthday = date_of_age(dob, years)
    assert age_in_years(dob, birthday) == years
    if years > 0:
        assert age_in_years(dob, birthday - timedelta(days=1)) == years - 1


@CAL
@given(st.dates(max_value=date(9000, 12, 31)), st.integers(min_value=0, max_value=36500))
def test_age_is_monotone_and_at_most_days_over_365(dob: date, days: int) -> None:
    on = dob + timedelta(days=days)
    age = age_in_years(dob, on)
    assert 0 <= age <= days // 365
    assert age_in_years(dob, on + timedelta(days=1)) >= age


# --------------------------------------------------------------------------------------------
# Ofsted ILACS 2017 (ILACS framework (Ofsted 170040)): notification and Annex A milestones


def test_standard_inspection_notified_the_monday_before() -> None:
    # Paras 52, 73: five working days' notice; fieldwork week 1 starts on Monday.
    assert notification_date(date(2026, 3, 16), InspectionKind.STANDARD) == date(2026, 3, 9)
    assert notification_date(date(2026, 3, 16), "short") == date(2026, 3, 9)


def test_notification_due_on_a_bank_holiday_monday_moves_to_friday() -> None:
    # Footnote 18: a Monday bank holiday (spring bank holiday, 25 May 2026) -> previous Friday.
    notified = notification_date(date(2026, 6, 1), InspectionKind.STANDARD)
    assert notified == date(2026, 5, 22)
    assert notified.strftime("%A") == "Friday"


def test_notification_at_easter_is_the_thursday() -> None:
    # Footnote 18: Easter 2027 — Good Friday 26 March, Easter Monday 29 March.
    notified = notification_date(date(2027, 4, 5), InspectionKind.STANDARD)
    assert notified == date(2027, 3, 25)
    assert notified.strftime("%A") == "Thursday"


def test_focused_visit_notified_the_tuesday_before() -> None:
    # Para 103 table: phone call Tuesday, on site Tuesday of week 1; footnote 20: a visit on
    # Wednesday and Thursday moves every milestone by one day.
    assert notification_date(date(2026, 3, 17), "focused") == date(2026, 3, 10)
    assert notification_date(date(2026, 3, 18), "focused") == date(2026, 3, 11)


def test_monitoring_visit_notified_ten_working_days_before() -> None:
    # Para 129 table: "Ten days before the visit — Monday"; para 242: "10 days before fieldwork
    # (usually Monday)".
    assert notification_date(date(2026, 3, 16), "monitoring") == date(2026, 3, 2)


def test_notification_refuses_non_working_fieldwork_start_and_unknown_kind() -> None:
    with pytest.raises(ValueError, match=r"29 March 2027 \(Monday\) is not a working day"):
        notification_date(date(2027, 3, 29), "standard")
    with pytest.raises(ValueError, match="unknown inspection kind 'jtai'; expected one of"):
        notification_date(date(2026, 3, 16), "jtai")


def _due(milestones: tuple[AnnexAMilestone, ...]) -> dict[str, tuple[str, str]]:
    return {m.key: (m.due.strftime("%A"), m.by) for m in milestones}


def test_annex_a_milestones_standard_inspection_match_para_242() -> None:
    got = annex_a_milestones(date(2026, 3, 16), "standard")
    assert _due(got) == {
        "notification": ("Monday", "9.30am"),
        "child_level_data": ("Tuesday", "end of day"),  # "by the end of Tuesday"
        "audits": ("Tuesday", "end of day"),
        "management_information": ("Wednesday", "end of day"),
        "specific_cases": ("Thursday", "end of day"),
    }
    assert got[0].due == date(2026, 3, 9)
    assert got[-1].due == date(2026, 3, 12)
    assert all("242" in m.source for m in got)


def test_annex_a_milestones_focused_visit_match_para_242() -> None:
    got = annex_a_milestones(date(2026, 3, 17), InspectionKind.FOCUSED)
    assert _due(got) == {
        "notification": ("Tuesday", ""),
        "child_level_data": ("Wednesday", "midday"),  # "usually by midday Wednesday"
        "audits": ("Wednesday", "midday"),
        "management_information": ("Wednesday", "end of day"),
        "specific_cases": ("Thursday", "end of day"),
    }


def test_annex_a_milestones_monitoring_visit_match_paras_129_131_242() -> None:
    visit = date(2026, 3, 16)
    got = {m.key: m for m in annex_a_milestones(visit, "monitoring")}
    assert got["notification"].due == date(2026, 3, 2)  # ten days before: Monday
    assert got["child_level_data"].due == date(2026, 3, 3)  # nine days before: Tuesday
    # "7 days after notification (usually the Wednesday before inspectors are onsite)", which
    # is para 131's "at least three working days before the monitoring visit".
    assert got["specific_cases"].due == date(2026, 3, 11)
    assert working_days_between(got["specific_cases"].due, visit) == 3
    assert got["management_information"].due == date(2026, 3, 11)


def test_annex_a_milestones_skip_a_bank_holiday() -> None:
    # Fieldwork Monday 11 May 2026; notification Monday 4 May is the early May bank holiday, so
    # it moves to Friday 1 May (footnote 18) and the "1 day after" lists are due Tuesday 5 May.
    got = {m.key: m.due for m in annex_a_milestones(date(2026, 5, 11), "standard")}
    assert got["notification"] == date(2026, 5, 1)
    assert got["child_level_data"] == date(2026, 5, 5)
    assert got["specific_cases"] == date(2026, 5, 7)


@CAL
@given(working_dates(), st.sampled_from(list(InspectionKind)))
def test_notification_gives_exactly_the_notice_in_working_days(
    start: date, kind: InspectionKind
) -> None:
    notice = 10 if kind is InspectionKind.MONITORING else 5
    notified = notification_date(start, kind)
    assert is_working_day(notified)
    assert working_days_between(notified, start) == notice
    # In a week with no bank holidays the call is on the same weekday, one or two weeks before.
    calendar_days = (start - notified).days
    if not any(is_bank_holiday(d) for d in days_from_to(notified, start)):
        assert calendar_days == (14 if notice == 10 else 7)
    milestones = annex_a_milestones(start, kind)
    assert [m.due for m in milestones] == sorted(m.due for m in milestones)
    assert all(notified <= m.due < start for m in milestones)


def days_from_to(a: date, b: date) -> list[date]:
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]
