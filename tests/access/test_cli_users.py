"""``grip users``: the first admin with one-time credentials, then the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from click.testing import CliRunner

from accounts import plant_rows
from grip.access import passwords, users
from grip.access.models import User, WebSession
from grip.cli import main
from grip.settings import Settings
from grip.store.db import make_engine, transaction


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GRIP_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GRIP_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_no_default_accounts_and_first_admin_once(run: Any, settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with transaction(engine) as db:
        assert db.query(User).count() == 0
    out = run(
        "users",
        "create-admin",
        "--username",
        "admin",
        "--la",
        "999",
        "--la-name",
        "Synthetic Borough",
    )
    assert out.exit_code == 0, out.output
    pw = re.search(r"one-time password:\s+(\S+)", out.output).group(1)  # type: ignore[union-attr]
    assert re.search(r"otpauth://totp/Grip:admin\?secret=", out.output)
    with transaction(engine) as db:
        admin = users.get_user(db, "admin")
        assert admin is not None and admin.must_change_password
        assert passwords.verify_password(admin.password_hash, pw)
        assert pw not in admin.password_hash
    again = run("users", "create-admin", "--username", "admin2", "--la", "999")
    assert again.exit_code != 0 and "users already exist" in again.output
    engine.dispose()


def test_manage_users(run: Any, settings: Settings) -> None:
    run("users", "create-admin", "--username", "admin", "--la", "999", "--la-name", "Synth")
    out = run(
        "users",
        "create",
        "jo.worker",
        "--la",
        "999",
        "--role",
        "social_worker",
        "--name",
        "Jo Worker",
    )
    assert out.exit_code == 0 and "one-time password" in out.output
    bad = run("users", "create", "x.y", "--la", "999", "--role", "wizard")
    assert bad.exit_code != 0 and "unknown role 'wizard'" in bad.output
    insp = run("users", "create", "visiting.inspector", "--la", "999", "--role", "inspector")
    assert insp.exit_code != 0 and "expiry" in insp.output
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    insp = run(
        "users",
        "create",
        "visiting.inspector",
        "--la",
        "999",
        "--role",
        "inspector",
        "--expires",
        soon,
    )
    assert insp.exit_code == 0, insp.output
    too_late = run(
        "users",
        "grant",
        "visiting.inspector",
        "--la",
        "999",
        "--role",
        "inspector",
        "--expires",
        "2099-01-31",
    )
    assert too_late.exit_code != 0 and "more than 90 days" in too_late.output
    sample = ("users", "inspection-sample", "visiting.inspector", "--la", "999", "P1", "P2")
    refused = run(*sample)  # no such children yet: only the LA's existing cases are sampled
    assert refused.exit_code != 0 and "not a case in 999 that can be sampled" in refused.output
    engine = make_engine(settings.resolved_database_url)
    try:
        for pid in ("P1", "P2"):
            plant_rows(engine, "999", pid, "cli")
    finally:
        engine.dispose()
    assert run(*sample).exit_code == 0
    assert (
        run("users", "grant", "jo.worker", "--la", "999", "--role", "team_manager").exit_code == 0
    )
    listing = run("users", "list", "--la", "999").output
    assert "jo.worker\t999\tteam_manager\tactive" in listing
    assert f"visiting.inspector\t999\tinspector until {soon}" in listing
    assert run("users", "disable", "jo.worker").exit_code == 0
    assert "jo.worker\t999\tteam_manager\tdisabled" in run("users", "list").output
    reset = run("users", "reset", "jo.worker")
    assert reset.exit_code == 0 and "authenticator secret" in reset.output
    assert run("users", "revoke", "jo.worker", "--la", "999").exit_code == 0
    assert "jo.worker" not in run("users", "list").output
    missing = run("users", "disable", "nobody")
    assert missing.exit_code != 0 and "no user called 'nobody'" in missing.output
    engine = make_engine(settings.resolved_database_url)
    with transaction(engine) as db:
        assert db.query(WebSession).count() == 0
    engine.dispose()


def test_demo_users_one_per_role_can_sign_in(engine: Any, client: Any) -> None:
    from accounts import TestUser, ensure_la, sign_in
    from grip.access.roles import policy

    ensure_la(engine, "DEMO")
    made = users.create_demo_users(engine, "DEMO")
    assert {c.role for c in made} == set(policy().roles) - {"platform_operator"}
    assert len({c.password for c in made}) == len(made)  # random, never shared
    creds = next(c for c in made if c.role == "qa_lead")
    with transaction(engine) as db:
        uid = users.get_user(db, creds.username).id  # type: ignore[union-attr]
    sign_in(
        client,
        engine,
        TestUser(uid, creds.username, creds.password, creds.totp_secret, "DEMO", "qa_lead"),
    )
    assert client.get("/account").status_code == 200
