"""Readiness at a glance for the DCS: the age of the self-evaluation, whether today's Annex A
builds and passes the checker, the audited cases ready to share with inspectors (ILACS
framework (Ofsted 170040) paras 131–135: up to six audited cases, shared three working days
before a monitoring visit), overdue actions, measures that moved the wrong way, and the
inspection history with the pathway's next expected activity (``grip.inspections.pathway``).
Every figure comes from the module that owns it."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from grip.actionplans import actions as plan_actions
from grip.annex_a.builder import BuildError, build
from grip.annex_a.checker import check_workbook
from grip.annex_a.spec import load_spec
from grip.annex_a.workbook import write_xlsx
from grip.audits.actions import overdue_actions
from grip.audits.reports import inspection_list
from grip.inspections import pathway
from grip.inspections.records import list_inspections
from grip.selfeval import service
from grip.store.db import la_engine


@dataclass
class Readiness:
    """One line per question the DCS asks before an inspection."""

    today: dt.date
    selfeval_year: int | None
    selfeval_evidence_on: dt.date | None
    selfeval_age_days: int | None
    annex_a_errors: int | None
    annex_a_warnings: int | None
    annex_a_note: str
    cases_ready: int
    overdue_actions: int
    worse_measures: list[str] = field(default_factory=list)
    inspections: list[str] = field(default_factory=list)
    #: The pathway as :func:`grip.inspections.pathway.plan_for` works it out.
    plan: pathway.Plan | None = None

    @property
    def next_step(self) -> pathway.Step | None:
        """The pathway's next expected activity, if the history sets one."""
        return self.plan.steps[0] if self.plan and self.plan.steps else None


def annex_a_today(
    engine: Engine, la_code: str, today: dt.date
) -> tuple[int | None, int | None, str]:
    """Build today's Annex A and run the existing checker on it: (errors, warnings, note)."""
    spec = load_spec()
    try:
        annex = build(la_engine(engine, la_code), la_code, today, spec)
    except BuildError as exc:
        return None, None, f"Annex A does not build: {exc}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "annex-a.xlsx"
        write_xlsx(annex, path)
        report = check_workbook(path, spec, today)
    return len(report.errors), len(report.warnings), f"built with spec {spec.id} and checked"


def worse_than_last_year(panels: dict[str, Any]) -> list[str]:
    """Headline measures that moved against their polarity over the year. Grip holds no
    targets for measures, so "off target" is read as "worse than a year ago"."""
    out = []
    for ps in panels.get("areas", {}).values():
        for p in ps:
            now, then = p["value"], p["year_ago"]
            if now is None or then is None or p["polarity"] == "neither":
                continue
            if (now < then) if p["polarity"] == "higher_is_better" else (now > then):
                out.append(p["name"])
    return out


def readiness(db: Session, la_code: str, today: dt.date, year: int | None = None) -> Readiness:
    """The readiness lines for ``la_code`` on ``today``."""
    se = service.get(db, la_code, year or today.year) or service.get(db, la_code, today.year - 1)
    errors, warnings, note = annex_a_today(cast(Engine, db.get_bind()), la_code, today)
    history = [f"{i.type} ({i.state})" for i in list_inspections(db, la_code)]
    return Readiness(
        today=today,
        selfeval_year=se.year if se else None,
        selfeval_evidence_on=se.evidence_on if se else None,
        selfeval_age_days=(today - se.evidence_on).days if se else None,
        annex_a_errors=errors,
        annex_a_warnings=warnings,
        annex_a_note=note,
        cases_ready=len(inspection_list(db, la_code, today)),
        overdue_actions=len(overdue_actions(db, la_code, today))
        + len(plan_actions.overdue_actions(db, la_code, today)),
        worse_measures=worse_than_last_year(json.loads(se.panels)) if se else [],
        inspections=history,
        plan=pathway.plan_for(db, la_code, today),
    )
