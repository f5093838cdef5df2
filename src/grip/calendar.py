"""England working days, bank holidays, month and age arithmetic, and Ofsted ILACS date rules.

Working days are Monday to Friday, excluding England and Wales bank holidays, including
substitute days ("observed") and one-off holidays (jubilees, coronation, state funeral). The
holidays come from the pinned ``holidays`` package (country GB, subdivision ENG), whose rules
cover 1872 (the Bank Holidays Act 1871 took effect) to 2100. Dates outside that range raise
:class:`CalendarRangeError`, because nobody can say which days were or will be working days there.

Conventions, used by every module that counts time (see ``docs/calendar.md``):

* ``working_days_between(a, b)`` counts the working days in the half-open interval ``(a, b]``:
  the start day does not count, the end day does. So "within 45 working days of referral" is
  ``working_days_between(referral, completed) <= 45``, and
  ``working_days_between(d, add_working_days(d, n)) == n`` for n > 0 (and for n < 0 when ``d``
  is itself a working day).
* ``add_working_days(d, n)`` is the n-th working day strictly after ``d`` (before it for n < 0);
  ``d`` need not be a working day. ``n == 0`` returns ``d`` unchanged.
* ``add_months(d, n)`` keeps the day of the month, clamped to the month's last day (31 January
  plus one month is 28 or 29 February): the "corresponding date" rule for calendar months.
* ``age_in_years(dob, on)`` counts completed years; someone born on 29 February attains each age
  on 1 March in a common year.

Performance: the first call builds, once, a table of every day from 1872 to 2100 (about 84,000
days, tens of milliseconds). After that ``is_working_day`` and ``working_days_between`` are two
list look-ups, and ``add_working_days`` three; none of them loops over days.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as _dt
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

import holidays
from holidays.countries.united_kingdom import UnitedKingdom

from grip.formats import ENGLAND as _ENGLAND
from grip.formats import in_england, long_date

__all__ = [
    "EARLIEST_INPUT",
    "ENGLAND",
    "FIRST_DATE",
    "LAST_DATE",
    "LATEST_INPUT",
    "AnnexAMilestone",
    "BankHoliday",
    "CalendarRangeError",
    "DateInputError",
    "InspectionKind",
    "add_months",
    "add_working_days",
    "age_in_years",
    "annex_a_milestones",
    "bank_holidays",
    "check_input_date",
    "date_of_age",
    "date_of_working_day_number",
    "in_england",
    "is_bank_holiday",
    "is_working_day",
    "moment_in_england",
    "next_working_day",
    "notification_date",
    "parse_date",
    "previous_working_day",
    "within_months",
    "working_day_number",
    "working_day_on_or_after",
    "working_day_on_or_before",
    "working_days_between",
    "working_days_in",
]

#: First and last day for which bank holidays are known (the ``holidays`` package's UK range).
FIRST_DATE: Final = date(UnitedKingdom.start_year, 1, 1)
LAST_DATE: Final = date(UnitedKingdom.end_year, 12, 31)

_SUBDIVISION: Final = "ENG"  # England and Wales share bank holidays; ENG is the pinned choice.
_OBSERVED_SUFFIX: Final = " (observed)"  # the ``holidays`` package's label for substitute days


class CalendarRangeError(ValueError):
    """A date (given or computed) lies outside the years whose bank holidays are known."""


#: The dates a person may enter (filters, "as at" dates, due dates, inspection dates): inside
#: the known calendar with decades to spare either side, so a look-back window or a deadline
#: computed from them stays inside it too. 0001-01-01 or 9999-12-31 typed into a form used to
#: reach date arithmetic and fail with a server error (penetration test, December 2026).
EARLIEST_INPUT: Final = date(1900, 1, 1)
LATEST_INPUT: Final = date(2099, 12, 31)


class DateInputError(ValueError):
    """A date typed by a person that is not a date, or lies outside the accepted range."""


#: England's clock (``grip.formats`` holds it: pages show times in it).
ENGLAND: Final = _ENGLAND


def moment_in_england(day: date, time: _dt.time) -> _dt.datetime:
    """The moment (aware, UTC) a clock in England shows ``time`` on ``day``: 14:00 on a July day
    is 13:00 UTC. In the repeated hour when the clocks go back, the first 01:30 (BST) is meant;
    a time in the hour skipped when they go forward is read as GMT (01:30 GMT is 02:30 BST)."""
    return _dt.datetime.combine(day, time, tzinfo=ENGLAND).astimezone(_dt.UTC)


def parse_date(text: str, what: str = "date") -> date:
    """``YYYY-MM-DD`` as a date between :data:`EARLIEST_INPUT` and :data:`LATEST_INPUT`;
    raises :class:`DateInputError` naming ``what``, the value and what was expected."""
    value = (text or "").strip()
    expected = "a date between 1 January 1900 and 31 December 2099, written YYYY-MM-DD"
    shown = value if len(value) <= 40 else value[:40] + "…"
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise DateInputError(f"{what}: {shown!r} is not {expected}") from None
    check_input_date(d, what)
    return d


def check_input_date(d: date, what: str = "date") -> date:
    """``d`` unchanged if it lies between :data:`EARLIEST_INPUT` and :data:`LATEST_INPUT`,
    else :class:`DateInputError`."""
    if not EARLIEST_INPUT <= d <= LATEST_INPUT:
        raise DateInputError(
            f"{what}: {long_date(d)} is outside the dates Grip accepts "
            "(1 January 1900 to 31 December 2099)"
        )
    return d


@dataclass(frozen=True, slots=True)
class BankHoliday:
    """One England and Wales bank holiday, on the weekday it is taken.

    ``substitute`` is true for a substitute day: the weekday taken in place of a holiday that fell
    on a weekend (for example Boxing Day 2026, a Saturday, is taken on Monday 28 December).
    """

    date: date
    name: str
    substitute: bool


# --------------------------------------------------------------------------------------------
# The day table, built once on first use.


@dataclass(frozen=True, slots=True)
class _Table:
    base: int  # ordinal of FIRST_DATE
    last: int  # ordinal of LAST_DATE
    # working[i] is 1 when day base+i is a working day
    working: bytes
    # cum[i] = number of working days among days base .. base+i-1, so cum has one entry more
    # than there are days and "working days on or before day base+i" is cum[i + 1].
    cum: list[int]
    # the ordinals of every working day, ascending; wd[k] is the (k+1)-th working day
    wd: list[int]
    by_year: dict[int, tuple[BankHoliday, ...]]


_TABLE: _Table | None = None


def _build_table() -> _Table:
    first_year, last_year = FIRST_DATE.year, LAST_DATE.year
    source = holidays.country_holidays(
        "GB", subdiv=_SUBDIVISION, years=range(first_year, last_year + 1)
    )
    by_year: dict[int, list[BankHoliday]] = {y: [] for y in range(first_year, last_year + 1)}
    holiday_ordinals: set[int] = set()
    for day, label in sorted(source.items()):
        # The package also lists a holiday on the weekend day it falls (25 December on a
        # Sunday); in England and Wales that day is not itself a bank holiday: the substitute
        # day is. Weekends are non-working days anyway, so only weekday holidays are kept.
        if day.weekday() >= 5:
            continue
        # Two holidays on one day are joined by "; " in the package; keep one entry per date.
        names = [n.strip() for n in label.split(";")]
        substitute = all(n.endswith(_OBSERVED_SUFFIX) for n in names)
        name = "; ".join(n.removesuffix(_OBSERVED_SUFFIX) for n in names)
        by_year[day.year].append(BankHoliday(day, name, substitute))
        holiday_ordinals.add(day.toordinal())

    base, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    working = bytearray(last - base + 1)
    cum = [0] * (last - base + 2)
    wd: list[int] = []
    count = 0
    weekday = FIRST_DATE.weekday()
    for i in range(last - base + 1):
        ordinal = base + i
        if weekday < 5 and ordinal not in holiday_ordinals:
            working[i] = 1
            count += 1
            wd.append(ordinal)
        cum[i + 1] = count
        weekday = 0 if weekday == 6 else weekday + 1
    return _Table(
        base=base,
        last=last,
        working=bytes(working),
        cum=cum,
        wd=wd,
        by_year={y: tuple(v) for y, v in by_year.items()},
    )


def _table() -> _Table:
    global _TABLE
    if _TABLE is None:
        # Building twice under a race is harmless: the result is the same immutable table.
        _TABLE = _build_table()
    return _TABLE


def _index(t: _Table, d: date, what: str = "date") -> int:
    """Offset of ``d`` in the table, with clear errors for wrong types and out-of-range dates."""
    if d.__class__ is not date:
        _check_date(d, what)
    ordinal = d.toordinal()
    i = ordinal - t.base
    if i < 0 or ordinal > t.last:
        raise CalendarRangeError(
            f"{what} {long_date(d)} is outside the years whose England and Wales bank holidays "
            f"are known ({long_date(FIRST_DATE)} to {long_date(LAST_DATE)})"
        )
    return i


def _check_date(d: object, what: str) -> None:
    from datetime import datetime  # local: only reached on the slow, erroneous path

    if isinstance(d, datetime):
        raise TypeError(
            f"{what} must be a datetime.date, not a datetime ({d!r}); pass its .date() so the "
            "time of day and time zone are dropped deliberately"
        )
    if not isinstance(d, date):
        raise TypeError(f"{what} must be a datetime.date, got {type(d).__name__} {d!r}")


def _check_int(n: object, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be an int, got {type(n).__name__} {n!r}")


# --------------------------------------------------------------------------------------------
# Bank holidays and working days.


def bank_holidays(year: int) -> tuple[BankHoliday, ...]:
    """England and Wales bank holidays in ``year``, in date order, on the weekdays taken.

    Includes substitute days (marked ``substitute=True``) and one-off holidays such as the
    Platinum Jubilee (3 June 2022) or the State Funeral of Queen Elizabeth II (19 September 2022).
    Names are the ``holidays`` package's (for example "May Day" for the early May bank holiday).
    """
    _check_int(year, "year")
    t = _table()
    try:
        return t.by_year[year]
    except KeyError:
        raise CalendarRangeError(
            f"year {year} is outside the years whose England and Wales bank holidays are known "
            f"({FIRST_DATE.year} to {LAST_DATE.year})"
        ) from None


def is_bank_holiday(d: date) -> bool:
    """True when ``d`` is an England and Wales bank holiday taken on that weekday."""
    t = _table()
    i = _index(t, d)
    return d.weekday() < 5 and not t.working[i]


def is_working_day(d: date) -> bool:
    """True when ``d`` is Monday to Friday and not an England and Wales bank holiday."""
    t = _table()
    return t.working[_index(t, d)] == 1


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``: the count over ``(a, b]``.

    The start day never counts and the end day counts when it is a working day, so a task
    received on Monday and done on Tuesday took 1 working day, and one done the same day took 0.
    When ``b`` is before ``a`` the result is negative: ``working_days_between(a, b) ==
    -working_days_between(b, a)``.
    """
    t = _table()
    cum = t.cum
    return cum[_index(t, b, "end date") + 1] - cum[_index(t, a, "start date") + 1]


def working_days_in(start: date, end: date) -> list[date]:
    """Every working day from ``start`` to ``end``, both included (empty if ``end < start``).

    Unlike :func:`working_days_between`, both ends are included here because this lists days
    (for example the working days of an inspection week) rather than measuring a gap.
    """
    t = _table()
    lo = t.cum[_index(t, start, "start date")]  # working days before start
    hi = t.cum[_index(t, end, "end date") + 1]  # working days on or before end
    return [date.fromordinal(o) for o in t.wd[lo:hi]]


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after ``d`` (before it when n is negative).

    ``d`` itself never counts and need not be a working day: 1 working day after Saturday is
    Monday (when Monday is not a bank holiday). ``n == 0`` returns ``d`` unchanged, even on a
    non-working day; use :func:`working_day_on_or_after` to roll a date forward.

    Example: 5 working days after Friday 18 December 2026 is Tuesday 29 December 2026 (Christmas
    Day is Friday 25th and Boxing Day's substitute is Monday 28th).
    """
    t = _table()
    i = _index(t, d)
    if n.__class__ is not int:
        _check_int(n, "n")
    if n > 0:
        k = t.cum[i + 1] + n - 1  # index in wd of the n-th working day after d
    elif n < 0:
        k = t.cum[i] + n  # cum[i] working days lie strictly before d
    else:
        return d
    if k < 0 or k >= len(t.wd):
        raise CalendarRangeError(
            f"{n} working days from {long_date(d)} falls outside the years whose England and "
            f"Wales bank holidays are known ({long_date(FIRST_DATE)} to {long_date(LAST_DATE)})"
        )
    return date.fromordinal(t.wd[k])


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    return add_working_days(d, 1)


def previous_working_day(d: date) -> date:
    """The last working day strictly before ``d``."""
    return add_working_days(d, -1)


def working_day_on_or_after(d: date) -> date:
    """``d`` if it is a working day, otherwise the next working day."""
    return d if is_working_day(d) else add_working_days(d, 1)


def working_day_on_or_before(d: date) -> date:
    """``d`` if it is a working day, otherwise the previous working day."""
    return d if is_working_day(d) else add_working_days(d, -1)


def working_day_number(d: date) -> int:
    """The number of working days from 1 January 1872 up to and including ``d``.

    A monotone index for bulk work: ``working_days_between(a, b) == working_day_number(b) -
    working_day_number(a)``. Load ``(date, working_day_number(date))`` pairs into DuckDB or SQL
    once and compute working-day gaps for millions of rows by joining instead of calling Python.
    """
    t = _table()
    return t.cum[_index(t, d) + 1]


def date_of_working_day_number(k: int) -> date:
    """The working day whose :func:`working_day_number` is ``k`` (``k >= 1``)."""
    _check_int(k, "k")
    t = _table()
    if not 1 <= k <= len(t.wd):
        raise CalendarRangeError(
            f"working day number {k} is outside 1 to {len(t.wd)} "
            f"({long_date(FIRST_DATE)} to {long_date(LAST_DATE)})"
        )
    return date.fromordinal(t.wd[k - 1])


# --------------------------------------------------------------------------------------------
# Calendar months and ages.


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months, keeping the day of the month where it exists.

    When the target month is too short the result is its last day: 31 January + 1 month is
    28 February (29 in a leap year); 31 August + 1 month is 30 September. This is the
    "corresponding date" rule courts apply to periods of months (Dodds v Walker [1981] 1 WLR
    1027, HL), which statutory "within 3 months" timescales in Working Together and the Care
    Planning Regulations 2010 use. Clamping means months do not always compose:
    ``add_months(add_months(31 Jan, 1), 1)`` is 28 March, ``add_months(31 Jan, 2)`` 31 March.
    Works on any date Python can represent; no bank holidays are involved.
    """
    if d.__class__ is not date:
        _check_date(d, "date")
    _check_int(n, "n")
    years, month0 = divmod(d.month - 1 + n, 12)
    year = d.year + years
    if not 1 <= year <= 9999:
        raise ValueError(f"{d.isoformat()} plus {n} months is beyond the year range 1 to 9999")
    day = d.day
    if day > 28:  # only then can the target month be too short
        last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
        day = min(day, last)
    return date(year, month0 + 1, day)


def within_months(start: date, end: date, n: int) -> bool:
    """True when ``end`` is on or before ``start`` plus ``n`` calendar months.

    "Within 3 months of the ICPC" (first review conference) means on or before the
    corresponding date 3 months later, clamped to the month's end (see :func:`add_months`):
    a conference on 30 November must review by 28 (or 29) February. Only the upper bound is
    checked; an ``end`` before ``start`` is a data-quality problem for the caller to flag, not
    a timeliness question, and returns True.
    """
    _check_int(n, "n")
    if n < 0:
        raise ValueError(f"a period of months must not be negative, got {n}")
    if end.__class__ is not date:
        _check_date(end, "end")
    return end <= add_months(start, n)


def date_of_age(dob: date, years: int) -> date:
    """The day on which someone born on ``dob`` attains the age ``years``.

    The same day and month ``years`` later, except that someone born on 29 February attains
    each age on 1 March in a common year: English law treats a person as attaining an age at
    the start of the anniversary of their birth (Family Law Reform Act 1969 s9), and a
    29 February birth has no anniversary in a common year until 28 February has ended. Note
    this differs from ``add_months(dob, 12 * years)``, which clamps to 28 February: use this
    function for ages (18th birthday, care leavers to 21 or 25) and add_months for periods.
    """
    if dob.__class__ is not date:
        _check_date(dob, "date of birth")
    _check_int(years, "years")
    if years < 0:
        raise ValueError(f"an age must not be negative, got {years}")
    year = dob.year + years
    if year > 9999:
        raise ValueError(f"{dob.isoformat()} plus {years} years is beyond the year 9999")
    if dob.month == 2 and dob.day == 29 and not _stdlib_calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, dob.month, dob.day)


def age_in_years(dob: date, on: date) -> int:
    """Completed years of age on ``on`` for someone born on ``dob``.

    A person is a year older from the start of their birthday; someone born on 29 February is
    a year older from 1 March in a common year (see :func:`date_of_age`). Raises ``ValueError``
    when ``on`` is before ``dob``.
    """
    if dob.__class__ is not date:
        _check_date(dob, "date of birth")
    if on.__class__ is not date:
        _check_date(on, "date")
    if on < dob:
        raise ValueError(
            f"date {long_date(on)} is before the date of birth {long_date(dob)}: no age"
        )
    # Tuple comparison gives the 1 March rule for free: in a common year (2, 28) < (2, 29), so
    # the birthday has not come on 28 February, and (3, 1) > (2, 29) so it has by 1 March.
    before_birthday = (on.month, on.day) < (dob.month, dob.day)
    return on.year - dob.year - before_birthday


# --------------------------------------------------------------------------------------------
# Ofsted ILACS (2017) notice and Annex A milestones: ILACS framework (Ofsted 170040).


class InspectionKind(StrEnum):
    """The ILACS visits whose notice the framework fixes (ILACS framework (Ofsted 170040) paras 52,
    54, 103, 129)."""

    STANDARD = "standard"
    SHORT = "short"
    FOCUSED = "focused"
    MONITORING = "monitoring"


#: Working days of notice before fieldwork: paras 52, 54, 73 (five working days), 103 (focused
#: visits, five working days) and the Annex A table in para 242 (monitoring visits, ten days).
NOTICE_WORKING_DAYS: Final[dict[InspectionKind, int]] = {
    InspectionKind.STANDARD: 5,
    InspectionKind.SHORT: 5,
    InspectionKind.FOCUSED: 5,
    InspectionKind.MONITORING: 10,
}


def _kind(kind: InspectionKind | str) -> InspectionKind:
    try:
        return InspectionKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in InspectionKind)
        raise ValueError(f"unknown inspection kind {kind!r}; expected one of {allowed}") from None


def notification_date(fieldwork_start: date, kind: InspectionKind | str) -> date:
    """The day Ofsted notifies the local authority (by telephone, by 9.30am) of a visit.

    ILACS framework (Ofsted 170040) para 73: notification "by 9.30am five working days before the
    fieldwork starts"; paras 52 and 54 (standard and short inspections) and 103 (focused visits)
    give five working days' notice; the Annex A table (para 242) puts the monitoring-visit request
    "10 days before fieldwork (usually Monday)". All are counted in working days, so the
    notification day is ``add_working_days(fieldwork_start, -notice)``. Footnote 18 ("If
    notification is due on a Monday that is a bank holiday, the notification will take place on the
    previous working day – Friday. In the case of Easter weekend, notification would be on
    Thursday.") is then a consequence, not an extra rule: counting back over a bank-holiday Monday
    lands on the Friday, and over Easter Monday and Good Friday on the Thursday.

    Which day is ``fieldwork_start``, as the seed's timetables count it:

    * standard and short inspections: the Monday of week 1 (the lead inspector arrives that
      afternoon; paras 52-55 tables), so notification is the Monday before;
    * focused visits: the first day on site, usually the Tuesday (para 103 table; the Wednesday
      when footnote 20 moves the visit to Wednesday and Thursday), notification the Tuesday
      before ("usually Tuesday", para 242);
    * monitoring visits: the first day of the visit week in the para 129 table, usually the
      Monday of off-site evaluation, with inspectors on site from the Tuesday. Para 129 labels
      the Monday two weeks earlier "Ten days before the visit" and para 131's "at least three
      working days before" matches the Wednesday of the week before only when counted to that
      Monday. The seed is ambiguous here: for focused visits "fieldwork" in para 242 is the
      on-site Tuesday, for monitoring visits it must be the Monday, or "10 days" would not land
      on a Monday. Callers holding the first on-site day of a monitoring visit should pass
      ``previous_working_day(on_site)``.

    Raises ``ValueError`` when ``fieldwork_start`` is not a working day: no fieldwork starts on
    a weekend or bank holiday, and counting back from one would hide a scheduling mistake.
    """
    k = _kind(kind)
    if not is_working_day(fieldwork_start):
        raise ValueError(
            f"fieldwork start {long_date(fieldwork_start)} ({fieldwork_start:%A}) is not a "
            "working day in England"
        )
    return add_working_days(fieldwork_start, -NOTICE_WORKING_DAYS[k])


@dataclass(frozen=True, slots=True)
class AnnexAMilestone:
    """One row of the Annex A milestones table (ILACS framework (Ofsted 170040) para 242) for one
    visit.

    ``working_days_after_notification`` is the table's "N days after notification"; ``by`` is
    the time of day the seed gives ("9.30am", "midday", "end of day") or "" where it gives none.
    """

    key: str
    label: str
    due: date
    by: str
    working_days_after_notification: int
    source: str


# (key, label, {kind: (working days after notification, by)}, source). Standard and short
# inspections share a column in para 242. "Days" there are working days: the monitoring column's
# "7 days after notification (usually the Wednesday before inspectors are onsite)" is a Wednesday
# only when counted in working days from the Monday notification.
_STD = (InspectionKind.STANDARD, InspectionKind.SHORT)
_MILESTONES: Final[tuple[tuple[str, str, dict[InspectionKind, tuple[int, str]], str], ...]] = (
    (
        "notification",
        "Notification / request for Annex A",
        {
            **dict.fromkeys(_STD, (0, "9.30am")),
            InspectionKind.FOCUSED: (0, ""),
            InspectionKind.MONITORING: (0, ""),
        },
        "ILACS framework (Ofsted 170040) paras 73, 242",
    ),
    (
        "child_level_data",
        "Child-level data lists",
        {
            **dict.fromkeys(_STD, (1, "end of day")),
            InspectionKind.FOCUSED: (1, "midday"),
            InspectionKind.MONITORING: (1, ""),
        },
        "ILACS framework (Ofsted 170040) para 242",
    ),
    (
        "audits",
        "Information about audits the local authority has completed in the six months prior "
        "to the inspection",
        {
            **dict.fromkeys(_STD, (1, "end of day")),
            InspectionKind.FOCUSED: (1, "midday"),
            InspectionKind.MONITORING: (1, ""),
        },
        "ILACS framework (Ofsted 170040) para 242",
    ),
    (
        "management_information",
        "Information used by the local authority to manage services for children and young people",
        {
            **dict.fromkeys(_STD, (2, "end of day")),
            InspectionKind.FOCUSED: (1, "end of day"),
            InspectionKind.MONITORING: (7, ""),
        },
        "ILACS framework (Ofsted 170040) para 242",
    ),
    (
        "specific_cases",
        "Information about specific children's cases",
        {
            **dict.fromkeys(_STD, (3, "end of day")),
            InspectionKind.FOCUSED: (2, "end of day"),
            InspectionKind.MONITORING: (7, ""),
        },
        "ILACS framework (Ofsted 170040) paras 131, 242",
    ),
)


def annex_a_milestones(
    fieldwork_start: date, kind: InspectionKind | str
) -> tuple[AnnexAMilestone, ...]:
    """The Annex A milestones of ILACS framework (Ofsted 170040) para 242 for a visit, with their
    due dates.

    The notification day is :func:`notification_date` (see there for which day
    ``fieldwork_start`` is); each later milestone is its number of working days after
    notification. Footnotes 20 and 22 (visits moved to Wednesday and Thursday: "all other
    milestones will be adjusted by one day") follow from passing the moved fieldwork start.
    For monitoring visits the "specific children's cases" row (7 days after notification, the
    Wednesday of the week before) is also para 131's deadline for the audited cases, "at least
    three working days before the monitoring visit".
    """
    k = _kind(kind)
    notified = notification_date(fieldwork_start, k)
    return tuple(
        AnnexAMilestone(
            key=key,
            label=label,
            due=add_working_days(notified, per_kind[k][0]),
            by=per_kind[k][1],
            working_days_after_notification=per_kind[k][0],
            source=source,
        )
        for key, label, per_kind, source in _MILESTONES
    )
