"""Improvement plan actions and immediate safety concerns (Southwark QA framework 2015, appendix 1
§2e, §2g, §2h, §4 Improvement Plan)."""

from __future__ import annotations

import datetime as dt

import pytest

from grip.audits import actions as ac
from grip.audits import lifecycle as lc

from .conftest import LA, NOW, World


def _started(w: World) -> str:
    with w.session() as db, db.begin():
        a = lc.allocate(
            db,
            la_code=LA,
            person_id="P1",
            auditor_id=w["auditor"].user_id,
            actor=w["qa_lead"],
            month="2026-10",
            team_id="T1",
        )
        lc.transition(db, a, "start", w["auditor"], a.version)
        return a.id


def test_action_done_needs_evidence_and_overdue_list(world: World) -> None:
    aid = _started(world)
    with world.session(world["auditor"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        late = ac.add_action(
            db,
            a,
            world["auditor"],
            description="Update the chronology",
            owner="Allocated social worker",
            due_date=dt.date(2026, 10, 1),
        )
        ac.add_action(
            db,
            a,
            world["auditor"],
            description="Hold a core group",
            owner="Team manager",
            due_date=dt.date(2026, 11, 1),
        )
        with pytest.raises(lc.InvalidInput, match="describe the action"):
            ac.add_action(
                db, a, world["auditor"], description=" ", owner="x", due_date=dt.date(2026, 11, 1)
            )
        with pytest.raises(lc.InvalidInput, match="100 characters or fewer – you entered 101"):
            ac.add_action(  # never cut short without saying
                db, a, world["auditor"], description="Visit", owner="x" * 101,
                due_date=dt.date(2026, 11, 1),
            )  # fmt: skip
        assert [x.id for x in ac.overdue_actions(db, LA, NOW.date())] == [late.id]
        with pytest.raises(lc.InvalidInput, match="evidence"):
            ac.update_action(db, late, world["auditor"], late.version, status="done")
        with pytest.raises(lc.InvalidInput, match="not one of"):
            ac.update_action(db, late, world["auditor"], late.version, status="finished")
        ac.update_action(
            db,
            late,
            world["auditor"],
            late.version,
            status="done",
            evidence="Chronology updated 4 Oct",
        )
        assert late.completed_on == NOW.date()
        assert ac.overdue_actions(db, LA, NOW.date()) == []
        with pytest.raises(lc.StaleVersion):
            ac.update_action(db, late, world["auditor"], 1, status="in_progress")
    with world.session(world["social_worker"]) as db, pytest.raises(lc.NotAllowed):
        ac.add_action(
            db,
            lc.get_audit(db, LA, aid),
            world["social_worker"],
            description="x",
            owner="y",
            due_date=dt.date(2026, 11, 1),
        )


def test_safety_concern_always_tells_the_director_and_stays_open(world: World) -> None:
    aid = _started(world)
    told_at = dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.UTC)
    with world.session(world["auditor"]) as db, db.begin():
        a = lc.get_audit(db, LA, aid)
        c = ac.raise_safety_concern(
            db,
            a,
            world["auditor"],
            concern="Child disclosed a new injury; no strategy discussion",
            director_told_at=told_at,
            others=[ac.Told("Team manager", told_at, "in_person")],
        )
        told = ac.notifications_of(db, c)
        assert [(n.told, n.is_director) for n in told] == [
            ("Director of Children's Social Care", True),
            ("Team manager", False),
        ]
        assert told[0].told_at.replace(tzinfo=dt.UTC) == told_at
        assert [x.id for x in ac.open_safety_concerns(db, LA)] == [c.id]
        with pytest.raises(lc.InvalidInput, match="future"):
            ac.raise_safety_concern(
                db, a, world["auditor"], concern="x", director_told_at=NOW + dt.timedelta(hours=2)
            )
        # Only a manager closes it, and only with what was done.
        for role in ("auditor", "social_worker", "performance_analyst"):
            with pytest.raises(lc.NotAllowed):
                ac.close_safety_concern(db, c, world[role], "done")
        with pytest.raises(lc.InvalidInput, match="what was done"):
            ac.close_safety_concern(db, c, world["team_manager"], "  ")
        ac.close_safety_concern(
            db, c, world["team_manager"], "Strategy discussion held same day; child seen and safe"
        )
        assert ac.open_safety_concerns(db, LA) == []
        with pytest.raises(lc.InvalidTransition, match="already closed"):
            ac.close_safety_concern(db, c, world["head_of_service"], "again")
