"""The action plan's dates, hand-worked across Christmas and Easter (ILACS framework (Ofsted
170040) paras 116, 121, 128, 219), and their invariants."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grip import calendar
from grip.actionplans import schedule

D = dt.date


def test_plan_due_70_working_days_across_christmas_and_easter() -> None:
    # Report received Friday 18 December 2026. Working days: 21-24 Dec (4); 25 Dec and the
    # Boxing Day substitute 28 Dec are bank holidays; 29-31 Dec (7); 1 Jan a bank holiday;
    # 4 Jan - 19 Mar 2027 eleven full weeks (62); 22-25 Mar (66); Good Friday 26 Mar and
    # Easter Monday 29 Mar are bank holidays; 30 Mar, 31 Mar, 1 Apr (69); 2 Apr is the 70th.
    assert schedule.plan_days() == 70  # para 219
    assert schedule.plan_due(D(2026, 12, 18)) == D(2027, 4, 2)


def test_action_planning_visit_30_working_days_across_christmas() -> None:
    # para 116: 7 working days to 31 Dec 2026, then 4-29 Jan 2027 (27), 1-3 Feb: the 30th is
    # Wednesday 3 February 2027.
    assert schedule.visit_days() == 30
    assert schedule.action_planning_visit(D(2026, 12, 18)) == D(2027, 2, 3)


def test_agenda_five_working_days_before_the_visit() -> None:
    # para 121. Visit Wed 3 Feb 2027: 2 Feb, 1 Feb, 29 Jan, 28 Jan, 27 Jan.
    assert schedule.agenda_days() == 5
    assert schedule.agenda_due(D(2027, 2, 3)) == D(2027, 1, 27)
    # Visit Thu 1 Apr 2027, across Easter: 31, 30 Mar; 29 (Easter Monday) and 26 (Good Friday)
    # skipped; 25, 24, 23 Mar.
    assert schedule.agenda_due(D(2027, 4, 1)) == D(2027, 3, 23)


def test_monitoring_cadence_first_within_four_weeks_then_quarterly() -> None:
    # para 128: the first within four weeks of the plan's deadline; then about three months
    # after the one before (para 112: quarterly); four to six visits (pathways.yaml max 6).
    slots = schedule.monitoring_schedule(D(2027, 4, 2), [])
    assert [s.number for s in slots] == [1, 2, 3, 4, 5, 6]
    assert (slots[0].earliest, slots[0].latest) == (D(2027, 4, 2), D(2027, 4, 30))
    assert slots[1].latest == D(2027, 7, 30)
    assert slots[2].latest == D(2027, 10, 30)
    assert all(s.held_on is None for s in slots)


def test_monitoring_cadence_follows_the_visits_held() -> None:
    slots = schedule.monitoring_schedule(D(2027, 4, 2), [D(2027, 4, 27), D(2027, 8, 3)])
    assert slots[0].held_on == D(2027, 4, 27)
    assert slots[1].latest == D(2027, 7, 27)  # three months after visit 1 was held
    assert slots[1].held_on == D(2027, 8, 3)
    assert slots[2].latest == D(2027, 11, 3)  # three months after visit 2 was held


def test_what_follows_each_type() -> None:
    assert schedule.plan_rule("standard") == ("new", "219")
    assert schedule.plan_rule("short") == ("new", "219")
    assert schedule.plan_rule("focused-visit") == ("update", "220")
    assert schedule.plan_rule("monitoring-visit") == ("none", "221")


days = st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 6, 30))
# The machine is shared: time is no measure of these pure functions.
CAL = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])


@CAL
@given(days)
def test_plan_due_is_a_working_day_after_the_report(received: dt.date) -> None:
    due = schedule.plan_due(received)
    assert due > received
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(received, due) == schedule.plan_days()


@CAL
@given(days)
def test_visit_and_agenda_are_working_days_in_order(received: dt.date) -> None:
    visit = schedule.action_planning_visit(received)
    agenda = schedule.agenda_due(visit)
    assert received < agenda < visit < schedule.plan_due(received)
    assert calendar.is_working_day(visit) and calendar.is_working_day(agenda)


@CAL
@given(days)
def test_monitoring_slots_run_forward(received: dt.date) -> None:
    slots = schedule.monitoring_schedule(schedule.plan_due(received), [])
    assert all(a.latest < b.latest for a, b in itertools.pairwise(slots))
    assert slots[0].earliest == schedule.plan_due(received)
