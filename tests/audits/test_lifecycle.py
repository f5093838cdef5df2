"""The audit lifecycle: steps allowed and refused by role, completeness, optimistic locking,
blind moderation, exemption and chasing (Southwark QA framework 2015, appendix 1 §2)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from grip.access.models import AuditEvent
from grip.audits import lifecycle as lc
from grip.audits.models import Audit, AuditHistory
from grip.audits.rules import lifecycle, parse_lifecycle

from .conftest import LA, NOW, World
from .helpers import full_family, full_questions, full_reflection, to_submitted


def _allocate(w: World, **kw: object) -> str:
    with w.session(w["qa_lead"]) as db, db.begin():
        audit = lc.allocate(
            db,
            la_code=LA,
            person_id=str(kw.pop("person_id", "P1")),
            auditor_id=w["auditor"].user_id,
            actor=w["qa_lead"],
            month="2026-10",
            team_id="T1",
            worker_user_id=w["social_worker"].user_id,
            **kw,  # type: ignore[arg-type]
        )
        return audit.id


def test_allocation_sets_period_and_due_date(world: World) -> None:
    aid = _allocate(world)
    with world.session() as db:
        a = lc.get_audit(db, LA, aid)
        assert a.state == "allocated"
        assert a.version == 1
        # Southwark QA framework 2015, appendix 1 §2b: the last 12 months of involvement.
        assert a.period_end == NOW.date()
        assert a.period_start == dt.date(2025, 10, 5)
        # 20 working days from Mon 5 Oct 2026 is Mon 2 Nov 2026.
        assert a.due_date == dt.date(2026, 11, 2)
        assert a.theme == "Single case audit"


@pytest.mark.parametrize("role", ["auditor", "social_worker", "team_manager", "dcs", "inspector"])
def test_only_qa_hos_and_performance_allocate(world: World, role: str) -> None:
    with world.session(world[role]) as db, pytest.raises(lc.NotAllowed, match="may not allocate"):
        lc.allocate(
            db,
            la_code=LA,
            person_id="P1",
            auditor_id=world["auditor"].user_id,
            actor=world[role],
            month="2026-10",
        )


def test_thematic_audit_needs_a_theme(world: World) -> None:
    with world.session(world["qa_lead"]) as db, pytest.raises(lc.InvalidInput, match="theme"):
        lc.allocate(
            db,
            la_code=LA,
            person_id="P1",
            auditor_id=world["auditor"].user_id,
            actor=world["qa_lead"],
            month="2026-10",
            template_id="thematic-2015",
        )


def test_whole_lifecycle_by_the_right_people(world: World) -> None:
    aid = _allocate(world)
    w = world
    with w.session(w["auditor"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "start", w["auditor"], a.version)
        lc.save_form(db, a, w["auditor"], a.version, full_questions(a.template_id, "good"))
        lc.transition(db, a, "request_reflection", w["auditor"], a.version)
    # The allocated worker writes the reflection sheet (Southwark QA framework 2015, appendix 1
    # §1.3, §2c).
    with w.session(w["social_worker"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.save_form(db, a, w["social_worker"], a.version, full_reflection(a.template_id))
        # ...but may not move the audit on or change the auditor's answers.
        with pytest.raises(lc.NotAllowed):
            lc.transition(db, a, "record_family_feedback", w["social_worker"], a.version)
        with pytest.raises(lc.NotAllowed):
            lc.save_form(db, a, w["social_worker"], a.version, full_questions(a.template_id))
    with w.session(w["auditor"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "record_family_feedback", w["auditor"], a.version)
        lc.save_form(db, a, w["auditor"], a.version, full_family(a.template_id, "good"))
        lc.transition(db, a, "submit", w["auditor"], a.version)
        assert a.final_grade == "good"
    with w.session(w["qa_lead"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.appoint_moderator(db, a, w["qa_lead"], w["auditor2"].user_id)
    with w.session(w["auditor2"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        assert not lc.auditor_judgements_visible(db, a, w["auditor2"])
        t = a.template_id
        grades = {
            s: ("requires_improvement", "Moderator reasons") for s in full_questions(t).grades
        }
        grades[lc.OVERALL] = ("requires_improvement", "Plans lack timescales")
        lc.save_moderation(db, a, w["auditor2"], a.version, grades)
        lc.transition(db, a, "complete_moderation", w["auditor2"], a.version)
        # The moderated grade is final.
        assert a.final_grade == "requires_improvement"
        assert a.overall_grade == "good"
        assert lc.auditor_judgements_visible(db, a, w["auditor2"])
    with w.session(w["qa_lead"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "close", w["qa_lead"], a.version)
        assert a.state == "closed" and a.closed_at is not None
        steps = [h.to_state for h in lc.history_of(db, a) if h.to_state]
        assert steps == [
            "allocated",
            "in_progress",
            "reflection",
            "family_feedback",
            "submitted",
            "moderated",
            "closed",
        ]
        users = {h.to_state: h.user_id for h in lc.history_of(db, a) if h.to_state}
        assert users["moderated"] == w["auditor2"].user_id
        assert users["reflection"] == w["auditor"].user_id
        events = db.scalars(select(AuditEvent.action).where(AuditEvent.object_id == aid)).all()
        assert "audit.submit" in events and "audit.close" in events


# Every transition × every role: allowed exactly when the data says so.
@pytest.mark.parametrize(
    "name", ["start", "request_reflection", "record_family_feedback", "submit"]
)
@pytest.mark.parametrize(
    "role",
    [
        "dcs",
        "head_of_service",
        "qa_lead",
        "performance_analyst",
        "team_manager",
        "auditor2",
        "social_worker",
        "inspector",
        "la_admin",
    ],
)
def test_transition_refused_unless_role_allows(world: World, name: str, role: str) -> None:
    """A user who is not the assigned auditor may act only when their role is listed."""
    aid = _allocate(world)
    order = ["start", "request_reflection", "record_family_feedback", "submit"]
    actor = world[role]
    with world.session() as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        aud = world["auditor"]
        # Bring the audit to the state the transition leaves, as the assigned auditor.
        for step in order[: order.index(name)]:
            if step == "request_reflection":
                lc.save_form(db, a, aud, a.version, full_questions(a.template_id))
            if step == "record_family_feedback":
                lc.save_form(db, a, aud, a.version, full_reflection(a.template_id))
            lc.transition(db, a, step, aud, a.version)
        if name == "request_reflection":
            lc.save_form(db, a, aud, a.version, full_questions(a.template_id))
        if name == "record_family_feedback":
            lc.save_form(db, a, aud, a.version, full_reflection(a.template_id))
        if name == "submit":
            lc.save_form(db, a, aud, a.version, full_family(a.template_id))
        allowed = actor.role in lifecycle().transition(name).roles
        if allowed:
            lc.transition(db, a, name, actor, a.version)
            assert a.state == lifecycle().transition(name).to
        else:
            with pytest.raises(lc.NotAllowed):
                lc.transition(db, a, name, actor, a.version)


def test_submit_refused_until_complete(world: World) -> None:
    aid = _allocate(world)
    aud = world["auditor"]
    with world.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "start", aud, a.version)
        form = full_questions(a.template_id)
        key = next(iter(form.answers))
        form.answers[key] = ("no", "")  # an answer without evidence
        del form.grades["recording"]
        lc.save_form(db, a, aud, a.version, form)
        with pytest.raises(lc.Incomplete) as err:
            lc.transition(db, a, "request_reflection", aud, a.version)
        problems = " | ".join(err.value.problems)
        assert "give the evidence" in problems
        assert "Recording: grade the section" in problems
        assert a.state == "in_progress"


def test_family_feedback_can_be_not_obtained_with_a_reason(world: World) -> None:
    aid = _allocate(world)
    aud = world["auditor"]
    with world.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "start", aud, a.version)
        lc.save_form(db, a, aud, a.version, full_questions(a.template_id))
        lc.transition(db, a, "request_reflection", aud, a.version)
        lc.save_form(db, a, aud, a.version, full_reflection(a.template_id))
        lc.transition(db, a, "record_family_feedback", aud, a.version)
        lc.save_form(db, a, aud, a.version, lc.FormInput(grades={lc.OVERALL: ("good", "why")}))
        with pytest.raises(lc.Incomplete, match="family questionnaire"):
            lc.transition(db, a, "submit", aud, a.version)
        lc.save_form(
            db,
            a,
            aud,
            a.version,
            lc.FormInput(family_not_obtained_reason="Three calls unanswered; letter sent"),
        )
        lc.transition(db, a, "submit", aud, a.version)
        assert a.state == "submitted"


def _started(w: World) -> tuple[str, int]:
    """An audit allocated and started by its auditor, and the version it was left at."""
    aid = _allocate(w)
    aud = w["auditor"]
    with w.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "start", aud, a.version)
        return aid, a.version


def test_stale_save_is_refused_and_nothing_written(world: World) -> None:
    """Two people edit one audit: the second save, made from the old version, is refused."""
    aid, loaded = _started(world)
    aud = world["auditor"]
    key = "case-information.record-complete"
    with world.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.save_form(db, a, aud, loaded, lc.FormInput(answers={key: ("yes", "first tab")}))
    with world.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        with pytest.raises(lc.StaleVersion) as err:
            lc.save_form(db, a, aud, loaded, lc.FormInput(answers={key: ("no", "second tab")}))
        assert err.value.loaded == loaded and err.value.current == loaded + 1
        assert "Nothing you sent was saved" in str(err.value)
    with world.session(aud) as db:
        a = lc.get_audit(db, LA, aid)
        assert lc.answers_of(db, a)[f"q:{key}"].text == "first tab"


def test_a_race_past_the_check_is_caught_by_the_version_column(world: World) -> None:
    aid = _allocate(world)
    aud = world["auditor"]
    s1, s2 = world.session(aud), world.session(aud)
    a1 = lc.get_audit(s1, LA, aid)
    a2 = lc.get_audit(s2, LA, aid)
    lc.transition(s1, a1, "start", aud, a1.version)
    s1.commit()
    with pytest.raises(lc.StaleVersion):
        # s2 still holds version 1 and passes the check, but the UPDATE finds no such row.
        lc.transition(s2, a2, "start", aud, 1)
    s1.close()
    s2.close()


def test_two_saves_racing_from_one_version_refuse_the_second_as_stale(world: World) -> None:
    """An autosave and a Save button posted from the same version at once (as a browser can):
    the second waits for the first and is refused as stale, never a clash on the answer's row."""
    aid, loaded = _started(world)
    aud = world["auditor"]
    key = "case-information.record-complete"
    first, second = world.session(aud), world.session(aud)
    a2 = lc.get_audit(second, LA, aid)
    lc.save_form(first, lc.get_audit(first, LA, aid), aud, loaded, _answer(key, "first"))
    outcome: list[BaseException | None] = []

    def save_second() -> None:
        try:
            lc.save_form(second, a2, aud, loaded, _answer(key, "second"))
            outcome.append(None)
        except BaseException as exc:  # the assertion below names what was raised
            outcome.append(exc)

    racer = threading.Thread(target=save_second)
    racer.start()
    time.sleep(0.5)  # the second save is now waiting on the first's uncommitted rows
    first.commit()
    racer.join(timeout=60)
    second.rollback()
    first.close()
    second.close()
    assert len(outcome) == 1 and isinstance(outcome[0], lc.StaleVersion), outcome
    with world.session() as db:
        assert lc.answers_of(db, lc.get_audit(db, LA, aid))[f"q:{key}"].text == "first"


def _answer(key: str, text: str) -> lc.FormInput:
    # Two answers: writing the second flushes the first, as a whole form's save does.
    return lc.FormInput(
        answers={key: ("yes", text), "current-referral.reason-for-involvement": ("no", text)}
    )


def test_moderator_cannot_be_the_auditor_and_grades_stay_blind(world: World) -> None:
    aid = _allocate(world)
    with world.session() as db, db.begin():
        a = to_submitted(db, lc.get_audit(db, LA, aid), world["auditor"], world["social_worker"])
        with pytest.raises(lc.InvalidInput, match="someone other than the auditor"):
            lc.appoint_moderator(db, a, world["qa_lead"], world["auditor"].user_id)
        with pytest.raises(lc.NotAllowed):
            lc.appoint_moderator(db, a, world["auditor2"], world["auditor2"].user_id)
        lc.appoint_moderator(db, a, world["qa_lead"], world["inspector"].user_id, "inspector")
        # Only the appointed moderator grades; others (even the QA lead) cannot complete it.
        with pytest.raises(lc.NotAllowed):
            lc.save_moderation(db, a, world["auditor2"], a.version, {lc.OVERALL: ("good", "x")})
        with pytest.raises(lc.NotAllowed):
            lc.transition(db, a, "complete_moderation", world["qa_lead"], a.version)
        with pytest.raises(lc.Incomplete, match="moderation: grade"):
            lc.transition(db, a, "complete_moderation", world["inspector"], a.version)
        assert not lc.auditor_judgements_visible(db, a, world["inspector"])
        assert lc.auditor_judgements_visible(db, a, world["qa_lead"])
        # Closing without moderation is refused once a moderator is appointed.
        with pytest.raises(lc.Incomplete, match="complete the moderation"):
            lc.transition(db, a, "close_unmoderated", world["qa_lead"], a.version)


def test_exemption_only_by_head_of_service_with_a_reason(world: World) -> None:
    aid = _allocate(world, due_date=dt.date(2026, 10, 20))
    with world.session() as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        for role in ("qa_lead", "auditor", "dcs", "team_manager"):
            with pytest.raises(lc.NotAllowed, match="only: head_of_service"):
                lc.exempt(db, a, world[role], "Auditor on sick leave")
        with pytest.raises(lc.InvalidInput, match="reason"):
            lc.exempt(db, a, world["head_of_service"], "  ")
        assert lc.is_overdue(a, dt.date(2026, 10, 21))
        lc.exempt(
            db, a, world["head_of_service"], "Auditor on annual leave", until=dt.date(2026, 11, 13)
        )
        assert not lc.is_overdue(a, dt.date(2026, 10, 21))
        assert lc.is_overdue(a, dt.date(2026, 11, 14))
        assert a.exempt_by == world["head_of_service"].user_id


def test_overdue_list_and_chasing(world: World) -> None:
    late = _allocate(world, due_date=dt.date(2026, 10, 1), person_id="P1")
    _allocate(world, due_date=dt.date(2026, 12, 1), person_id="P2")
    with world.session(world["qa_lead"]) as db, db.begin():
        assert [a.id for a in lc.overdue_audits(db, LA, NOW.date())] == [late]
        a = lc.get_audit(db, LA, late)
        with pytest.raises(lc.NotAllowed):
            lc.chase(db, a, world["auditor"])
        lc.chase(db, a, world["qa_lead"])
        lc.chase(db, a, world["qa_lead"])
        assert a.chase_count == 2
        events = db.scalars(select(AuditHistory.event).where(AuditHistory.audit_id == late)).all()
        assert events.count("chased") == 2


def test_submitted_audit_is_locked_for_the_auditor(world: World) -> None:
    aid = _allocate(world)
    with world.session() as db, db.begin():
        a = to_submitted(db, lc.get_audit(db, LA, aid), world["auditor"], world["social_worker"])
        with pytest.raises(lc.InvalidTransition, match="cannot be changed"):
            lc.save_form(db, a, world["auditor"], a.version, full_questions(a.template_id))
        # The QA lead can return it with a reason; then it is editable again.
        with pytest.raises(lc.InvalidInput, match="why"):
            lc.transition(db, a, "return", world["qa_lead"], a.version)
        lc.transition(db, a, "return", world["qa_lead"], a.version, note="Evidence thin")
        lc.save_form(db, a, world["auditor"], a.version, full_questions(a.template_id))
        assert a.final_grade is None


def test_iro_copy_and_head_of_service_discussion(world: World) -> None:
    aid = _allocate(world)
    with world.session() as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        with pytest.raises(lc.InvalidTransition):
            lc.record_iro_copy(db, a, world["auditor"], "IRO", dt.date(2026, 10, 9))
        to_submitted(db, a, world["auditor"], world["social_worker"])
        lc.record_iro_copy(db, a, world["auditor"], "IRO", dt.date(2026, 10, 9))
        assert a.iro_copy_to == "IRO"
        with pytest.raises(lc.NotAllowed):
            lc.record_hos_discussion(db, a, world["qa_lead"], dt.date(2026, 11, 3), "Discussed")
        lc.record_hos_discussion(db, a, world["head_of_service"], dt.date(2026, 11, 3), "Discussed")
        # Submitted in October; discussed in November: the following month (§2i).
        assert lc.discussed_in_following_month(a)
        a.hos_discussed_on = dt.date(2026, 12, 1)
        assert not lc.discussed_in_following_month(a)


def test_invalid_answer_names_the_choices(world: World) -> None:
    aid = _allocate(world)
    aud = world["auditor"]
    with world.session(aud) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        lc.transition(db, a, "start", aud, a.version)
        with pytest.raises(lc.InvalidInput, match="not one of yes, partly, no, not_applicable"):
            lc.save_form(
                db,
                a,
                aud,
                a.version,
                lc.FormInput(answers={"recording.up-to-date": ("maybe", "x")}),
            )
        with pytest.raises(lc.InvalidInput, match="not on template"):
            lc.save_form(db, a, aud, a.version, lc.FormInput(answers={"nope.nope": ("yes", "x")}))


def test_lifecycle_data_is_validated() -> None:
    with pytest.raises(ValueError, match="unknown role 'wizard'"):
        parse_lifecycle(
            {
                "version": 1,
                "states": {"a": {"label": "A"}},
                "transitions": {"go": {"from": ["a"], "to": "a", "roles": ["wizard"]}},
            },
            "test.yaml",
        )
    with pytest.raises(ValueError, match="unknown state 'b'"):
        parse_lifecycle(
            {
                "version": 1,
                "states": {"a": {"label": "A"}},
                "transitions": {"go": {"from": ["a"], "to": "b"}},
            },
            "test.yaml",
        )
    with pytest.raises(ValueError, match=r"events: no words for the transitions \['go'\]"):
        parse_lifecycle(
            {
                "version": 1,
                "states": {"a": {"label": "A"}},
                "transitions": {"go": {"from": ["a"], "to": "a"}},
                "events": {"other": "Other"},
            },
            "test.yaml",
        )


def test_audits_of_restricted_cases_are_hidden(world: World) -> None:
    """The access layer's scoping hides audits of restricted cases (person_id column)."""
    from grip.access.models import CaseRestriction

    aid = _allocate(world, person_id="P9")
    with world.session() as db, db.begin():
        db.add(
            CaseRestriction(
                la_code=LA,
                person_id="P9",
                reason="staff member's child",
                review_date=dt.date(2027, 1, 1),
                created_at=NOW,
            )
        )
    with world.session(world["auditor2"]) as db:
        with pytest.raises(lc.NotFound):
            lc.get_audit(db, LA, aid)
        assert db.scalars(select(Audit)).all() == []


@given(st.text(max_size=120))
def test_text_is_kept_whole_or_refused_never_cut(text: str) -> None:
    """A long answer is refused with its length, never silently shortened."""
    try:
        kept = lc.within(text, 100, "who is to do it", "owner")
    except lc.InvalidInput as exc:
        assert len(text.strip()) > 100 and exc.field == "owner"
        assert f"you entered {len(text.strip())}" in str(exc)
    else:
        assert kept == text.strip()
