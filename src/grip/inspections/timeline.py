"""The timeline of an inspection or visit, from the notification to the published report.

The dates are data (``timelines.yaml``, per framework and type) computed with
``grip.calendar``: the notification day and the Annex A milestones come straight from
:func:`grip.calendar.notification_date` and :func:`grip.calendar.annex_a_milestones` (ILACS
framework (Ofsted 170040) paras 52-55, 73, 103, 129, 242 and footnote 18); every other date is a
number of working days from the notification, the first day of fieldwork or its last day.
The report timetable (the table after para 216) counts working days after the fieldwork ends.

The date rules (:func:`date_problems`) refuse a fieldwork start that is not a working day or
not the weekday the type's timetable starts on, an inspection whose notice or fieldwork falls
over Christmas and New Year, and, in August, anything but monitoring and focused visits
(para 14).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from grip import calendar
from grip.inspections.rules import rules

TIMELINES_FILE = Path(__file__).with_name("timelines.yaml")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ANNEX_A_TITLES = {
    "child_level_data": "Annex A: child-level data lists",
    "audits": "Annex A: information about audits completed in the last six months",
    "management_information": "Annex A: information used to manage services",
    "specific_cases": "Annex A: information about specific children's cases",
}


class TimelineError(ValueError):
    """A date the rules forbid, or an unknown type or framework; the message says which."""


@dataclass(frozen=True)
class Milestone:
    """One dated step: ``time`` is the time of day the framework gives, or ""."""

    id: str
    title: str
    date: dt.date
    time: str
    paragraph: str

    def as_json(self) -> dict[str, str]:
        """``{id, title, date, time, paragraph}`` with an ISO date."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "time": self.time,
            "paragraph": self.paragraph,
        }


@dataclass(frozen=True)
class Timeline:
    """Every milestone of one inspection or visit, in date order, and its days of fieldwork."""

    type: str
    framework_id: str
    fieldwork_start: dt.date
    notification: dt.date
    last_day: dt.date
    fieldwork_days: tuple[dt.date, ...]
    on_site_days: tuple[dt.date, ...]
    milestones: tuple[Milestone, ...]

    def as_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` object."""
        return {
            "type": self.type,
            "framework": self.framework_id,
            "fieldwork_start": self.fieldwork_start.isoformat(),
            "notification": self.notification.isoformat(),
            "fieldwork_end": self.last_day.isoformat(),
            "on_site_days": [d.isoformat() for d in self.on_site_days],
            "milestones": [m.as_json() for m in self.milestones],
        }


@cache
def _data() -> dict[str, Any]:
    data = yaml.safe_load(TIMELINES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{TIMELINES_FILE}: expected a mapping with version: 1")
    return data


def type_spec(type_id: str, framework_id: str = "ilacs-2017") -> dict[str, Any]:
    """The timeline data of ``type_id`` under ``framework_id`` (following ``timing_from``)."""
    frameworks = _data()["frameworks"]
    if framework_id not in frameworks:
        raise TimelineError(
            f"framework {framework_id!r} has no timelines; expected one of {', '.join(frameworks)}"
        )
    spec = frameworks[framework_id]
    spec = frameworks[spec["timing_from"]] if "timing_from" in spec else spec
    if type_id not in spec["types"]:
        raise TimelineError(f"unknown type {type_id!r}; expected one of {', '.join(spec['types'])}")
    return dict(spec["types"][type_id])


def _notification(spec: dict[str, Any], start: dt.date) -> tuple[dt.date, list[Milestone]]:
    kind = spec["calendar_kind"]
    if kind is None:
        n = spec["notice"]
        day = calendar.add_working_days(start, int(n["after"]))
        return day, [Milestone(n["id"], n["title"], day, "", n["paragraph"])]
    out = []
    for m in calendar.annex_a_milestones(start, kind):
        if m.key == "notification":
            title = "Notification call to the DCS; Annex A requested"
            out.append(Milestone(m.key, title, m.due, m.by, "73, 242 and footnote 18"))
        else:
            out.append(Milestone(m.key, _ANNEX_A_TITLES[m.key], m.due, m.by, "242"))
    return out[0].date, out


def compute(type_id: str, fieldwork_start: dt.date, framework_id: str = "ilacs-2017") -> Timeline:
    """The timeline of a ``type_id`` visit whose fieldwork starts on ``fieldwork_start``.

    It does not judge the date (see :func:`date_problems`) beyond needing a working day.
    """
    spec = type_spec(type_id, framework_id)
    if not calendar.is_working_day(fieldwork_start):
        raise TimelineError(_not_working(fieldwork_start))
    notified, milestones = _notification(spec, fieldwork_start)
    last = calendar.add_working_days(fieldwork_start, int(spec["last_day"]["after"]))
    anchors = {"notification": notified, "fieldwork_start": fieldwork_start, "last_day": last}
    days = calendar.working_days_in(fieldwork_start, last)
    off_site = {days[i] for i in spec["off_site_days"]}
    for m in spec["milestones"]:
        day = calendar.add_working_days(anchors[m["from"]], int(m["after"]))
        milestones.append(Milestone(m["id"], m["title"], day, m.get("time", ""), m["paragraph"]))
    end = "Last day of fieldwork"
    milestones.append(Milestone("fieldwork_end", end, last, "", spec["last_day"]["paragraph"]))
    if spec.get("report"):
        milestones += _report(spec["report"], anchors)
    ordered = sorted(milestones, key=lambda m: m.date)
    return Timeline(
        type=type_id,
        framework_id=framework_id,
        fieldwork_start=fieldwork_start,
        notification=notified,
        last_day=last,
        fieldwork_days=tuple(days),
        on_site_days=tuple(d for d in days if d not in off_site),
        milestones=tuple(ordered),
    )


def _report(name: str, anchors: dict[str, dt.date]) -> list[Milestone]:
    table = _data()["report_timetables"][name]
    out = []
    for m in table["milestones"]:
        day = calendar.add_working_days(anchors[m["from"]], int(m["after"]))
        anchors[m["id"]] = day
        out.append(Milestone(m["id"], m["title"], day, "", table["paragraph"]))
    return out


def _not_working(d: dt.date) -> str:
    what = next(
        (
            f"{h.name}{' (substitute day)' if h.substitute else ''}, a bank holiday"
            for h in calendar.bank_holidays(d.year)
            if h.date == d
        ),
        f"a {d:%A}",
    )
    return (
        f"{d.isoformat()} is {what}: fieldwork starts on a working day, since the notice is "
        "counted in working days before it (ILACS framework (Ofsted 170040) para 73)"
    )


def _in_christmas(d: dt.date) -> bool:
    window = _data()["christmas_new_year"]
    key = f"{d.month:02d}-{d.day:02d}"
    return bool(key >= window["first"] or key <= window["last"])


def date_problems(
    type_id: str, fieldwork_start: dt.date, framework_id: str = "ilacs-2017"
) -> list[str]:
    """Why the rules forbid this fieldwork start (empty when they allow it), each with its
    paragraph of the ILACS framework (Ofsted 170040)."""
    spec = type_spec(type_id, framework_id)
    label = rules().type(type_id).label.lower() if type_id in rules().types else type_id
    if not calendar.is_working_day(fieldwork_start):
        return [_not_working(fieldwork_start)]
    problems = []
    weekday = WEEKDAYS[fieldwork_start.weekday()]
    if weekday not in spec["start_weekdays"]:
        problems.append(
            f"{fieldwork_start.isoformat()} is a {weekday}: a {label}'s fieldwork starts on a "
            f"{' or '.join(spec['start_weekdays'])} (ILACS framework (Ofsted 170040) para "
            f"{spec['start_paragraph']})"
        )
    t = compute(type_id, fieldwork_start, framework_id)
    span = [
        t.notification + dt.timedelta(days=i) for i in range((t.last_day - t.notification).days + 1)
    ]
    if any(_in_christmas(d) for d in span):
        problems.append(
            f"the {label} from notification ({t.notification.isoformat()}) to its last day "
            f"({t.last_day.isoformat()}) falls over Christmas and New Year, when inspections do "
            "not begin (ILACS framework (Ofsted 170040) para 14)"
        )
    if not spec["august"] and any(d.month == 8 for d in span):
        problems.append(
            f"the {label} from notification ({t.notification.isoformat()}) to its last day "
            f"({t.last_day.isoformat()}) falls in August, when only planned monitoring visits "
            "and focused visits take place (ILACS framework (Ofsted 170040) para 14)"
        )
    return problems


def type_ids() -> list[str]:
    """The types the timelines know (those of ILACS 2017)."""
    return list(_data()["frameworks"]["ilacs-2017"]["types"])
