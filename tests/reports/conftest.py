"""Fixtures for the report tests: the evidence tests' mock inspection (an LA with synthetic
named children, a team and a sample), taken to confirmed judgements with areas for
improvement recorded, or a focused visit taken to its feedback meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from evidence.conftest import LA, Team, build_team
from evidence.test_record import entry
from grip.access import scope
from grip.evidence import findings as fnd
from grip.evidence import judgements as jdg
from grip.evidence import record as rec
from grip.evidence.feedback import give_feedback
from grip.inspections import get_inspection
from grip.reports import clearing, drafting

__all__ = ["LA", "Team"]

#: A Monday: fieldwork 16 to 27 March 2026, the report timetable runs over Easter 2026.
START = dt.date(2026, 3, 16)
FACTS = {"widespread-or-serious-failure": False, "leaders-show-understanding": True}
RI = {
    "help-protection": "requires-improvement",
    "children-in-care": "requires-improvement",
    "leaders": "requires-improvement",
    "overall": "requires-improvement",
}
AREAS = [
    "The quality and timeliness of assessments for children in need.",
    "Management oversight and supervision of frontline practice.",
]
TEXT = {
    "q-experiences": "Most children get help at the right time.\n\nSome wait too long.",
    "q-leaders-know": "Leaders know their services well through audits and data.",
    "q-support": "Leaders support practice with training and lower caseloads.",
    "q-changed": "Since the last inspection, help for families has become quicker.",
    "care-leavers": "Care leavers are well supported by personal advisers.",
    "children-summary": "We visited your council. We talked to children and workers. "
    "Most of you get help quickly. Some of you wait too long. The council is working on it.",
}


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


def confirm(
    team: Team,
    grades: dict[str, str] | None = None,
    areas: list[str] | None = None,
    feedback: bool = True,
) -> None:
    """Record evidence, the areas for improvement and the grades, confirm them and (unless
    ``feedback`` is false) give feedback."""
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        ids = [rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db)).id]
        for text in AREAS if areas is None else areas:
            fnd.add_finding(db, insp, "area-for-improvement", text, ids,
                            team.actor(team.inspector), team.names(db))  # fmt: skip
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        for judgement, grade in (grades or RI).items():
            jdg.propose(db, insp, judgement, grade, ids, team.actor(team.lead),
                        reasons=f"Reasons for {judgement}.")  # fmt: skip
        jdg.set_facts(db, insp, FACTS, team.actor(team.lead))
        jdg.confirm(db, insp, team.actor(team.lead))
        if feedback:
            give_feedback(db, insp, "Director of children's services", "Judgements given.",
                          team.actor(team.lead), team.names(db))  # fmt: skip


def write(team: Team, texts: dict[str, str] | None = None) -> None:
    """The lead inspector drafts the report and writes ``texts``."""
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        report = drafting.get_report(db, insp) or drafting.draft(db, insp, team.actor(team.lead))
        current = drafting.texts(db, report)
        for sid, text in (TEXT if texts is None else texts).items():
            drafting.save_text(db, insp, report, sid, text, team.actor(team.lead),
                               team.names(db), current[sid].version)  # fmt: skip


def to_state(team: Team, state: str) -> None:
    """Move a written report on through clearing, from wherever it is, to ``state``."""
    steps = [("submit_for_qa", "lead"), ("send_for_factual_accuracy", "qa"),
             ("send_final", "lead"), ("publish", "lead")]  # fmt: skip
    for name, who in steps:
        user = getattr(team, who)
        with team.session(user) as db:
            insp = get_inspection(db, LA, team.inspection_id)
            report = drafting.get_report(db, insp)
            assert report is not None
            if report.state == state:
                return
            if report.state == clearing.structure.moves()[name]["from"]:
                clearing.move(db, insp, report, name, team.actor(user), team.names(db))
                if report.state == state:
                    return


@pytest.fixture
def confirmed(engine: Engine, make_user: Any) -> Team:
    """A standard mock inspection with requires-improvement judgements confirmed."""
    team = build_team(engine, make_user, fieldwork_start=START)
    confirm(team)
    return team


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, read with pypdfium2."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(p.get_textpage().get_text_range() for p in pdf)
    finally:
        pdf.close()


def next_monday() -> dt.date:
    """The first working Monday after today (so the team's access, which runs to the
    publication date, has not ended)."""
    from grip import calendar

    day = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=7)
    return day


@pytest.fixture
def live(engine: Engine, make_user: Any) -> Team:
    """As ``confirmed``, with fieldwork starting next Monday (for signing in to pages)."""
    team = build_team(engine, make_user, fieldwork_start=next_monday())
    confirm(team)
    return team


def focused_visit(engine: Engine, make_user: Any) -> Team:
    """A focused visit with an area for improvement and its feedback given."""
    team = build_team(engine, make_user, type="focused-visit", topic="Children in need")
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        ids = [rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db)).id]
        fnd.add_finding(db, insp, "area-for-improvement", AREAS[0], ids,
                        team.actor(team.inspector), team.names(db))  # fmt: skip
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        give_feedback(db, insp, "Director of children's services", "Findings given.",
                      team.actor(team.lead), team.names(db))  # fmt: skip
    return team
