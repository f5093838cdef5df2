"""Drafting from the record (ILACS framework (Ofsted 170040) paras 202-203): the right document
for the type, refused without confirmed judgements or before feedback, the lead inspector's
versioned text, and the areas for improvement as the evidence findings record them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from evidence.conftest import build_team
from grip.evidence.models import Finding
from grip.evidence.name_guard import NamesFound
from grip.inspections import get_inspection
from grip.reports import areas_for_improvement, drafting
from grip.reports.errors import Locked, NotAllowed, Refused

from .conftest import AREAS, LA, Team, focused_visit, write


def test_para_205_no_report_without_confirmed_judgements(engine: Engine, make_user: Any) -> None:
    team = build_team(engine, make_user)
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(Refused, match=r"judgements are not confirmed.*paras 193-194, 205"):
            drafting.draft(db, insp, team.actor(team.lead))
        assert drafting.get_report(db, insp) is None


def test_para_202_standard_inspection_drafts_a_report_from_the_record(confirmed: Team) -> None:
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.draft(db, insp, confirmed.actor(confirmed.lead))
        text = drafting.text_of(db, report)
    assert report.kind == "inspection-report" and report.state == "draft"
    assert text["leaders"] == "Reasons for leaders."  # the meeting's reasons start the section
    assert {"q-experiences", "q-changed", "care-leavers", "children-summary"} <= set(text)
    assert "overall" not in text  # overall effectiveness is the table's, not a section


def test_only_the_lead_inspector_drafts_and_writes(confirmed: Team) -> None:
    with confirmed.session(confirmed.inspector) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        with pytest.raises(NotAllowed, match=r"lead inspector.*para 203"):
            drafting.draft(db, insp, confirmed.actor(confirmed.inspector))


def test_focused_visit_letter_waits_for_feedback(engine: Engine, make_user: Any) -> None:
    team = build_team(engine, make_user, type="focused-visit", topic="Children in need")
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(Refused, match="feedback meeting is not recorded"):
            drafting.draft(db, insp, team.actor(team.lead))


def test_focused_visit_drafts_a_letter(engine: Engine, make_user: Any) -> None:
    team = focused_visit(engine, make_user)
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        report = drafting.draft(db, insp, team.actor(team.lead))
        assert report.kind == "focused-visit-letter"
        assert set(drafting.text_of(db, report)) == {"opening", "headline", "main-findings"}


def test_areas_for_improvement_are_the_findings_by_id(confirmed: Team) -> None:
    with confirmed.session(confirmed.lead) as db:
        got = areas_for_improvement(db, confirmed.inspection_id)
        rows = {f.id: f.text for f in db.scalars(select(Finding))}
    assert [a.text for a in got] == AREAS
    assert all(rows[a.id] == a.text for a in got)


def test_every_version_is_kept_and_a_stale_save_is_refused(confirmed: Team) -> None:
    write(confirmed, {"leaders": "First text."})
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        lead, names = confirmed.actor(confirmed.lead), confirmed.names(db)
        drafting.save_text(db, insp, report, "leaders", "Second.", lead, names, 2)
        with pytest.raises(Locked, match="changed \\(version 3\\) since you opened version 2"):
            drafting.save_text(db, insp, report, "leaders", "Lost.", lead, names, 2)
        got = [v.text for v in drafting.versions(db, report, "leaders")]
    assert got == ["Second.", "First text.", "Reasons for leaders."]


def test_para_191_a_childs_name_is_refused_and_nothing_saved(confirmed: Team) -> None:
    write(confirmed, {})
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        with pytest.raises(NamesFound):
            drafting.save_text(db, insp, report, "leaders", "Marlia was seen alone.",
                               confirmed.actor(confirmed.lead), confirmed.names(db), 1)  # fmt: skip
        assert drafting.text_of(db, report)["leaders"] == "Reasons for leaders."
