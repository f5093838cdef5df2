"""The action plan's dates, without a database (ILACS framework (Ofsted 170040) paras 116, 121,
128, 219).

* The plan is due 70 working days after the LA receives the final report (para 219).
* For an inadequate LA: the action planning visit about 30 working days after the report is
  received (para 116); its final agenda circulated five working days before it (para 121); the
  first monitoring visit usually within four weeks of the plan's deadline, then quarterly, four to
  six before re-inspection (para 128).

The numbers are data: pathway 3 of ``grip/inspections/pathways.yaml`` and the action planning
visit's timeline in ``grip/inspections/timelines.yaml``; this module only counts, with
:mod:`grip.calendar` (England's working days, Easter and Christmas included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from grip import calendar
from grip.inspections import pathway
from grip.inspections.timeline import compute, type_spec

DATA_FILE = Path(__file__).with_name("actionplans.yaml")


@cache
def data() -> dict[str, Any]:
    """``actionplans.yaml``, checked."""
    loaded = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or loaded.get("version") != 1:
        raise ValueError(f"{DATA_FILE}: expected a mapping with version: 1")
    return dict(loaded)


def _numbers() -> dict[str, Any]:
    """Pathway 3's numbers, shared with the LA's pathway (``pathways.yaml``)."""
    return dict(pathway.data()["pathways"][3])


def plan_rule(inspection_type: str) -> tuple[str, str]:
    """What follows ``inspection_type``: ``("new" | "update" | "none", paragraph)``."""
    rule = data()["after"].get(inspection_type)
    if rule is None:
        return "none", "219-221"
    return str(rule["plan"]), str(rule["paragraph"])


def plan_days() -> int:
    """Working days from receiving the final report to the plan's deadline (para 219: 70)."""
    return int(_numbers()["action_plan_after_report"])


def visit_days() -> int:
    """Working days from receiving the report to the action planning visit (para 116: 30)."""
    return int(_numbers()["action_planning_visit_after_report"])


def plan_due(report_received: dt.date) -> dt.date:
    """The action plan's deadline: :func:`plan_days` working days after the final report is
    received (para 219)."""
    return calendar.add_working_days(report_received, plan_days())


def action_planning_visit(report_received: dt.date) -> dt.date:
    """About :func:`visit_days` working days after the report is received (para 116)."""
    return calendar.add_working_days(report_received, visit_days())


def agenda_days() -> int:
    """Working days before the action planning visit that the final agenda is circulated
    (para 121: five), from the visit's timeline data."""
    return -int(type_spec("action-planning-visit")["notice"]["after"])


def agenda_due(visit_on: dt.date) -> dt.date:
    """The day the final agenda is circulated: five working days before the action planning
    visit (para 121), from the visit's timeline (a visit on a non-working day is counted from
    the next working day)."""
    return compute("action-planning-visit", calendar.working_day_on_or_after(visit_on)).notification


@dataclass(frozen=True)
class MonitoringSlot:
    """One monitoring visit of the programme: its number, the window it should fall in, and
    the date it was held (from the visit's record) if it has been."""

    number: int
    earliest: dt.date
    latest: dt.date
    why: str
    paragraph: str
    held_on: dt.date | None = None


def monitoring_schedule(plan_deadline: dt.date, held: list[dt.date]) -> list[MonitoringSlot]:
    """The quarterly programme (paras 112, 128): the first within four weeks of the plan's
    deadline, each next one about three months after the one before (held, or else planned),
    up to the most visits usually held before re-inspection."""
    spec = _numbers()
    weeks = int(spec["first_monitoring_within_weeks"])
    months = int(spec["monitoring_every_months"])
    para = str(spec["monitoring_paragraph"])
    done = sorted(held)
    slots = [
        MonitoringSlot(
            1,
            plan_deadline,
            plan_deadline + dt.timedelta(weeks=weeks),
            f"Usually within {weeks} weeks of the action plan's deadline",
            para,
            done[0] if done else None,
        )
    ]
    for n in range(2, int(spec["monitoring_visits"]["max"]) + 1):
        before = slots[-1]
        anchor = before.held_on or before.latest
        due = calendar.add_months(anchor, months)
        slots.append(
            MonitoringSlot(
                n,
                due,
                due,
                f"Quarterly: about {months} months after visit {n - 1}",
                para,
                done[n - 1] if len(done) >= n else None,
            )
        )
    return slots
