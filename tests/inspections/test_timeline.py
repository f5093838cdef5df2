"""The timeline and its date rules, each test citing its paragraph of the ILACS framework
(Ofsted 170040), with dates worked by hand across Christmas, Easter, August and substitute bank
holidays."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grip import calendar
from grip.inspections.timeline import TimelineError, compute, date_problems, type_ids

D = dt.date


def _dates(type_id: str, start: dt.date) -> dict[str, dt.date]:
    return {m.id: m.date for m in compute(type_id, start).milestones}


def test_standard_inspection_para_52_73_242_and_the_report_table_after_216() -> None:
    """Paras 52-53 (timetable), 73 (notice), 242 (Annex A), the table after para 216.

    Fieldwork Monday 2 March 2026. Notification the Monday before; the two weeks end on Friday
    13 March. The report: 10 working days later is Friday 27 March; comments 3 working days on
    (Wednesday 1 April); the final version 18 working days after fieldwork skips Good Friday
    and Easter Monday (3 and 6 April) to land on Friday 10 April; publication 21 working days
    after fieldwork is Wednesday 15 April.
    """
    d = _dates("standard", D(2026, 3, 2))
    assert d["notification"] == D(2026, 2, 23)
    assert d["child_level_data"] == D(2026, 2, 24)
    assert d["management_information"] == D(2026, 2, 25)
    assert d["specific_cases"] == D(2026, 2, 26)
    assert d["analyst_call"] == D(2026, 2, 27)
    assert d["fieldwork_end"] == d["feedback_meeting"] == D(2026, 3, 13)
    assert d["report_for_factual_accuracy"] == D(2026, 3, 27)
    assert d["factual_accuracy_comments"] == D(2026, 4, 1)
    assert d["final_report"] == D(2026, 4, 10)
    assert d["publication"] == D(2026, 4, 15)


def test_standard_inspection_days_on_site_para_52_and_79() -> None:
    """Paras 52-53 and 79: on site Monday (afternoon) to Thursday in both weeks, Friday of week
    1 off site, Friday of week 2 the feedback."""
    t = compute("standard", D(2026, 3, 2))
    assert t.on_site_days == (
        D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 5),
        D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12), D(2026, 3, 13),
    )  # fmt: skip
    assert next(m for m in t.milestones if m.id == "lead_on_site").time == "afternoon"


def test_footnote_18_bank_holiday_monday_notifies_on_the_friday() -> None:
    """Footnote 18 to para 73: a notification due on a bank-holiday Monday (spring bank holiday,
    25 May 2026) is made on the previous working day, Friday 22 May."""
    assert _dates("short", D(2026, 6, 1))["notification"] == D(2026, 5, 22)


def test_footnote_18_easter_notifies_on_the_thursday() -> None:
    """Footnote 18: over Easter (Good Friday 3 April, Easter Monday 6 April 2026) the
    notification for fieldwork on Monday 13 April is on Thursday 2 April."""
    d = _dates("short", D(2026, 4, 13))
    assert d["notification"] == D(2026, 4, 2)
    assert d["child_level_data"] == D(2026, 4, 7)  # para 242: the next working day


def test_focused_visit_para_103_and_the_visit_report_table() -> None:
    """Para 103: notification on the Tuesday, on site Tuesday and Wednesday of the next week;
    child-level data by midday the day after notification (para 242); the letter 5 working
    days after fieldwork for factual accuracy, published after 16 (table after para 216)."""
    t = compute("focused-visit", D(2026, 3, 3))
    d = {m.id: m for m in t.milestones}
    assert d["notification"].date == D(2026, 2, 24)
    assert (d["child_level_data"].date, d["child_level_data"].time) == (D(2026, 2, 25), "midday")
    assert t.on_site_days == (D(2026, 3, 3), D(2026, 3, 4))
    assert d["report_for_factual_accuracy"].date == D(2026, 3, 11)
    assert d["factual_accuracy_comments"].date == D(2026, 3, 13)
    assert d["publication"].date == D(2026, 3, 26)


def test_monitoring_visit_para_129_and_131() -> None:
    """Para 129: the child-level data request ten working days before the visit week; para
    131: the audited cases at least three working days before the visit (Wednesday)."""
    start = D(2026, 3, 2)
    d = _dates("monitoring-visit", start)
    assert d["notification"] == D(2026, 2, 16)
    assert d["cases_to_share"] == D(2026, 2, 18)
    assert d["specific_cases"] == D(2026, 2, 25)
    assert calendar.working_days_between(d["specific_cases"], start) == 3
    assert compute("monitoring-visit", start).on_site_days == (D(2026, 3, 3), D(2026, 3, 4))


def test_monitoring_visit_ten_days_over_easter_para_242() -> None:
    """Para 242: ten working days before Monday 13 April 2026 skips Easter: Thursday 26 March."""
    assert _dates("monitoring-visit", D(2026, 4, 13))["notification"] == D(2026, 3, 26)


def test_action_planning_visit_agenda_para_121() -> None:
    """Para 121: the final agenda five working days before the visit."""
    d = _dates("action-planning-visit", D(2026, 3, 4))
    assert d["notification"] == D(2026, 2, 25)
    assert "report_for_factual_accuracy" not in d


def test_report_timetable_across_christmas_and_a_substitute_boxing_day() -> None:
    """Table after para 216 in working days: a short inspection ending Friday 11 December 2026
    sends its draft 10 working days later, skipping Christmas Day (Friday 25) and the
    substitute Boxing Day (Monday 28): Tuesday 29 December."""
    assert _dates("short", D(2026, 12, 7))["report_for_factual_accuracy"] == D(2026, 12, 29)


@pytest.mark.parametrize(
    ("type_id", "start", "reason"),
    [
        ("standard", D(2026, 5, 25), "Spring Bank Holiday, a bank holiday.*para 73"),
        ("short", D(2026, 12, 28), r"Boxing Day \(substitute day\), a bank holiday.*para 73"),
        ("standard", D(2027, 12, 27), r"Christmas Day \(substitute day\).*para 73"),
        ("standard", D(2026, 3, 7), "a Saturday.*para 73"),
        ("standard", D(2026, 3, 3), r"a Tuesday: a standard inspection's fieldwork starts on a "
         r"Monday \(ILACS framework \(Ofsted 170040\) para 52-53\)"),
        ("focused-visit", D(2026, 3, 2), "starts on a Tuesday or Wednesday.*footnote 20"),
    ],
)  # fmt: skip
def test_start_day_rules_para_52_73_103(type_id: str, start: dt.date, reason: str) -> None:
    """Paras 52-55 and 103 (and footnote 20) fix the weekday; para 73 counts working days."""
    problems = date_problems(type_id, start)
    assert len(problems) == 1
    assert re.search(reason, problems[0]), problems


def test_focused_visit_may_start_on_wednesday_footnote_20() -> None:
    """Footnote 20: a focused visit may be on site Wednesday and Thursday."""
    assert date_problems("focused-visit", D(2026, 3, 4)) == []
    assert _dates("focused-visit", D(2026, 3, 4))["notification"] == D(2026, 2, 25)


@pytest.mark.parametrize(
    ("type_id", "start", "allowed"),
    [
        ("standard", D(2027, 1, 4), False),  # notified Wednesday 23 December 2026
        ("standard", D(2027, 1, 11), True),  # notified Monday 4 January 2027
        ("standard", D(2026, 12, 7), True),  # ends Friday 18 December
        ("standard", D(2026, 12, 14), False),  # week 2 reaches Thursday 24 December
        ("short", D(2026, 12, 14), True),  # ends Friday 18 December
        ("short", D(2026, 12, 21), False),
        ("monitoring-visit", D(2027, 1, 4), False),  # even visits do not begin then
    ],
)
def test_christmas_and_new_year_para_14(type_id: str, start: dt.date, allowed: bool) -> None:
    """Para 14: inspections do not begin over Christmas and New Year. Grip refuses any visit
    whose notice or fieldwork touches 24 December to 1 January."""
    problems = date_problems(type_id, start)
    assert (problems == []) is allowed, problems
    if not allowed:
        assert "Christmas and New Year" in problems[-1] and "para 14" in problems[-1]


@pytest.mark.parametrize(
    ("type_id", "start", "allowed"),
    [
        ("standard", D(2026, 8, 3), False),
        ("short", D(2026, 8, 10), False),
        ("action-planning-visit", D(2026, 8, 12), False),
        ("monitoring-visit", D(2026, 8, 10), True),
        ("focused-visit", D(2026, 8, 4), True),
        # The summer bank holiday (Monday 31 August 2026) pushes the notification of a short
        # inspection starting Monday 7 September back to Friday 28 August: refused.
        ("short", D(2026, 9, 7), False),
        ("short", D(2026, 9, 14), True),
    ],
)
def test_august_para_14(type_id: str, start: dt.date, allowed: bool) -> None:
    """Para 14: in August only planned monitoring visits and focused visits take place."""
    problems = date_problems(type_id, start)
    assert (problems == []) is allowed, problems
    if not allowed:
        assert "August" in problems[-1] and "para 14" in problems[-1]


def test_unknown_type_and_framework_are_named() -> None:
    with pytest.raises(TimelineError, match="unknown type 'thematic'; expected one of standard"):
        compute("thematic", D(2026, 3, 2))
    with pytest.raises(TimelineError, match="framework 'ilacs-2030' has no timelines"):
        compute("standard", D(2026, 3, 2), "ilacs-2030")


def test_re_inspection_under_sif_follows_the_ilacs_timings_footnote_4() -> None:
    """Para 22, footnote 4: a re-inspection may be under the SIF; its arrangements are ILACS's."""
    assert compute("standard", D(2026, 3, 2), "sif-2013").milestones == (
        compute("standard", D(2026, 3, 2)).milestones
    )


def test_json_shape() -> None:
    out = compute("short", D(2026, 6, 1)).as_json()
    assert out["fieldwork_end"] == "2026-06-05"
    for m in out["milestones"]:
        assert set(m) == {"id", "title", "date", "time", "paragraph"}
        dt.date.fromisoformat(m["date"])
    ids = [m["id"] for m in out["milestones"]]
    assert "fieldwork_end" in ids and "publication" in ids


@settings(max_examples=300, deadline=None)
@given(
    type_id=st.sampled_from(type_ids()),
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
)
def test_a_timeline_never_schedules_fieldwork_on_a_non_working_day(
    type_id: str, start: dt.date
) -> None:
    """Whatever the date, an allowed timeline's fieldwork days are working days, no milestone
    comes before the notification, the milestones are in date order, and an allowed visit
    touches neither Christmas nor (for inspections) August (paras 14, 73)."""
    if not calendar.is_working_day(start):
        assert date_problems(type_id, start)
        with pytest.raises(TimelineError):
            compute(type_id, start)
        return
    t = compute(type_id, start)
    dates = [m.date for m in t.milestones]
    assert dates == sorted(dates)
    assert min(dates) == t.notification
    assert all(calendar.is_working_day(d) for d in t.fieldwork_days + t.on_site_days)
    assert all(calendar.is_working_day(d) for d in dates)
    if not date_problems(type_id, start):
        span = [
            t.notification + dt.timedelta(days=i)
            for i in range((t.last_day - t.notification).days + 1)
        ]
        assert not any((d.month, d.day) >= (12, 24) or (d.month, d.day) == (1, 1) for d in span)
