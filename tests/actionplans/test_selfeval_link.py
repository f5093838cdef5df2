"""The self-evaluation's action panel holds the action plans' open actions beside the audits'
(ILACS framework (Ofsted 170040) para 38: weaknesses beside credible plans) and shows the plan
updated after a focused visit (para 220)."""

from __future__ import annotations

import datetime as dt

import pytest

from grip.access import clock
from grip.actionplans import actions as acts
from grip.actionplans import plans
from grip.selfeval import evidence, service
from grip.selfeval.models import SelfEvaluation

from .conftest import LA, World, add_inspection

D = dt.date


def _plan_with_action(w: World) -> tuple[str, str]:
    with w.session(w.qa) as db:
        plan = plans.create_plan(db, LA, w.inspection_id, D(2026, 12, 18), w.actor(w.qa))
        finding = acts.areas(db, plan, w.actor(w.qa))[0].finding.id
        action = acts.add_action(
            db,
            plan,
            w.actor(w.qa),
            finding_id=finding,
            description="Weekly oversight checks",
            owner_user_id=w.hos.id,
            due_date=D(2027, 3, 1),
        )
        return plan.id, action.id


def test_panel_holds_plan_actions_and_the_updated_plan(world: World) -> None:
    pid, aid = _plan_with_action(world)
    fv = add_inspection(world.engine, world.qa, "focused-visit", D(2027, 6, 8))
    with world.session(world.qa) as db:
        plans.add_visit(db, plans.get_plan(db, LA, pid), fv, world.actor(world.qa))
        panel = evidence.action_panel(db, LA, D(2027, 3, 2))
    [row] = panel["open"]
    assert (row["id"], row["source"], row["owner"]) == (aid, "plan", "Head of service")
    assert panel["overdue"] == [aid]  # due 1 March 2027, open on 2 March
    assert (panel["total"], panel["done"]) == (1, 0)
    assert panel["plan"]["id"] == pid and panel["plan"]["due_text"] == "2 April 2027"
    assert panel["plan"]["updated_after"] == [{"title": f"focused-visit {D(2027, 6, 8)}",
                                               "on": "8 June 2027"}]  # fmt: skip


def test_a_weakness_links_to_a_plan_action(world: World) -> None:
    _, aid = _plan_with_action(world)
    dcs = world.actor(world.qa)
    with world.session(world.qa) as db:
        se = SelfEvaluation(la_code=LA, id="se1", year=2027, version=1, evidence_on=D(2027, 3, 1),
                            panels="{}", updated_at=clock.now())  # fmt: skip
        db.add(se)
        db.flush()
        edit = service.Edit({}, {}, [{"text": "Oversight is weak", "action_id": aid}], [])
        service.save(db, se, dcs, 1, edit)
        bad = service.Edit({}, {}, [{"text": "Oversight is weak", "action_id": "nope"}], [])
        with pytest.raises(service.SelfEvalError, match="neither an audit's improvement action"):
            service.save(db, se, dcs, se.version, bad)


def test_another_las_plan_action_cannot_be_linked(world: World) -> None:
    _, aid = _plan_with_action(world)
    with world.session(world.other_la_user, "LA2") as db:
        assert not evidence.action_exists(db, "LA2", aid)
        assert evidence.open_actions(db, "LA2") == []


def test_overdue_plan_actions_count_wherever_overdue_actions_are_counted(world: World) -> None:
    """An open plan action is overdue from the day after its due date: the one function the
    home page, the readiness page and the panel count with the audits' overdue actions."""
    _, aid = _plan_with_action(world)
    with world.session(world.qa) as db:
        assert [a.id for a in acts.overdue_actions(db, LA, D(2027, 3, 1))] == []
        assert [a.id for a in acts.overdue_actions(db, LA, D(2027, 3, 2))] == [aid]
