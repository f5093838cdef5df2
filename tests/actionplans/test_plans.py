"""Opening a plan, its actions and refusals, the inadequate LA's programme, and LA isolation
(ILACS framework (Ofsted 170040) paras 112-128, 219-221)."""

from __future__ import annotations

import datetime as dt

import pytest

from grip.actionplans import actions as acts
from grip.actionplans import plans

from .conftest import AREAS, LA, World, add_inspection

D = dt.date
RECEIVED = D(2026, 12, 18)


def _plan(w: World, inadequate: bool = False) -> str:
    with w.session(w.qa) as db:
        plan = plans.create_plan(db, LA, w.inspection_id, RECEIVED, w.actor(w.qa), inadequate)
        return plan.id


def test_plan_due_70_working_days_after_the_report(world: World) -> None:
    pid = _plan(world)
    with world.session(world.qa) as db:
        plan = plans.get_plan(db, LA, pid)
        assert plan.due_date == D(2027, 4, 2)  # para 219, hand-worked in test_schedule
        assert [d.paragraph for d in plans.deadlines(plan)] == ["219"]
        assert plans.monitoring(db, plan) == []


def test_no_plan_after_a_monitoring_visit(world: World) -> None:
    mv = add_inspection(world.engine, world.qa, "monitoring-visit", D(2027, 5, 4))
    with world.session(world.qa) as db, pytest.raises(plans.Invalid) as exc:
        plans.create_plan(db, LA, mv, RECEIVED, world.actor(world.qa))
    assert "para 221" in exc.value.errors["inspection_id"]


def test_focused_visit_updates_the_existing_plan(world: World) -> None:
    fv = add_inspection(
        world.engine, world.qa, "focused-visit", D(2027, 6, 8), ("Supervision is not regular",)
    )
    with world.session(world.qa) as db:
        with pytest.raises(plans.Invalid) as exc:
            plans.create_plan(db, LA, fv, RECEIVED, world.actor(world.qa))
        assert "para 220" in exc.value.errors["inspection_id"]
    pid = _plan(world)
    with world.session(world.qa) as db:
        plan = plans.get_plan(db, LA, pid)
        plans.add_visit(db, plan, fv, world.actor(world.qa), "updated after the visit")
        texts = [a.finding.text for a in acts.areas(db, plan, world.actor(world.qa))]
        assert texts == [*AREAS, "Supervision is not regular"]


def test_second_plan_and_missing_report_date_refused(world: World) -> None:
    _plan(world)
    with world.session(world.qa) as db, pytest.raises(plans.Invalid) as exc:
        plans.create_plan(db, LA, world.inspection_id, None, world.actor(world.qa))
    assert set(exc.value.errors) == {"inspection_id", "report_received_on"}


def _add(w: World, pid: str, **over: object) -> None:
    with w.session(w.qa) as db:
        plan = plans.get_plan(db, LA, pid)
        finding = acts.areas(db, plan, w.actor(w.qa))[0].finding.id
        spec: dict[str, object] = {
            "finding_id": finding,
            "description": "Weekly oversight checks by team managers",
            "owner_user_id": w.hos.id,
            "due_date": D(2027, 3, 1),
            **over,
        }
        acts.add_action(db, plan, w.actor(w.qa), **spec)  # type: ignore[arg-type]


def test_action_without_owner_or_due_date_refused(world: World) -> None:
    pid = _plan(world)
    with pytest.raises(plans.Invalid) as exc:
        _add(world, pid, owner_user_id=None, due_date=None)
    assert set(exc.value.errors) == {"owner", "due_date"}


@pytest.mark.parametrize("who", ["social_worker", "other_la_user", "unknown"])
def test_owner_must_be_of_the_la_in_a_suitable_role(world: World, who: str) -> None:
    pid = _plan(world)
    uid = 999_999 if who == "unknown" else getattr(world, who).id
    with pytest.raises(plans.Invalid) as exc:
        _add(world, pid, owner_user_id=uid)
    assert (
        "is not someone in this local authority who can be the owner" in exc.value.errors["owner"]
    )


def test_action_progress_impact_and_status(world: World) -> None:
    pid = _plan(world)
    _add(world, pid)
    with world.session(world.hos) as db:
        plan = plans.get_plan(db, LA, pid)
        (action,) = acts.actions_of(db, plan)
        acts.add_progress(db, plan, action, world.actor(world.hos), D(2026, 12, 1), "Started")
        acts.add_impact(db, plan, action, world.actor(world.hos), "measure", "FD_REFERRALS")
        with pytest.raises(plans.Invalid):
            acts.add_impact(db, plan, action, world.actor(world.hos), "measure", "no_such")
        with pytest.raises(plans.Invalid):
            acts.add_impact(db, plan, action, world.actor(world.hos), "audit", "nope")
        with pytest.raises(plans.Invalid, match="already linked"):
            acts.add_impact(db, plan, action, world.actor(world.hos), "measure", "FD_REFERRALS")
        acts.set_status(db, plan, action, world.actor(world.hos), "in_progress")
        [p] = acts.progress_of(db, action)
        assert (p.on, p.recorded_by, p.note) == (D(2026, 12, 1), world.hos.id, "Started")
        assert [a.id for a in acts.open_actions(db, LA)] == [action.id]


def test_inadequate_programme(world: World) -> None:
    pid = _plan(world, inadequate=True)
    progress = ("Oversight is now recorded in most children in need plans",)
    mv = add_inspection(
        world.engine, world.qa, "monitoring-visit", D(2027, 4, 26), progress, kind="progress"
    )
    with world.session(world.qa) as db:
        plan = plans.get_plan(db, LA, pid)
        got = {d.paragraph: d.on for d in plans.deadlines(plan)}
        assert got == {"219": D(2027, 4, 2), "116": D(2027, 2, 3), "121": D(2027, 1, 27)}
        plans.add_visit(db, plan, mv, world.actor(world.qa))
        with pytest.raises(plans.Invalid, match="already on the plan's progress record"):
            plans.add_visit(db, plan, mv, world.actor(world.qa))
        slots = plans.monitoring(db, plan)
        assert slots[0].held_on == D(2027, 4, 26)
        # para 115: the visit's letter (its progress findings) adds to the progress record
        [entry] = plans.progress_record(db, plan, world.actor(world.qa))
        assert [f.text for f in entry.findings] == list(progress)
        assert slots[1].latest == D(2027, 7, 26)
        plans.record_review(db, plan, world.actor(world.qa), D(2027, 4, 20), "reflects", "")
        with pytest.raises(plans.Invalid) as exc:
            plans.record_review(db, plan, world.actor(world.qa), D(2027, 4, 20), "differs", "")
        assert "review_note" in exc.value.errors


def test_monitoring_visit_needs_an_inadequate_plan(world: World) -> None:
    pid = _plan(world)
    mv = add_inspection(world.engine, world.qa, "monitoring-visit", D(2027, 4, 26))
    with world.session(world.qa) as db, pytest.raises(plans.Invalid):
        plans.add_visit(db, plans.get_plan(db, LA, pid), mv, world.actor(world.qa))


def test_another_la_sees_nothing(world: World) -> None:
    pid = _plan(world)
    with world.session(world.other_la_user, "LA2") as db:
        with pytest.raises(plans.NotFound):
            plans.get_plan(db, "LA2", pid)
        assert plans.list_plans(db, "LA2") == []
        with pytest.raises(plans.NotFound):
            plans.create_plan(db, "LA2", world.inspection_id, RECEIVED, world.actor(world.qa))


def test_the_report_record_gives_the_date_received(world: World) -> None:
    # When grip.reports has sent the final version (table after para 216), its day is taken.
    from grip.reports.models import Report, ReportEvent

    sent = dt.datetime(2026, 12, 18, 15, 0, tzinfo=dt.UTC)
    with world.session(world.qa) as db:
        db.add(Report(la_code=LA, id="r1", inspection_id=world.inspection_id,
                      kind="inspection-report", state="final_sent", created_at=sent,
                      updated_at=sent, version=1))  # fmt: skip
        db.flush()
        db.add(ReportEvent(la_code=LA, id="e1", report_id="r1", move="send_final",
                           from_state="factual_accuracy", to_state="final_sent",
                           at=sent))  # fmt: skip
        db.flush()
        plan = plans.create_plan(db, LA, world.inspection_id, None, world.actor(world.qa))
        assert (plan.report_received_on, plan.due_date) == (D(2026, 12, 18), D(2027, 4, 2))


def test_the_action_planning_visit_on_the_record_sets_the_visit_date(world: World) -> None:
    # paras 116-123: the visit Grip records (an inspection of that type) gives the plan's date;
    # the agenda follows it (para 121: five working days before, across Easter).
    pid = _plan(world, inadequate=True)
    apv = add_inspection(world.engine, world.qa, "action-planning-visit", D(2027, 4, 1))
    with world.session(world.qa) as db:
        plan = plans.get_plan(db, LA, pid)
        plans.add_visit(db, plan, apv, world.actor(world.qa))
        assert plan.visit_on == D(2027, 4, 1)
        got = {d.paragraph: (d.on, d.agreed) for d in plans.deadlines(plan)}
        assert got["116"] == (D(2027, 4, 1), True)
        assert got["121"] == (D(2027, 3, 23), True)


def test_an_action_planning_visit_needs_an_inadequate_plan(world: World) -> None:
    pid = _plan(world)
    apv = add_inspection(world.engine, world.qa, "action-planning-visit", D(2027, 2, 3))
    with world.session(world.qa) as db, pytest.raises(plans.Invalid, match="para 112"):
        plans.add_visit(db, plans.get_plan(db, LA, pid), apv, world.actor(world.qa))
