"""The timeline checklist, the Annex B request log, the households and the case selection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access import clock
from grip.audits.lifecycle import As
from grip.inspections import (
    InspectionError,
    InspectionNotAllowed,
    NewInspection,
    add_member,
    create_inspection,
    get_inspection,
)
from grip.inspections.cases import add_cases, add_household, cases
from grip.inspections.checklist import checklist, deadline, tick, untick
from grip.inspections.requests import (
    NewRequest,
    add_request,
    is_overdue,
    outstanding,
    requests,
    respond,
    set_status,
)
from grip.inspections.selection import audited_cases, inspector_sample

from .conftest import LA, add_allocation, add_audit, add_children

UTC = dt.UTC


@pytest.fixture
def mock(engine: Engine, make_user: Any, session_as: Any) -> dict[str, Any]:
    """A mock standard inspection, fieldwork Monday 2 March 2026, with a peer lead."""
    qa = make_user("qa_lead", LA)
    lead = make_user("qa_lead", "LA2")
    with session_as(qa) as db:
        spec = NewInspection("standard", "mock", fieldwork_start=dt.date(2026, 3, 2))
        insp = create_inspection(db, LA, spec, As(qa.id, qa.role))
        add_member(db, insp, lead.username, "lead_inspector", As(qa.id, qa.role))
    return {
        "id": insp.id,
        "qa": As(qa.id, qa.role),
        "lead": As(lead.id, "inspector"),
        "qa_user": qa,
    }


def test_checklist_shows_what_is_overdue(mock: dict[str, Any], session_as: Any) -> None:
    """Para 242: child-level data by the end of the day after notification (24 February)."""
    with session_as(mock["qa_user"]) as db:
        insp = get_inspection(db, LA, mock["id"])
        at = dt.datetime(2026, 2, 25, 9, 0, tzinfo=UTC)
        rows = {r.milestone.id: r for r in checklist(db, insp, at)}
        assert rows["notification"].overdue and rows["child_level_data"].overdue
        assert not rows["management_information"].overdue  # due by the end of 25 February
        tick(db, insp, "child_level_data", mock["qa"])
        rows = {r.milestone.id: r for r in checklist(db, insp, at)}
        assert rows["child_level_data"].done is not None and not rows["child_level_data"].overdue
        with pytest.raises(InspectionError, match="milestone: 'lunch' is not on this inspection"):
            tick(db, insp, "lunch", mock["qa"])
        untick(db, insp, "child_level_data", mock["qa"])
        assert {r.milestone.id: r for r in checklist(db, insp, at)}["child_level_data"].overdue


def test_deadlines_are_english_wall_clock_times() -> None:
    """Para 73: 9.30am is 9.30 in England (UTC in winter, BST in summer)."""
    from grip.inspections.timeline import Milestone

    winter = Milestone("n", "t", dt.date(2026, 2, 23), "9.30am", "73")
    summer = Milestone("n", "t", dt.date(2026, 6, 1), "9.30am", "73")
    assert deadline(winter) == dt.datetime(2026, 2, 23, 9, 30, tzinfo=UTC)
    assert deadline(summer) == dt.datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


def test_annex_b_request_log_paras_167_244_245(
    mock: dict[str, Any], session_as: Any, make_user: Any
) -> None:
    """Para 167: the lead inspector keeps the record; the DCS enters the responses."""
    dcs = make_user("dcs", LA)
    now = dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    clock.freeze(now)
    due = now + dt.timedelta(hours=6)
    spec = NewRequest("Latest supervision records for case P1", "To test management oversight",
                      "document", due, "P1")  # fmt: skip
    with session_as(mock["qa_user"]) as db:
        insp = get_inspection(db, LA, mock["id"])
        with pytest.raises(InspectionNotAllowed):
            add_request(db, insp, spec, As(dcs.id, "dcs"))  # the LA does not ask in a mock
        with pytest.raises(InspectionError, match="reason: say why it is needed") as bad:
            add_request(db, insp, NewRequest("x", " ", "letter", now, None), mock["lead"])
        assert "request type: 'letter' is not one of document, information" in str(bad.value)
        assert "is not in the future" in str(bad.value)
        row = add_request(db, insp, spec, mock["lead"])
        second = add_request(db, insp, spec, mock["lead"])
        assert (row.number, second.number, row.status) == (1, 2, "open")
        with pytest.raises(InspectionNotAllowed):
            respond(db, insp, row, mock["lead"], "We answer ourselves")
        respond(db, insp, row, As(dcs.id, "dcs"), "Sent through the secure site", "SUP-2026-03.pdf")
        assert row.status == "answered" and row.supplied == "SUP-2026-03.pdf"
        set_status(db, insp, row, mock["lead"], "closed")
        later = now + dt.timedelta(days=1)
        assert [r.number for r in outstanding(requests(db, insp), later)] == [2]
        assert is_overdue(second, later) and not is_overdue(row, later)
        with pytest.raises(
            InspectionError, match="request 1 is closed: it cannot become withdrawn"
        ):
            set_status(db, insp, row, mock["lead"], "withdrawn")


def test_a_request_naming_a_child_is_refused_para_191(
    mock: dict[str, Any], session_as: Any, engine: Engine
) -> None:
    """Para 191: no names of children or family members; use case references."""
    from sqlalchemy import insert

    from grip.casedata.models import CASE_TABLES

    with engine.begin() as conn:
        conn.execute(insert(CASE_TABLES["ssd_person"]), [{
            "la_code": LA, "pers_person_id": "P7", "pers_forename": "Zephyrine",
            "pers_surname": "Quarrington", "pers_sex": "F", "pers_ethnicity": "WBRI",
            "pers_dob": dt.date(2015, 1, 1), "pers_is_uasc": False}])  # fmt: skip
    clock.freeze(dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    due = dt.datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    with session_as(mock["qa_user"]) as db:
        insp = get_inspection(db, LA, mock["id"])
        with pytest.raises(InspectionError, match="para 191"):
            add_request(
                db, insp, NewRequest("Zephyrine's plan", "Risk", "document", due), mock["lead"]
            )
        assert requests(db, insp) == []


def test_households_up_to_four_each_para_85(mock: dict[str, Any], session_as: Any) -> None:
    with session_as(mock["qa_user"]) as db:
        insp = get_inspection(db, LA, mock["id"])
        for i in range(4):
            add_household(db, insp, "foster", f"FH-{i}", "Recent assessment", mock["qa"])
        with pytest.raises(InspectionError, match=r"already 4 foster carer households.*para 85"):
            add_household(db, insp, "foster", "FH-9", "x", mock["qa"])
        with pytest.raises(InspectionError, match="no such adopter household"):
            add_household(db, insp, "adopter", "AD-1", "x", mock["qa"])
        with pytest.raises(InspectionError, match="never a name"):
            add_household(db, insp, "foster", "Smith family", "x", mock["qa"])


def test_la_audited_list_at_most_12_before_a_standard_inspection_para_258(
    mock: dict[str, Any], session_as: Any, engine: Engine
) -> None:
    ids = [f"P{i}" for i in range(1, 15)]
    add_children(engine, ids)
    with session_as(mock["qa_user"]) as db:
        insp = get_inspection(db, LA, mock["id"])
        with pytest.raises(
            InspectionError, match=r"13 already-audited cases is more than the 12.*258"
        ):
            add_cases(db, insp, [(p, "Audited") for p in ids[:13]], "la-audited", mock["qa"])
        add_cases(db, insp, [(p, "Audited") for p in ids[:12]], "la-audited", mock["qa"])
        assert len(cases(db, insp)) == 12


def test_audited_cases_from_the_last_six_months_para_257(
    engine: Engine, mock: dict[str, Any], session_as: Any
) -> None:
    """Para 257: audits the LA undertook in the six months before the inspection."""
    add_children(engine, ["P1", "P2", "P3"])
    qa = mock["qa"]
    add_audit(engine, "P1", qa.user_id, dt.datetime(2026, 2, 2, 12, tzinfo=UTC))
    add_audit(engine, "P1", qa.user_id, dt.datetime(2026, 1, 5, 12, tzinfo=UTC))
    add_audit(engine, "P2", qa.user_id, dt.datetime(2025, 8, 1, 12, tzinfo=UTC))  # too old
    add_audit(engine, "P3", qa.user_id, dt.datetime(2026, 2, 10, 12, tzinfo=UTC), state="submitted",
              grade="requires_improvement")  # fmt: skip
    with session_as(mock["qa_user"]) as db:
        found = audited_cases(db, LA, dt.date(2026, 2, 23))
    assert [(c.person_id, c.completed) for c in found] == [
        ("P3", dt.date(2026, 2, 10)),
        ("P1", dt.date(2026, 2, 2)),
    ]
    assert found[0].reason == (
        "Audited by the local authority: Child protection planning, completed 10 February 2026,"
        " graded requires improvement"
    )


def test_inspector_sample_reuses_the_audit_sampler_paras_135_150_153(
    engine: Engine, mock: dict[str, Any], session_as: Any
) -> None:
    """Para 135: cases from the last three months; para 150 factors explain each pick."""
    ids = ["P1", "P2", "P3", "P4"]
    add_children(engine, ids)
    for pid, team in zip(ids, ["T1", "T1", "T2", "T2"], strict=True):
        add_allocation(engine, pid, team, dt.date(2025, 12, 1))
    with session_as(mock["qa_user"]) as db:
        picks = inspector_sample(db, LA, dt.date(2026, 2, 23), 3, seed=7, exclude={"P4"})
        again = inspector_sample(db, LA, dt.date(2026, 2, 23), 3, seed=7, exclude={"P4"})
    assert len(picks) == 3 and "P4" not in {p.person_id for p in picks}
    assert [p.person_id for p in picks] == [p.person_id for p in again]
    assert all(p.reason for p in picks)
