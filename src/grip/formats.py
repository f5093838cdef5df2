"""How Grip writes dates and counts for people: one form on every page and document.

GOV.UK style: "4 December 2026", "4 December 2026, 9:05pm" is not used (24-hour times are
clearer for records), so a time is "4 December 2026 at 21:05", in England's time (GMT or BST);
a month is "January 2026".
Machine formats (ISO dates in CSV exports, form values) are not for people and stay as they are.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: England's clock: GMT in winter, British Summer Time (GMT+1) from the last Sunday of March to
#: the last Sunday of October. Times are stored in UTC and typed and shown in England's time.
ENGLAND = ZoneInfo("Europe/London")


def in_england(moment: dt.datetime) -> dt.datetime:
    """``moment`` as a clock in England shows it; a naive value is UTC (SQLite hands stored
    times back without their zone)."""
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return aware.astimezone(ENGLAND)


def long_date(d: dt.date | None, weekday: bool = False) -> str:
    """ "4 December 2026" (or "Friday 4 December 2026"); an empty string for no date. A moment
    (a ``datetime``) is shown on the day it was in England."""
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        d = in_england(d)
    text = f"{d.day} {d:%B %Y}"
    return f"{d:%A} {text}" if weekday else text


def date_time(t: dt.datetime | None) -> str:
    """ "4 December 2026 at 21:05" in England's time (BST in summer: a time stored as 13:00 UTC
    in July is shown as 14:00); an empty string for no time."""
    if t is None:
        return ""
    local = in_england(t)
    return f"{long_date(local)} at {local:%H:%M}"


def month_year(d: dt.date | None) -> str:
    """ "January 2026"; an empty string for no date."""
    return "" if d is None else f"{d:%B %Y}"


def number(x: float | None) -> str:
    """A count as a whole number with thousands separated ("1,234"; "25", never "25.0"); a
    figure with a fraction to one place; a dash for none."""
    if x is None:
        return "–"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"
