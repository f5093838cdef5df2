"""The judgement meeting, findings without grades, the feedback meeting and its lock, the
monitoring programme after an inadequate judgement, and who sees what when."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.evidence import findings as fnd
from grip.evidence import judgements as jdg
from grip.evidence import record as rec
from grip.evidence.feedback import feedback, give_feedback
from grip.evidence.name_guard import NamesFound
from grip.inspections import get_inspection

from .conftest import LA, Team, build_team
from .test_record import entry

FACTS = {"widespread-or-serious-failure": False, "leaders-show-understanding": True}


def _entries(team: Team, n: int = 3) -> list[str]:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        return [
            rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db)).id
            for _ in range(n)
        ]


def _propose(team: Team, grades: dict[str, str], ids: list[str]) -> None:
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        for judgement, grade in grades.items():
            jdg.propose(db, insp, judgement, grade, ids, team.actor(team.lead))
        jdg.set_facts(db, insp, FACTS, team.actor(team.lead))


GOOD = {"help-protection": "good", "children-in-care": "good", "leaders": "good", "overall": "good"}


def test_para_101_confirmation_refuses_a_set_the_engine_rejects(team: Team) -> None:
    ids = _entries(team, 1)
    _propose(team, {**GOOD, "children-in-care": "inadequate"}, ids)
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(jdg.JudgementsRefused) as err:
            jdg.confirm(db, insp, team.actor(team.lead))
        assert any("ILACS framework (Ofsted 170040) para 101" in p for p in err.value.problems)
        assert jdg.confirmed_judgements(db, insp) == []


def test_a_set_the_engine_allows_is_confirmed_by_the_lead_and_then_locked(team: Team) -> None:
    ids = _entries(team, 1)
    _propose(team, GOOD, ids)
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.NotAllowed):
            jdg.confirm(db, insp, team.actor(team.inspector))
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        jdg.confirm(db, insp, team.actor(team.lead))
        got = jdg.confirmed_judgements(db, insp)
        assert (got[0].judgement_id, got[0].grade, got[0].entry_ids) == ("overall", "good", ids)
        with pytest.raises(rec.Locked):
            jdg.propose(db, insp, "leaders", "outstanding", ids, team.actor(team.lead))


def test_judgement_cites_only_this_records_entries(team: Team) -> None:
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.Invalid, match="not an entry"):
            jdg.propose(db, insp, "leaders", "good", ["nope"], team.actor(team.lead))
        with pytest.raises(rec.Invalid, match="not a grade"):
            jdg.propose(db, insp, "leaders", "adequate", [], team.actor(team.lead))


@pytest.fixture
def visit(engine: Engine, make_user: Any) -> Team:
    return build_team(engine, make_user, type="focused-visit", topic="Care leavers")


def test_para_108_focused_visit_findings_cannot_carry_a_grade(visit: Team) -> None:
    ids = _entries(visit, 1)
    with visit.session(visit.lead) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        me, names = visit.actor(visit.lead), visit.names(db)
        with pytest.raises(rec.Invalid) as err:
            fnd.add_finding(db, insp, "strength", "Plans are good.", ids, me, names, grade="good")
        assert "para 108" in err.value.errors["grade"]
        with pytest.raises(rec.Invalid, match="no graded judgements"):
            jdg.propose(db, insp, "leaders", "good", ids, me)
        with pytest.raises(rec.Invalid, match="rests on"):
            fnd.add_finding(db, insp, "strength", "Plans are good.", [], me, names)
        with pytest.raises(NamesFound):
            fnd.add_finding(db, insp, "strength", "Rosora's plan is good.", ids, me, names)
        fnd.add_finding(db, insp, "area-for-priority-action", "Drift in PLO.", ids, me, names)
        assert [f.kind for f in fnd.findings(db, insp)] == ["area-for-priority-action"]


def test_para_115_monitoring_progress_names_what_it_is_against(
    engine: Engine, make_user: Any
) -> None:
    team = build_team(engine, make_user, type="monitoring-visit")
    ids = _entries(team, 1)
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        me, names = team.actor(team.lead), team.names(db)
        with pytest.raises(rec.Invalid, match="area for priority action or recommendation"):
            fnd.add_finding(db, insp, "progress", "Better.", ids, me, names)
        with pytest.raises(rec.Invalid, match="records progress"):
            fnd.add_finding(db, insp, "strength", "Better.", ids, me, names)
        f = fnd.add_finding(db, insp, "progress", "Better.", ids, me, names, against="Drift in PLO")
        assert f.against == "Drift in PLO"


def test_feedback_is_locked_once_given_and_findings_shown_to_the_la_only_then(visit: Team) -> None:
    ids = _entries(visit, 1)
    with visit.session(visit.lead) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        fnd.add_finding(db, insp, "strength", "Care leavers are well supported.", ids,
                        visit.actor(visit.lead), visit.names(db))  # fmt: skip
    with visit.session(visit.la_staff) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        assert not fnd.can_read_findings(db, insp, visit.la_staff.id)
        with pytest.raises(rec.NotAllowed):
            fnd.findings(db, insp, visit.actor(visit.la_staff))
    with visit.session(visit.lead) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        with pytest.raises(NamesFound):
            give_feedback(
                db, insp, "DCS", "Marlia was discussed.", visit.actor(visit.lead), visit.names(db)
            )
    with visit.session(visit.lead) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        give_feedback(
            db,
            insp,
            "DCS\nHead of service",
            "Findings shared.",
            visit.actor(visit.lead),
            visit.names(db),
        )
        assert insp.state == "feedback_given"
        with pytest.raises(rec.Locked):
            give_feedback(db, insp, "DCS", "Again.", visit.actor(visit.lead), visit.names(db))
        with pytest.raises(rec.Locked):
            rec.record_entry(db, insp, entry(), visit.actor(visit.lead), visit.names(db))
        with pytest.raises(rec.Invalid, match="locked"):
            fnd.add_finding(
                db, insp, "strength", "More.", ids, visit.actor(visit.lead), visit.names(db)
            )
    with visit.session(visit.la_staff) as db:
        insp = get_inspection(db, LA, visit.inspection_id)
        assert [f.text for f in fnd.findings(db, insp, visit.actor(visit.la_staff))] == [
            "Care leavers are well supported."
        ]
        with pytest.raises(rec.NotAllowed):
            rec.entries(db, insp, visit.actor(visit.la_staff))


def test_paras_112_116_an_inadequate_judgement_starts_the_monitoring_programme(team: Team) -> None:
    ids = _entries(team, 1)
    grades = {**GOOD, "children-in-care": "inadequate", "overall": "inadequate"}
    _propose(team, grades, ids)
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.Invalid, match="confirm the judgements"):
            give_feedback(db, insp, "DCS", "Shared.", team.actor(team.lead), team.names(db))
        jdg.confirm(db, insp, team.actor(team.lead))
        give_feedback(db, insp, "DCS", "Shared.", team.actor(team.lead), team.names(db))
        row = feedback(db, insp)
        assert row is not None and row.monitoring_inspection_id
        assert "paras 112, 116" in (row.monitoring_note or "")
        visit = get_inspection(db, LA, row.monitoring_inspection_id)
        assert (visit.type, visit.state, visit.kind) == ("action-planning-visit", "planned", "mock")
        given = json.loads(row.given)
        assert {j["judgement_id"]: j["grade"] for j in given["judgements"]}[
            "overall"
        ] == "inadequate"
