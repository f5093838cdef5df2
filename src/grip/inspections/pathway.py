"""The LA's pathway and what is due next (ILACS framework (Ofsted 170040) paras 13-24).

From the LA's inspection history (entered by hand, or taken from an outcomes register), the
most recent graded inspection sets the pathway: good or outstanding → pathway 1 (a short
inspection about three years on, one focused visit or JTAI between: paras 17-18); requires
improvement → pathway 2 (a standard inspection about three years on, up to two focused visits:
paras 20-21); inadequate → pathway 3 (an action planning visit, quarterly monitoring visits,
usually four to six, then re-inspection under the framework it was judged under: paras 22-23,
112-128). Standard and short inspections fall within six months either side of the
anniversary (para 13), never starting over Christmas and New Year nor in August (para 14).
Every number is data (``pathways.yaml``); every step says why, with its paragraph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip import calendar
from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.frameworks.loader import framework_ids
from grip.inspections.models import InspectionHistory
from grip.inspections.records import InspectionError

PATHWAYS_FILE = Path(__file__).with_name("pathways.yaml")


@dataclass(frozen=True)
class PastActivity:
    """One past inspection or visit: its type, framework, last day and overall grade."""

    type: str
    last_day: dt.date
    framework_id: str = "ilacs-2017"
    overall: str | None = None


@dataclass(frozen=True)
class Step:
    """Something due: what, when (a date or a window), why, and the paragraph."""

    what: str
    earliest: dt.date | None
    latest: dt.date | None
    why: str
    paragraph: str
    overdue: bool = False

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form with ISO dates."""
        return {
            "overdue": self.overdue,
            "what": self.what,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "why": self.why,
            "paragraph": self.paragraph,
        }


@dataclass(frozen=True)
class Plan:
    """The pathway and the steps ahead, the next one first."""

    pathway: int | None
    label: str
    reason: str
    paragraph: str
    steps: list[Step] = field(default_factory=list)
    not_in: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The ``grip inspections plan --json`` object."""
        return {
            "pathway": self.pathway,
            "label": self.label,
            "reason": self.reason,
            "paragraph": self.paragraph,
            "next": self.steps[0].as_json() if self.steps else None,
            "steps": [s.as_json() for s in self.steps],
            "not_in": self.not_in,
        }


@cache
def data() -> dict[str, Any]:
    """``pathways.yaml``, checked."""
    loaded = yaml.safe_load(PATHWAYS_FILE.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or loaded.get("version") != 1:
        raise ValueError(f"{PATHWAYS_FILE}: expected a mapping with version: 1")
    return dict(loaded)


def plan(history: Sequence[PastActivity], today: dt.date) -> Plan:
    """The pathway from ``history`` and the steps due after ``today`` (pure: no database)."""
    # A grade the pathways do not know (a mistyped record) cannot set a pathway: it is skipped.
    graded = [h for h in history if h.overall in data()["grades"]]
    if not graded:
        return Plan(
            None,
            "No graded inspection recorded",
            "Enter the LA's most recent standard or short inspection and its overall "
            "effectiveness grade: the pathway follows from it",
            "17-24",
        )
    latest = max(graded, key=lambda h: h.last_day)
    grade = data()["grades"][latest.overall]
    spec = data()["pathways"][grade["pathway"]]
    since = [h for h in history if h.last_day > latest.last_day]
    reason = (
        f"The most recent graded inspection ({latest.type}, ended {latest.last_day:%d %B %Y}) "
        f"judged overall effectiveness {grade['label'].lower()}"
    )
    steps = (
        _pathway_3(spec, latest, since)
        if grade["pathway"] == 3
        else _pathway_1_2(spec, latest, since)
    )
    steps = [replace(s, overdue=s.latest is not None and s.latest < today) for s in steps]
    return Plan(grade["pathway"], spec["label"], reason, spec["paragraph"], steps, _not_in(steps))


def _pathway_1_2(
    spec: dict[str, Any], latest: PastActivity, since: list[PastActivity]
) -> list[Step]:
    anniversary = calendar.add_months(latest.last_day, 12 * int(spec["years_after"]))
    months = int(spec["window_months"])
    between = spec["between"]
    done = sum(1 for h in since if h.type in between["types"])
    steps = []
    if done < int(between["max"]):
        left = int(between["max"]) - done
        steps.append(
            Step(
                f"Up to {left} focused visit{'s' if left > 1 else ''} or JTAI before the "
                "next inspection",
                latest.last_day + dt.timedelta(days=1),
                calendar.add_months(anniversary, months),
                f"{done} held since the last graded inspection; the pathway allows "
                f"{between['max']}",
                between["paragraph"],
            )
        )
    label = "short inspection" if spec["next"] == "short" else "standard inspection"
    steps.insert(
        0,
        Step(
            f"The next {label}",
            calendar.add_months(anniversary, -months),
            calendar.add_months(anniversary, months),
            f"About {spec['years_after']} years after the last inspection "
            f"({anniversary:%d %B %Y}), within {months} months either side",
            spec["window_paragraph"],
        ),
    )
    return steps


def _pathway_3(spec: dict[str, Any], latest: PastActivity, since: list[PastActivity]) -> list[Step]:
    report = calendar.add_working_days(
        latest.last_day, int(spec["report_received_after_fieldwork"])
    )
    visits = sorted(h.last_day for h in since if h.type == "monitoring-visit")
    apv = [h for h in since if h.type == "action-planning-visit"]
    steps = []
    if not apv:
        due = calendar.add_working_days(report, int(spec["action_planning_visit_after_report"]))
        steps.append(
            Step(
                "The action planning visit",
                due,
                due,
                f"About {spec['action_planning_visit_after_report']} working days after the "
                f"report is received (about {report:%d %B %Y})",
                spec["action_planning_paragraph"],
            )
        )
    plan_due = calendar.add_working_days(report, int(spec["action_plan_after_report"]))
    if visits:
        nxt = calendar.add_months(visits[-1], int(spec["monitoring_every_months"]))
        why = (
            f"Quarterly: about three months after the last monitoring visit ({visits[-1]:%d %B %Y})"
        )
        first = nxt
    else:
        first = plan_due
        nxt = plan_due + dt.timedelta(weeks=int(spec["first_monitoring_within_weeks"]))
        why = (
            f"The first, usually within {spec['first_monitoring_within_weeks']} weeks of the "
            f"action plan deadline ({plan_due:%d %B %Y}, para {spec['action_plan_paragraph']})"
        )
    limits = spec["monitoring_visits"]
    if len(visits) < int(limits["max"]):
        steps.append(
            Step(
                f"Monitoring visit {len(visits) + 1}", first, nxt, why, spec["monitoring_paragraph"]
            )
        )
    if len(visits) >= int(limits["min"]):
        steps.insert(
            0 if len(visits) >= int(limits["max"]) else len(steps),
            Step(
                f"Re-inspection under {latest.framework_id} (the framework it was judged under)",
                None,
                None,
                f"{len(visits)} monitoring visits held; usually {limits['min']} to "
                f"{limits['max']} come before re-inspection",
                spec["reinspection_paragraph"],
            ),
        )
    return steps


def _not_in(steps: list[Step]) -> list[str]:
    if not any(s.what.startswith("The next") for s in steps):
        return []
    return [
        "Standard and short inspections do not begin over Christmas and New Year, nor in August "
        "(only planned monitoring visits and focused visits then) (para 14)"
    ]


def history(db: Session, la_code: str) -> list[InspectionHistory]:
    """The LA's recorded history, most recent first (only rows the pathways understand)."""
    rows = db.scalars(
        select(InspectionHistory)
        .where(InspectionHistory.la_code == la_code)
        .order_by(InspectionHistory.last_day.desc())
    )
    # A row of a type or grade the pathways do not know (written outside Grip) is left out.
    known, grades = data()["history_types"], data()["grades"]
    return [h for h in rows if h.type in known and (h.overall is None or h.overall in grades)]


def plan_for(db: Session, la_code: str, today: dt.date) -> Plan:
    """The pathway of ``la_code`` from its history entered by hand and, where it holds the
    LA, the outcomes register (``grip.outcomes``: published Ofsted reports)."""
    past = [
        PastActivity(h.type, h.last_day, h.framework_id, h.overall) for h in history(db, la_code)
    ]
    entered = {p.last_day for p in past}
    past += [p for p in register_history(db, la_code) if p.last_day not in entered]
    return plan(past, today)


def register_history(db: Session, la_code: str) -> list[PastActivity]:
    """The LA's graded inspections in the outcomes register, as past activity."""
    from grip.outcomes import history as outcomes_history

    grades = data()["grades"]
    return [
        PastActivity(r.inspection_type or "standard", r.fieldwork_end, r.framework, r.overall)
        for r in outcomes_history(db.get_bind(), la_code)  # type: ignore[arg-type]
        if r.overall in grades
    ]


def record_history(
    db: Session, la_code: str, past: PastActivity, actor: Actor, note: str = ""
) -> InspectionHistory:
    """Enter a past inspection or visit by hand; every field checked and named."""
    types = data()["history_types"]
    problems = []
    if past.type not in types:
        problems.append(f"type: {past.type!r} is not one of {', '.join(types)}")
    elif types[past.type]["graded"] and past.overall is None:
        problems.append("overall: a standard or short inspection has an overall grade")
    elif not types[past.type]["graded"] and past.overall is not None:
        problems.append(f"overall: a {types[past.type]['label'].lower()} is not graded")
    if past.overall is not None and past.overall not in data()["grades"]:
        problems.append(f"overall: {past.overall!r} is not one of {', '.join(data()['grades'])}")
    if past.framework_id not in framework_ids():
        problems.append(
            f"framework: {past.framework_id!r} is not one of {', '.join(framework_ids())}"
        )
    if past.last_day > clock.now().date():
        problems.append(f"last day: {past.last_day.isoformat()} is in the future")
    if problems:
        raise InspectionError("; ".join(problems))
    row = InspectionHistory(
        la_code=la_code,
        id=new_id(),
        type=past.type,
        framework_id=past.framework_id,
        last_day=past.last_day,
        overall=past.overall,
        source="entered by hand",
        note=note.strip() or None,
        entered_at=clock.now(),
        entered_by=actor.user_id,
    )
    db.add(row)
    db.flush()
    return row
