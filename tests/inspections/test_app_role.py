"""Inspector access through the team, as production runs it: on PostgreSQL the app's login is
a ``grip_app`` member under forced row-level security; on SQLite the data layer alone. An
inspector added to the team sees the inspection's cases and only those, and loses access when
the inspection closes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from accounts import app_role_settings, sign_in
from grip.access import clock
from grip.access.models import Membership
from grip.access.scope import Scope, can_see_case, scoped
from grip.audits.lifecycle import As
from grip.inspections import (
    InspectionSampleCase,
    NewInspection,
    add_cases,
    add_member,
    create_inspection,
    get_inspection,
    move,
)
from grip.settings import Settings
from grip.store.db import make_engine
from grip.web.app import create_app

from .conftest import LA, add_children


def test_team_membership_is_the_inspectors_access(
    settings: Settings, engine: Engine, make_user: Any
) -> None:
    # Before fieldwork: access lasts until the report's publication (15 April 2026).
    clock.freeze(dt.datetime(2026, 2, 20, 10, 0, tzinfo=dt.UTC))
    qa = make_user("qa_lead", LA)
    peer = make_user("qa_lead", "LA2")
    add_children(engine, ["P1", "P2", "P3"])
    with scoped(engine, Scope(LA, qa.id, qa.role)) as db:
        spec = NewInspection("standard", "peer", fieldwork_start=dt.date(2026, 3, 2))
        insp = create_inspection(db, LA, spec, As(qa.id, qa.role))
        add_cases(db, insp, [("P1", "Audited"), ("P2", "Audited")], "la-audited",
                  As(qa.id, qa.role))  # fmt: skip
        add_member(db, insp, peer.username, "lead_inspector", As(qa.id, qa.role))
        iid = insp.id
    as_inspector = Scope(LA, peer.id, "inspector")
    with app_role_settings(settings, engine) as app_settings:
        app_engine = make_engine(app_settings.resolved_database_url)
        app = create_app(app_settings)
        try:
            with scoped(app_engine, as_inspector) as db:
                seen = set(db.scalars(select(InspectionSampleCase.person_id)))
                visible = {p: can_see_case(db, as_inspector, p) for p in ("P1", "P2", "P3")}
            assert seen == {"P1", "P2"}
            assert visible == {"P1": True, "P2": True, "P3": False}
            client = TestClient(app, base_url="http://127.0.0.1")
            sign_in(client, engine, dataclasses.replace(peer, la_code=LA, role="inspector"))
            page = client.get(f"/inspections/{iid}")
            assert page.status_code == 200 and "P1" in page.text and "P3" not in page.text
            with scoped(app_engine, as_inspector) as db:
                insp = get_inspection(db, LA, iid)
                for step in ("notify", "arrive", "give_feedback", "draft_report",
                             "send_for_factual_accuracy", "publish", "close"):  # fmt: skip
                    move(db, insp, step, As(peer.id, "inspector"))
            with scoped(app_engine, Scope(LA, qa.id, qa.role)) as db:
                assert db.get(Membership, (peer.id, LA)) is None
                assert not can_see_case(db, as_inspector, "P1")
            after = client.get(f"/inspections/{iid}", follow_redirects=False)
            assert after.status_code in (303, 401, 403), after.status_code
        finally:
            app.state.engine.dispose()
            app_engine.dispose()
