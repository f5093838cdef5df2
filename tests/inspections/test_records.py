"""The inspection record: create, read, list, team, cases and the state machine by role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from grip.access.models import AuditEvent, InspectionCase, Membership
from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As
from grip.formats import ENGLAND, in_england
from grip.inspections import (
    DateRefused,
    InspectionError,
    InspectionNotAllowed,
    InspectionNotFound,
    InspectionSampleCase,
    InvalidMove,
    NewInspection,
    access_until,
    add_cases,
    add_member,
    allowed_moves,
    cases,
    create_inspection,
    get_inspection,
    list_inspections,
    move,
    remove_member,
    team,
)

from .conftest import LA

MONDAY = dt.date(2026, 3, 2)


def _create(engine: Engine, user: Any, **kw: Any) -> str:
    spec = NewInspection(**{"type": "standard", "kind": "mock", "fieldwork_start": MONDAY, **kw})
    with scoped(engine, Scope(LA, user.id, user.role)) as db:
        return create_inspection(db, LA, spec, As(user.id, user.role)).id


def test_create_get_and_list(engine: Engine, make_user: Any, session_as: Any) -> None:
    qa = make_user("qa_lead", LA)
    first = _create(engine, qa)
    second = _create(engine, qa, type="focused-visit", topic="Care leavers", fieldwork_start=None)
    with session_as(qa) as db:
        got = get_inspection(db, LA, first)
        assert (got.type, got.kind, got.state, got.framework_id) == (
            "standard",
            "mock",
            "planned",
            "ilacs-2017",
        )
        assert got.title == "Standard inspection"
        assert [i.id for i in list_inspections(db, LA)] == [second, first]
        with pytest.raises(InspectionNotFound):
            get_inspection(db, LA, "nope")


def test_another_las_inspection_is_not_found(engine: Engine, make_user: Any) -> None:
    qa = make_user("qa_lead", LA)
    other = make_user("qa_lead", "LA2")
    iid = _create(engine, qa)
    with scoped(engine, Scope("LA2", other.id, other.role)) as db:
        assert list_inspections(db, "LA2") == []
        with pytest.raises(InspectionNotFound):
            get_inspection(db, "LA2", iid)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"type": "thematic"}, "type: unknown inspection type 'thematic'"),
        ({"kind": "rehearsal"}, "kind: unknown kind 'rehearsal'"),
        ({"framework_id": "ilacs-2030"}, "framework: framework 'ilacs-2030' is not known"),
        ({"type": "focused-visit", "fieldwork_start": None}, "topic: a focused visit needs"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    engine: Engine, make_user: Any, session_as: Any, kw: dict[str, Any], field: str
) -> None:
    qa = make_user("qa_lead", LA)
    with pytest.raises(InspectionError, match=field):
        _create(engine, qa, **kw)
    with session_as(qa) as db:
        assert list_inspections(db, LA) == []


def test_a_bank_holiday_start_is_refused_citing_para_73(
    engine: Engine, make_user: Any, session_as: Any
) -> None:
    """ILACS framework (Ofsted 170040) para 73: notice counts working days before fieldwork."""
    qa = make_user("qa_lead", LA)
    with pytest.raises(DateRefused, match=r"Easter Monday.*para 73"):
        _create(engine, qa, fieldwork_start=dt.date(2026, 4, 6))
    with session_as(qa) as db:
        assert list_inspections(db, LA) == []


def test_an_override_needs_a_reason_and_is_logged(
    engine: Engine, make_user: Any, session_as: Any
) -> None:
    """ILACS framework (Ofsted 170040) para 14: no standard inspection in August."""
    qa = make_user("qa_lead", LA)
    august = dt.date(2026, 8, 3)
    with pytest.raises(DateRefused, match="para 14"):
        _create(engine, qa, fieldwork_start=august, override_reason="  ")
    iid = _create(engine, qa, fieldwork_start=august, override_reason="Mock: staff availability")
    with session_as(qa) as db:
        assert get_inspection(db, LA, iid).date_override_reason == "Mock: staff availability"
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_id == iid)).all()
    assert actions == ["inspection.create", "inspection.date_override"]


def test_a_peer_inspector_gets_access_to_the_sample_only(
    engine: Engine, make_user: Any, children: list[str], session_as: Any
) -> None:
    qa = make_user("qa_lead", LA)
    peer = make_user("qa_lead", "LA2")  # a QA lead from another LA, reviewing LA1
    iid = _create(engine, qa, kind="peer")
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        add_cases(
            db,
            insp,
            [("P1", "Audited in March"), ("P2", "Audited in May")],
            "la-audited",
            As(qa.id, qa.role),
        )
        add_member(db, insp, peer.username, "lead_inspector", As(qa.id, qa.role))
        until = access_until(insp)
    with session_as(qa) as db:
        membership = db.get(Membership, (peer.id, LA))
        assert membership is not None and membership.role == "inspector"
        assert membership.expires_at is not None
        # Midnight in England after the last milestone (15 April, British Summer Time).
        midnight = dt.datetime(2026, 4, 16, tzinfo=ENGLAND)
        assert in_england(membership.expires_at) == in_england(until) == midnight
    inspector = type(peer)(peer.id, peer.username, "", "", LA, "inspector")
    with session_as(inspector) as db:
        seen = {c.person_id for c in db.scalars(select(InspectionSampleCase))}
        sample = {c.person_id for c in db.scalars(select(InspectionCase))}
    assert seen == sample == {"P1", "P2"}


def test_cases_are_all_or_nothing(
    engine: Engine, make_user: Any, children: list[str], session_as: Any
) -> None:
    qa = make_user("qa_lead", LA)
    iid = _create(engine, qa)
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        with pytest.raises(
            InspectionError, match="person id 'P99': not a case in LA1 that can be sampled"
        ):
            add_cases(db, insp, [("P1", "x"), ("P99", "y")], "la-audited", As(qa.id, qa.role))
        with pytest.raises(InspectionError, match="list: unknown 'favourites'"):
            add_cases(db, insp, [("P1", "x")], "favourites", As(qa.id, qa.role))
    with session_as(qa) as db:
        assert cases(db, get_inspection(db, LA, iid)) == []


def test_team_rules(engine: Engine, make_user: Any, children: list[str], session_as: Any) -> None:
    qa = make_user("qa_lead", LA)
    lead, other, outsider = (make_user("qa_lead", "LA2") for _ in range(3))
    dcs = make_user("dcs", LA)
    iid = _create(engine, qa, kind="peer")
    actor = As(qa.id, qa.role)
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        add_member(db, insp, lead.username, "lead_inspector", actor)
        add_member(db, insp, dcs.username, "dcs", actor)
        with pytest.raises(InspectionError, match="already has a lead inspector"):
            add_member(db, insp, other.username, "lead_inspector", actor)
        with pytest.raises(InspectionError, match="holds no role in LA1"):
            add_member(db, insp, outsider.username, "la_link_person", actor)
        with pytest.raises(InspectionError, match="person: no active Grip user called 'ghost'"):
            add_member(db, insp, "ghost", "team_inspector", actor)
        with pytest.raises(InspectionError, match="team role: unknown team role 'observer'"):
            add_member(db, insp, other.username, "observer", actor)
        assert [(m.team_role, u.id) for m, u in team(db, insp)] == [
            ("lead_inspector", lead.id),
            ("dcs", dcs.id),
        ]
        # The DCS keeps their own role: team membership never changes an LA role.
        dcs_membership = db.get(Membership, (dcs.id, LA))
        assert dcs_membership is not None and dcs_membership.role == "dcs"
        remove_member(db, insp, lead.id, actor)
        assert db.get(Membership, (lead.id, LA)) is None


def test_mock_inspection_moves_by_the_lead_and_closing_ends_access(
    engine: Engine, make_user: Any, children: list[str], session_as: Any
) -> None:
    qa = make_user("qa_lead", LA)
    lead = make_user("qa_lead", "LA2")
    worker = make_user("social_worker", LA)
    iid = _create(engine, qa, kind="mock")
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        add_cases(db, insp, [("P1", "Audited")], "la-audited", As(qa.id, qa.role))
        add_member(db, insp, lead.username, "lead_inspector", As(qa.id, qa.role))
    as_lead = As(lead.id, "inspector")
    as_worker = As(worker.id, worker.role)
    steps = [
        "notify",
        "arrive",
        "give_feedback",
        "draft_report",
        "send_for_factual_accuracy",
        "publish",
        "close",
    ]
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        with pytest.raises(InvalidMove, match="the inspection is Planned"):
            move(db, insp, "arrive", as_lead)
        with pytest.raises(InspectionNotAllowed):
            move(db, insp, "notify", as_worker)
        assert [t.name for t in allowed_moves(db, insp, as_lead)] == ["notify"]
        assert allowed_moves(db, insp, as_worker) == []
        for step in steps:
            move(db, insp, step, as_lead)
        assert insp.state == "closed" and insp.closed_at is not None
        assert db.get(Membership, (lead.id, LA)) is None
        assert (
            db.scalars(select(InspectionCase).where(InspectionCase.user_id == lead.id)).all() == []
        )
        trail = db.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.object_id == iid, AuditEvent.action.like("inspection.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert trail[-7:] == [
        "planned->notified",
        "notified->on_site",
        "on_site->feedback_given",
        "feedback_given->report_drafted",
        "report_drafted->factual_accuracy",
        "factual_accuracy->published",
        "published->closed",
    ]


def test_a_real_inspection_is_recorded_by_the_la_not_the_team(
    engine: Engine, make_user: Any, session_as: Any
) -> None:
    qa = make_user("qa_lead", LA)
    lead = make_user("qa_lead", "LA2")
    iid = _create(engine, qa, kind="real")
    with session_as(qa) as db:
        insp = get_inspection(db, LA, iid)
        add_member(db, insp, lead.username, "lead_inspector", As(qa.id, qa.role))
        with pytest.raises(InspectionNotAllowed):
            move(db, insp, "notify", As(lead.id, "inspector"))
        move(db, insp, "notify", As(qa.id, qa.role))
        assert insp.state == "notified"


def test_the_sample_takes_only_existing_unrestricted_cases_of_the_la(
    engine: Engine, make_user: Any, children: list[str], session_as: Any
) -> None:
    """Penetration test, December 2026: the inspector's sample took any id, another LA's and
    restricted children's included. Both are refused with the words an unknown id gets."""
    from grip.access import restrictions

    from .conftest import add_children

    make_user("la_admin", "LA2")
    add_children(engine, ["Q1"], la="LA2")
    qa = make_user("qa_lead", LA)
    iid = _create(engine, qa)
    with scoped(engine, Scope(LA)) as db:
        restrictions.restrict_case(
            db, Scope(LA), "P3", "test", dt.date.today() + dt.timedelta(days=90), [qa.id]
        )
    for pid in ("Q1", "P3", "P99"):
        with session_as(qa) as db:
            insp = get_inspection(db, LA, iid)
            with pytest.raises(InspectionError) as exc:
                add_cases(db, insp, [("P1", "x"), (pid, "y")], "la-audited", As(qa.id, qa.role))
            assert str(exc.value) == (
                f"person id {pid!r}: not a case in LA1 that can be sampled (no such child, or "
                "restricted)"
            )
    with session_as(qa) as db:
        assert cases(db, get_inspection(db, LA, iid)) == []
