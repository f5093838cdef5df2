"""The register's pages as the app runs in production: on PostgreSQL a login in the ``grip_app``
role under forced row-level security. The register holds public facts about every LA, outside
LA isolation, so a user of one LA reads every LA's outcomes."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import app_role_settings, make_user, sign_in
from grip.outcomes import record_outcome
from grip.settings import Settings
from grip.web.app import create_app


def test_app_role_reads_every_las_outcomes(settings: Settings, engine: Engine) -> None:
    record_outcome(
        engine, la_code="303", framework="ilacs-2017", fieldwork_start=dt.date(2018, 7, 9),
        fieldwork_end=dt.date(2018, 7, 20), published=dt.date(2018, 8, 20),
        judgements={"overall": "outstanding", "leaders": "outstanding"},
    )  # fmt: skip
    with app_role_settings(settings, engine) as app_settings:
        app = create_app(app_settings)
        try:
            client = TestClient(app, base_url="http://127.0.0.1")
            sign_in(client, engine, make_user(engine, "social_worker", "LA1"))
            html = client.get("/outcomes").text
            assert 'data-la="303"' in html
            assert client.get("/api/outcomes/stats").json()["reports"] == 1
        finally:
            app.state.engine.dispose()
