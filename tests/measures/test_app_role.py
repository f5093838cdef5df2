"""The measures pages read the LA's rows when the app runs as production does: on PostgreSQL a
login in the ``grip_app`` role under forced row-level security. The engine opens
its own Core connections; without the LA set on them the role sees no rows, and the dashboard
would silently show an empty LA."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from accounts import app_role_settings, make_user, sign_in
from grip.settings import Settings
from grip.web.app import create_app

from .builders import CaseBook


def test_measures_dashboard_reads_the_la_as_the_app_role(
    settings: Settings, engine: Engine
) -> None:
    book = CaseBook("LA1")
    for pid in ("C1", "C2"):
        book.child(pid)
        r = book.referral(pid, date(2026, 12, 7))
        # C1 authorised on the 45th working day, C2 a day late (Working Together: 45 days).
        auth = date(2027, 2, 11) if pid == "C1" else date(2027, 2, 12)
        book.assessment(pid, r, date(2026, 12, 8), auth)
    book.save(engine)
    with app_role_settings(settings, engine) as app_settings:
        app = create_app(app_settings)
        try:
            client = TestClient(app, base_url="http://127.0.0.1")
            sign_in(client, engine, make_user(engine, "performance_analyst", "LA1"))
            page = client.get("/measures?date=2027-03-31")
            assert page.status_code == 200, page.text
            assert "50%" in page.text  # AS_45WD: 1 of 2, so the LA's rows were read
        finally:
            app.state.engine.dispose()
