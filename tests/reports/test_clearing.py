"""Clearing and publishing (ILACS framework (Ofsted 170040) paras 214-216): the timetable in the
table after para 216 in working days from the end of fieldwork (hand-worked over Easter and
Christmas), QA review, factual accuracy comments kept with their decisions, the final version,
publication, immutability afterwards and the outcomes register."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from evidence.conftest import build_team
from grip import calendar
from grip.inspections import get_inspection
from grip.inspections.models import Inspection
from grip.reports import clearing, drafting
from grip.reports.errors import Invalid, Locked, NotAllowed, Refused

from .conftest import LA, Team, to_state, write

D = dt.date


def _due(type_: str, start: dt.date) -> dict[str, dt.date]:
    insp = Inspection(type=type_, fieldwork_start=start, framework_id="ilacs-2017")
    return {m.id: m.date for m in clearing.timetable(insp)}


def test_para_216_timetable_over_easter_2026_hand_worked() -> None:
    # Fieldwork Monday 16 to Friday 27 March 2026. Good Friday 3 April and Easter Monday
    # 6 April are not working days. +10: 30, 31 Mar, 1, 2, 7, 8, 9, 10, 13, 14 April.
    # Comments +3 from 14 April: 15, 16, 17. Final +18: ... 20, 21, 22, 23, 24 April.
    # Published +21: 27, 28, 29 April.
    assert _due("standard", D(2026, 3, 16)) == {
        "report_for_factual_accuracy": D(2026, 4, 14),
        "factual_accuracy_comments": D(2026, 4, 17),
        "final_report": D(2026, 4, 24),
        "publication": D(2026, 4, 29),
    }


def test_para_216_visit_timetable_over_christmas_2026_hand_worked() -> None:
    # Focused visit Tuesday 8 and Wednesday 9 December 2026. +5: 10, 11, 14, 15, 16 Dec.
    # Comments +2: 17, 18 Dec. Final +14: 10 ... 23 (10 days), 24 (Christmas Eve is a working
    # day), then Christmas Day (Friday), the weekend and Boxing Day's substitute Monday 28 Dec
    # are not: 29, 30, 31 December. Published +16: New Year's Day (Friday) is not: 4, 5 Jan.
    assert _due("focused-visit", D(2026, 12, 8)) == {
        "report_for_factual_accuracy": D(2026, 12, 16),
        "factual_accuracy_comments": D(2026, 12, 18),
        "final_report": D(2026, 12, 31),
        "publication": D(2027, 1, 5),
    }


@settings(max_examples=40, deadline=None)
@given(st.dates(D(2024, 1, 1), D(2030, 12, 31)))
def test_due_dates_are_working_days_in_order(day: dt.date) -> None:
    start = day - dt.timedelta(days=day.weekday())  # the Monday of that week
    if not calendar.is_working_day(start):
        return
    due = _due("standard", start)
    assert all(calendar.is_working_day(d) for d in due.values())
    assert list(due.values()) == sorted(due.values())
    last = calendar.add_working_days(start, 9)
    assert calendar.working_days_between(last, due["publication"]) == 21


def _report(db: Any, team: Team) -> tuple[Any, Any]:
    insp = get_inspection(db, LA, team.inspection_id)
    report = drafting.get_report(db, insp)
    assert report is not None
    return insp, report


def test_para_214_qa_manager_returns_the_draft_with_a_note(confirmed: Team) -> None:
    write(confirmed)
    to_state(confirmed, "qa_review")
    with confirmed.session(confirmed.qa) as db:
        insp, report = _report(db, confirmed)
        qa, names = confirmed.actor(confirmed.qa), confirmed.names(db)
        with pytest.raises(Invalid, match="note"):
            clearing.move(db, insp, report, "return_to_lead", qa, names)
        clearing.move(db, insp, report, "return_to_lead", qa, names, note="Tighten the summary.")
        assert report.state == "draft"
        assert clearing.events(db, report)[-1].note == "Tighten the summary."
    to_state(confirmed, "qa_review")
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        with pytest.raises(NotAllowed, match="qa_manager"):
            clearing.move(db, insp, report, "send_for_factual_accuracy",
                          confirmed.actor(confirmed.lead), confirmed.names(db))  # fmt: skip


def test_para_215_comments_are_kept_with_their_decisions(confirmed: Team) -> None:
    write(confirmed)
    to_state(confirmed, "factual_accuracy")
    with confirmed.session(confirmed.la_staff) as db:
        insp, report = _report(db, confirmed)
        la, names = confirmed.actor(confirmed.la_staff), confirmed.names(db)
        with pytest.raises(Invalid, match="paragraphs 1 to 2"):
            clearing.add_comment(db, insp, report, "q-experiences", 3, "Wrong.", la, names)
        first = clearing.add_comment(
            db, insp, report, "q-experiences", 2, "Only 12 children waited.", la, names
        )
        second = clearing.add_comment(db, insp, report, "leaders", 1, "Date is wrong.", la, names)
        ids = first.id, second.id
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        lead = confirmed.actor(confirmed.lead)
        with pytest.raises(Invalid, match="reason"):
            clearing.decide(db, insp, report, ids[0], "accepted", " ", lead)
        clearing.decide(db, insp, report, ids[0], "accepted", "Figure corrected.", lead)
        with pytest.raises(Refused, match="1 factual accuracy comment"):
            clearing.move(db, insp, report, "send_final", lead, confirmed.names(db))
        clearing.decide(db, insp, report, ids[1], "declined", "The date is right.", lead)
        with pytest.raises(Invalid, match="already accepted"):
            clearing.decide(db, insp, report, ids[0], "declined", "Changed my mind.", lead)
    to_state(confirmed, "published")
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        got = [(c.quoted, c.comment, c.decision, c.reason) for c in clearing.comments(db, report)]
    assert got == [
        ("Some wait too long.", "Only 12 children waited.", "accepted", "Figure corrected."),
        ("Reasons for leaders.", "Date is wrong.", "declined", "The date is right."),
    ]


def test_the_inspecting_team_does_not_comment_for_the_la(confirmed: Team) -> None:
    write(confirmed)
    to_state(confirmed, "factual_accuracy")
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        with pytest.raises(NotAllowed, match="local authority's"):
            clearing.add_comment(db, insp, report, "leaders", 1, "x",
                                 confirmed.actor(confirmed.lead), confirmed.names(db))  # fmt: skip


def test_published_document_is_immutable(confirmed: Team) -> None:
    write(confirmed)
    to_state(confirmed, "published")
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        files = {f.name: (f.sha256, f.content) for f in clearing.published_files(db, report)}
        lead, names = confirmed.actor(confirmed.lead), confirmed.names(db)
        assert set(files) == {"report.docx", "report.pdf",
                              "children-summary.docx", "children-summary.pdf"}  # fmt: skip
        assert report.published_at is not None and insp.state == "published"
        with pytest.raises(Locked, match="published"):
            drafting.save_text(db, insp, report, "leaders", "Changed.", lead, names, 1)
        for name in clearing.structure.moves():
            with pytest.raises((Locked, NotAllowed)):
                clearing.move(db, insp, report, name, lead, names)
        with pytest.raises(Locked):
            clearing.add_comment(db, insp, report, "leaders", 1, "Late.", lead, names)
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        again = {f.name: (f.sha256, f.content) for f in clearing.published_files(db, report)}
        assert again == files
        assert b"DRAFT" not in files["report.docx"][1]


def test_a_mock_inspections_outcome_stays_out_of_the_register(
    confirmed: Team, monkeypatch: Any
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("grip.outcomes.record_outcome", lambda *a, **k: calls.append(k) or 1)
    write(confirmed)
    to_state(confirmed, "final_sent")
    with confirmed.session(confirmed.lead) as db:
        insp, report = _report(db, confirmed)
        clearing.move(db, insp, report, "publish", confirmed.actor(confirmed.lead),
                      confirmed.names(db), outcomes_engine=confirmed.engine)  # fmt: skip
    assert calls == []


def test_a_real_inspections_outcome_goes_into_the_register(
    engine: Engine, make_user: Any, monkeypatch: Any
) -> None:
    from .conftest import START, confirm

    team = build_team(engine, make_user, fieldwork_start=START, kind="real")
    confirm(team, feedback=False)  # a real inspection's feedback is the LA's to record
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("grip.outcomes.record_outcome", lambda *a, **k: calls.append(k) or 1)
    write(team)
    to_state(team, "final_sent")
    with team.session(team.lead) as db:
        insp, report = _report(db, team)
        clearing.move(db, insp, report, "publish", team.actor(team.lead), team.names(db),
                      outcomes_engine=engine)  # fmt: skip
    (call,) = calls
    assert call["judgements"]["overall"] == "requires-improvement"
    assert (call["fieldwork_start"], call["fieldwork_end"]) == (START, D(2026, 3, 27))
    assert call["la_code"] == LA and call["inspection_type"] == "standard"


def test_an_outcome_the_register_refuses_stops_publication(engine: Engine, make_user: Any) -> None:
    from .conftest import START, confirm

    team = build_team(engine, make_user, fieldwork_start=START, kind="real")
    confirm(team, feedback=False)
    write(team)
    to_state(team, "final_sent")
    with team.session(team.lead) as db:
        insp, report = _report(db, team)
        with pytest.raises(Refused, match=r"outcomes register.*'LA1' is not a DfE LA code"):
            clearing.move(db, insp, report, "publish", team.actor(team.lead), team.names(db),
                          outcomes_engine=engine)  # fmt: skip
        db.rollback()  # as the route does: nothing of the refused publication is kept
    with team.session(team.lead) as db:
        insp, report = _report(db, team)
        assert report.state == "final_sent" and clearing.published_files(db, report) == []
