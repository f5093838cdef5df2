"""The action plan pages as production runs them: on PostgreSQL the app's login is a
``grip_app`` member under forced row-level security (on SQLite, the data layer alone). The
plan, its action and what changed (the measures engine reading through ``la_engine``) work for
the LA's own staff; another LA's person sees nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from accounts import app_role_settings, sign_in
from grip.access.scope import system_job
from grip.actionplans import actions as acts
from grip.actionplans import plans
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise
from grip.measures.definitions import load_definitions
from grip.settings import Settings
from grip.web.app import create_app

from .conftest import AREAS, LA, World

D = dt.date


def test_pages_under_row_level_security(settings: Settings, world: World, tmp_path: Path) -> None:
    synthesise(tmp_path / "extract", 120, 3, D(2027, 3, 31), la_code=LA)
    with system_job("test: load a synthetic extract"):
        assert import_extract(world.engine, tmp_path / "extract", LA, skip_invalid=True).ok
    measure = next(m for m in load_definitions().measures if m.headline)
    me = world.actor(world.qa)
    with world.session(world.qa) as db:
        plan = plans.create_plan(db, LA, world.inspection_id, D(2026, 12, 18), me)
        area = acts.areas(db, plan, me)[0].finding.id
        action = acts.add_action(db, plan, me, finding_id=area, description="Weekly checks",
                                 owner_user_id=world.hos.id, due_date=D(2027, 3, 1))  # fmt: skip
        acts.add_impact(db, plan, action, me, "measure", measure.id)
        pid, aid = plan.id, action.id
    with app_role_settings(settings, world.engine) as app_settings:
        app = create_app(app_settings)
        try:
            client: Any = TestClient(app, base_url="http://127.0.0.1")
            sign_in(client, world.engine, world.qa)
            for url in (f"/action-plans/{pid}", f"/action-plans/{pid}/actions/{aid}"):
                page = client.get(url)
                assert page.status_code == 200 and "Weekly checks" in page.text, url
            changed = client.get(f"/action-plans/{pid}/what-changed")
            assert changed.status_code == 200
            assert AREAS[0] in changed.text and measure.name in changed.text
            assert "govuk-warning-text" not in changed.text  # both dates computed
            assert client.get(f"/action-plans/{pid}/plan.docx").status_code == 200
            client.cookies.clear()
            sign_in(client, world.engine, world.other_la_user)
            assert client.get(f"/action-plans/{pid}").status_code == 404
        finally:
            app.state.engine.dispose()
