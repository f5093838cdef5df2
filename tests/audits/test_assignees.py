"""People given a job by id (penetration test, December 2026): allocating an auditor, a worker
or a moderator of another LA showed that person's name in this LA and broke the audit, and an
unknown id gave a server error. Every such id must be someone of the LA holding a role fit for
the job; otherwise a 400 shown in place, linked to the field, the choices kept, no name shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from accounts import make_user, sign_in
from grip.access import clock
from grip.access.models import Membership, User
from grip.access.scope import Scope, scoped
from grip.audits import lifecycle as lc
from grip.audits.models import Audit
from grip.audits.sampling import picks_for, sample_month
from grip.store.db import transaction

from .conftest import LA, World, caseload, quick_user
from .helpers import to_submitted
from .test_web import _allocated

MONTH = "2026-10"


def _allocate(world: World, auditor: int, worker: int | None = None) -> Audit:
    with world.session() as db, db.begin():
        return lc.allocate(
            db,
            la_code=LA,
            person_id="C100",
            auditor_id=auditor,
            actor=world["qa_lead"],
            month=MONTH,
            worker_user_id=worker,
        )


@pytest.mark.parametrize(
    "who",
    ["other_la", "unknown", "25_digits", "wrong_role", "disabled", "expired"],
)
def test_an_auditor_who_is_not_fit_for_the_job_is_refused(world: World, who: str) -> None:
    uid = _unfit(world, who)
    with pytest.raises(lc.InvalidInput) as exc:
        _allocate(world, uid)
    assert exc.value.field == "auditor_id"
    assert "choose a person from the list" in str(exc.value)
    assert "Test" not in str(exc.value)  # no display name, of this LA or another
    with world.session() as db:
        assert db.scalar(select(func.count()).select_from(Audit)) == 0


def test_worker_and_moderator_of_another_la_are_refused(world: World) -> None:
    foreign = quick_user(world.engine, "social_worker", "LA2").user_id
    with pytest.raises(lc.InvalidInput) as exc:
        _allocate(world, world["auditor"].user_id, foreign)
    assert exc.value.field == "worker_user_id"
    audit = _allocate(world, world["auditor"].user_id, world["social_worker"].user_id)
    other_auditor = quick_user(world.engine, "auditor", "LA2").user_id
    with world.session() as db, db.begin():
        a = to_submitted(db, lc.get_audit(db, LA, audit.id), world["auditor"])
        with pytest.raises(lc.InvalidInput) as exc:
            lc.appoint_moderator(db, a, world["qa_lead"], other_auditor)
        assert exc.value.field == "moderator_id"
        # A social worker cannot moderate; a second auditor of the LA can.
        with pytest.raises(lc.InvalidInput):
            lc.appoint_moderator(db, a, world["qa_lead"], world["social_worker"].user_id)
        lc.appoint_moderator(db, a, world["qa_lead"], world["auditor2"].user_id)


def _unfit(world: World, who: str) -> int:
    if who == "other_la":
        return quick_user(world.engine, "auditor", "LA2").user_id
    if who == "unknown":
        return 999_999
    if who == "25_digits":
        return int("9" * 25)
    if who == "wrong_role":
        return world["social_worker"].user_id
    uid = quick_user(world.engine, "auditor").user_id
    with transaction(world.engine) as db:
        if who == "disabled":
            user = db.get(User, uid)
            assert user is not None
            user.is_active = False
        else:
            m = db.get(Membership, (uid, LA))
            assert m is not None
            m.expires_at = clock.now() - dt.timedelta(days=1)
    return uid


# --- on the pages ------------------------------------------------------------------------------


def _qa_client(app: Any, engine: Engine) -> tuple[TestClient, Any]:
    c = TestClient(app, base_url="http://127.0.0.1")
    return c, sign_in(c, engine, make_user(engine, "qa_lead", LA))


def _rename(engine: Engine, uid: int) -> str:
    """Give the other LA's user a name no page of this LA could show by chance."""
    with transaction(engine) as db:
        user = db.get(User, uid)
        assert user is not None
        user.display_name = "Ffion Otherborough"
    return "Ffion Otherborough"


def _picks(engine: Engine) -> list[tuple[str, str]]:
    caseload(engine, per_team=3)
    with scoped(engine, Scope(LA)) as db:
        sample_month(db, LA, MONTH, seed=7, store=True)
    with scoped(engine, Scope(LA)) as db:
        return [(p.id, p.person_id) for p in picks_for(db, LA, MONTH)]


@pytest.mark.parametrize("auditor_id", ["foreign", "999999", "9" * 25])
def test_allocating_a_foreign_or_unknown_auditor_is_refused_in_place(
    app: Any, engine: Engine, auditor_id: str
) -> None:
    picks = _picks(engine)
    c, qa = _qa_client(app, engine)
    foreign = make_user(engine, "auditor", "LA2")
    foreign_name = _rename(engine, foreign.id)
    value = str(foreign.id) if auditor_id == "foreign" else auditor_id
    pick_id = picks[1][0]
    r = c.post(
        "/audits/allocate",
        data={
            "csrf_token": qa.csrf_token,
            "month": MONTH,
            "pick_ids": pick_id,
            "auditor_id": value,
            "theme": "Neglect deep dive",
            "due_date": "2026-11-20",
        },
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert foreign_name not in r.text
    # The GOV.UK error summary links to the auditor field …
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', r.text, re.S)
    assert summary and 'href="#auditor_id"' in summary.group(1)
    assert "is not someone in this local authority who can be the auditor" in summary.group(1)
    assert 'id="auditor_id-error"' in r.text
    # … and what was typed or ticked is kept.
    assert re.search(r'id="theme" name="theme" type="text" value="Neglect deep dive"', r.text)
    assert f'value="{pick_id}" checked' in r.text
    assert 'name="due_date-day" type="text" value="20"' in r.text
    with scoped(engine, Scope(LA)) as db:
        assert db.scalar(select(func.count()).select_from(Audit)) == 0


def test_appointing_a_foreign_moderator_is_refused_in_place(app: Any, engine: Engine) -> None:
    c, qa = _qa_client(app, engine)
    auditor = make_user(engine, "auditor", LA)
    foreign = make_user(engine, "auditor", "LA2")
    foreign_name = _rename(engine, foreign.id)
    aid = _allocated(engine, auditor)
    with scoped(engine, Scope(LA)) as db:
        to_submitted(db, lc.get_audit(db, LA, aid), lc.As(auditor.id, "auditor"))
    r = c.post(
        f"/audits/{aid}/moderator",
        data={"csrf_token": qa.csrf_token, "moderator_id": str(foreign.id), "kind": "inspector"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert foreign.username not in r.text and foreign_name not in r.text
    assert 'href="#moderator_id"' in r.text and 'id="moderator_id-error"' in r.text
    assert '<option value="inspector" selected>' in r.text
    with scoped(engine, Scope(LA)) as db:
        assert lc.moderation_of(db, lc.get_audit(db, LA, aid)) is None
