"""Annex A built from the web reads the LA's rows when the app runs as production does: on
PostgreSQL a login in the ``grip_app`` role under forced row-level security. The
builder opens its own Core connections; without the LA set on them the role sees no rows and
the lists would come out empty."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import app_role_settings, make_user, sign_in
from grip.annex_a.guard import read_workbook
from grip.settings import Settings
from grip.web.app import create_app

from . import jobs
from .caseset import LA, make_caseset


def test_annex_a_build_reads_the_la_as_the_app_role(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    make_caseset(engine)
    with app_role_settings(settings, engine) as app_settings:
        app = create_app(app_settings)
        try:
            client = TestClient(app, base_url="http://127.0.0.1")
            user = sign_in(client, engine, make_user(engine, "performance_analyst", LA))
            client.headers["X-CSRF-Token"] = user.csrf_token
            built = jobs.build(client)
            assert built.status_code == 200, built.text
            out = tmp_path / "annex.xlsx"
            out.write_bytes(built.content)
            list1 = {s.name: s for s in read_workbook(out)}["List 1"]
            assert len(list1.rows) > 1  # the header and the case set's contacts
        finally:
            app.state.engine.dispose()
