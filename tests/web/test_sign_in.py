"""Sign-in, sessions, timeouts and revocation over HTTP, with a frozen clock."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from accounts import PASSWORD, make_user, page_csrf, sign_in
from grip.access import clock, totp, users
from grip.access.models import AuditEvent, WebSession
from grip.settings import Settings
from grip.store.db import transaction
from grip.web.app import create_app

T0 = dt.datetime(2026, 11, 23, 9, 0, 5, tzinfo=dt.UTC)
COOKIE = "grip_session"


def _normalise(html: str) -> str:
    # Nonces and CSRF tokens are random per response; everything else must match.
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


def _signed_out(client: Any) -> bool:
    r = client.get("/account", headers={"accept": "text/html"}, follow_redirects=False)
    return bool(r.status_code == 303 and r.headers["location"] == "/sign-in")


def _try(client: Any, username: str, password: str) -> Any:
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": page_csrf(page.text)},
        follow_redirects=False,
    )


def test_full_sign_in_and_new_token_at_each_step(client: Any, engine: Engine) -> None:
    clock.freeze(T0)
    user = make_user(engine, "qa_lead")
    assert _signed_out(client)
    r = _try(client, user.username, PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in/code"
    first = client.cookies.get(COOKIE)
    # Half signed in: no page beyond the code page.
    assert _signed_out(client)
    page = client.get("/sign-in/code")
    r = client.post(
        "/sign-in/code",
        data={"code": totp.code_at(user.totp_secret, T0), "csrf_token": page_csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    second = client.cookies.get(COOKIE)
    assert first and second and first != second and len(second) >= 22  # ≥128 bits, url-safe
    assert client.get("/account").status_code == 200
    with transaction(engine) as db:
        actions = db.scalars(select(AuditEvent.action)).all()
        # Only hashes are stored server-side.
        assert db.scalar(select(func.count()).select_from(WebSession)) == 1
        assert db.scalar(select(WebSession.token_hash)) != second
    assert "signin.success" in actions


def test_totp_code_reuse_refused(client: Any, engine: Engine) -> None:
    clock.freeze(T0)
    user = make_user(engine, "auditor")
    code = totp.code_at(user.totp_secret, T0)
    for attempt in range(2):
        client.cookies.clear()
        assert _try(client, user.username, PASSWORD).status_code == 303
        page = client.get("/sign-in/code")
        r = client.post(
            "/sign-in/code",
            data={"code": code, "csrf_token": page_csrf(page.text)},
            follow_redirects=False,
        )
        if attempt == 0:
            assert r.status_code == 303
        else:
            assert r.status_code == 400 and "Enter the current code" in r.text


def test_unknown_and_known_usernames_get_identical_answers(client: Any, engine: Engine) -> None:
    user = make_user(engine, "social_worker")
    known = _try(client, user.username, "the wrong password entirely")
    unknown = _try(client, "nobody-by-this-name", "the wrong password entirely")
    assert known.status_code == unknown.status_code == 400
    # The username typed is put back (GOV.UK: keep what was typed); all else is the same.
    same = _normalise(known.text).replace(user.username, "NAME")
    assert same == _normalise(unknown.text).replace("nobody-by-this-name", "NAME")
    assert "Enter a correct username and password" in known.text
    assert 'href="#username"' in known.text and 'value="' + user.username + '"' in known.text
    assert "the wrong password entirely" not in known.text + unknown.text


def test_sign_in_says_which_field_is_blank_and_never_echoes_a_password(client: Any) -> None:
    page = client.get("/sign-in")
    r = client.post(
        "/sign-in",
        data={"username": "", "password": "a secret typed", "csrf_token": page_csrf(page.text)},
    )
    assert r.status_code == 400 and "Enter username" in r.text and 'href="#username"' in r.text
    assert "a secret typed" not in r.text


def test_throttling_locks_known_and_unknown_alike(client: Any, engine: Engine) -> None:
    clock.freeze(T0)
    user = make_user(engine, "team_manager")
    for _ in range(5):
        _try(client, user.username, "wrong wrong wrong wrong")
        _try(client, "ghost-user", "wrong wrong wrong wrong")
    # Locked: even the right password is refused, with the same answer as for an unknown name.
    right = _try(client, user.username, PASSWORD)
    ghost = _try(client, "ghost-user", "wrong wrong wrong wrong")
    assert right.status_code == ghost.status_code == 400
    assert "Too many failed attempts" in right.text
    same = _normalise(right.text).replace(user.username, "NAME")
    assert same == _normalise(ghost.text).replace("ghost-user", "NAME")
    # After the lock has passed, the right password works again.
    clock.freeze(T0 + dt.timedelta(minutes=20))
    assert _try(client, user.username, PASSWORD).status_code == 303


def test_idle_and_absolute_timeouts(client: Any, engine: Engine, settings: Settings) -> None:
    assert settings.session_idle_minutes == 30 and settings.session_absolute_hours == 12
    clock.freeze(T0)
    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    # Active every 29 minutes: survives idle limit, until 12 hours after sign-in.
    t = T0
    while t + dt.timedelta(minutes=29) < T0 + dt.timedelta(hours=12):
        t += dt.timedelta(minutes=29)
        clock.freeze(t)
        assert client.get("/account").status_code == 200, t
    clock.freeze(T0 + dt.timedelta(hours=12, minutes=1))
    assert _signed_out(client)
    # Idle: 31 minutes without a request ends a fresh session.
    clock.freeze(T0 + dt.timedelta(days=1))
    sign_in(client, engine, user)
    clock.freeze(T0 + dt.timedelta(days=1, minutes=31))
    assert _signed_out(client)
    r = client.get("/account", headers={"accept": "application/json"})
    assert r.status_code == 401


def test_the_idle_timer_is_written_at_most_once_a_minute(client: Any, engine: Engine) -> None:
    """Not every page is a database write (on SQLite, one writer at a time)."""
    from grip.access.sessions import TOUCH_EVERY

    clock.freeze(T0)
    sign_in(client, engine, make_user(engine, "qa_lead"))

    def seen() -> dt.datetime:
        with transaction(engine) as db:
            return clock.as_utc(db.scalars(select(WebSession.last_seen_at)).one())

    clock.freeze(T0 + TOUCH_EVERY - dt.timedelta(seconds=1))
    assert client.get("/account").status_code == 200
    assert seen() == T0
    clock.freeze(T0 + TOUCH_EVERY)
    assert client.get("/account").status_code == 200
    assert seen() == T0 + TOUCH_EVERY


def test_sign_out_ends_session_on_server(client: Any, engine: Engine) -> None:
    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    token = client.cookies.get(COOKIE)
    r = client.post("/sign-out", data={"csrf_token": user.csrf_token}, follow_redirects=False)
    assert r.status_code == 303
    # Replaying the old cookie does not work: the session is gone on the server.
    client.cookies.set(COOKIE, token)
    assert _signed_out(client)
    with transaction(engine) as db:
        assert db.scalar(select(func.count()).select_from(WebSession)) == 0


def test_disable_and_revoke_take_effect_on_next_request(client: Any, engine: Engine) -> None:
    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    assert client.get("/account").status_code == 200
    with transaction(engine) as db:
        row = users.get_user(db, user.username)
        assert row is not None
        users.revoke_role(db, row, "LA1")
    assert _signed_out(client)

    other = sign_in(client, engine, make_user(engine, "auditor"))
    with transaction(engine) as db:
        row = users.get_user(db, other.username)
        assert row is not None
        users.set_active(db, row, False)
        assert (
            db.scalar(
                select(func.count()).select_from(WebSession).where(WebSession.user_id == row.id)
            )
            == 0
        )
    assert _signed_out(client)


def test_role_revoked_directly_in_db_still_ends_session(client: Any, engine: Engine) -> None:
    """Even without the helper ending sessions, the next request re-checks the membership."""
    from grip.access.models import Membership

    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    with transaction(engine) as db:
        db.delete(db.get(Membership, (user.id, "LA1")))
    assert _signed_out(client)


def test_inspector_expiry_ends_access(client: Any, engine: Engine) -> None:
    clock.freeze(T0)
    sign_in(client, engine, make_user(engine, "inspector"))
    assert client.get("/account").status_code == 200
    clock.freeze(T0 + dt.timedelta(days=31))
    assert _signed_out(client)


def test_secure_cookie_flags(settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    secure = Settings(**{**settings.model_dump(), "secure_cookies": True})
    user = make_user(engine, "qa_lead")
    with TestClient(create_app(secure), base_url="https://127.0.0.1") as c:
        page = c.get("/sign-in")
        pre = page.headers["set-cookie"]
        assert pre.startswith("__Host-grip_csrf=") and "Secure" in pre and "HttpOnly" in pre
        r = c.post(
            "/sign-in",
            data={
                "username": user.username,
                "password": PASSWORD,
                "csrf_token": page_csrf(page.text),
            },
            follow_redirects=False,
        )
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-grip_session=")
        for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
            assert flag.lower() in cookie.lower()
        assert "domain" not in cookie.lower()
        assert "max-age=63072000" in r.headers["strict-transport-security"]


def test_one_time_password_must_be_changed(client: Any, engine: Engine) -> None:
    from accounts import TestUser, ensure_la

    ensure_la(engine, "LA1")
    with transaction(engine) as db:
        creds = users.create_user(
            db, "new-starter", "New Starter", la_code="LA1", role="social_worker"
        )
        uid = users.get_user(db, "new-starter").id  # type: ignore[union-attr]
    user = TestUser(uid, creds.username, creds.password, creds.totp_secret, "LA1", "social_worker")
    sign_in(client, engine, user)
    r = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/password"
    page = client.get("/account/password")
    bad = client.post(
        "/account/password",
        data={
            "current": creds.password,
            "new": "passwordpassword",
            "confirm": "passwordpassword",
            "csrf_token": page_csrf(page.text),
        },
    )
    assert bad.status_code == 400 and "too common" in bad.text
    good = client.post(
        "/account/password",
        data={
            "current": creds.password,
            "new": "plum orchard by the canal",
            "confirm": "plum orchard by the canal",
            "csrf_token": page_csrf(page.text),
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert client.get("/account").status_code == 200


def test_throttling_per_client_address(client: Any, engine: Engine) -> None:
    """Spraying many usernames from one address locks the address (50 failures)."""
    from grip.access import throttle

    clock.freeze(T0)
    user = make_user(engine, "qa_lead")
    for i in range(throttle.ADDRESS_LIMIT):
        assert "Enter a correct" in _try(client, f"sprayed-{i}", "some wrong password").text
    r = _try(client, user.username, PASSWORD)
    assert r.status_code == 400 and "Too many failed attempts" in r.text
    assert PASSWORD not in r.text


def test_public_paths_all_exist(app: Any) -> None:
    from grip.web.app import iter_routes
    from grip.web.security import PUBLIC_PATHS

    paths = {getattr(r, "path", None) for r in iter_routes(app)}
    assert paths >= PUBLIC_PATHS


def test_the_password_change_form_is_throttled_like_sign_in(client: Any, engine: Engine) -> None:
    """Penetration test, December 2026: the change-password form checked the current password
    without limit, so anyone at an unattended session could guess it there."""
    clock.freeze(T0)
    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    new = "a brand new passphrase for grip"

    def change(current: str) -> Any:
        return client.post(
            "/account/password",
            data={
                "csrf_token": user.csrf_token,
                "current": current,
                "new": new,
                "confirm": new,
            },
            follow_redirects=False,
        )

    for _ in range(5):
        assert "Your current password is wrong" in change("wrong wrong wrong wrong").text
    # Locked: even the right password is refused, and sign-in is locked for the name too.
    r = change(PASSWORD)
    assert r.status_code == 400 and "Too many failed attempts" in r.text
    other = TestClient(client.app, base_url="http://127.0.0.1")
    assert "Too many failed attempts" in _try(other, user.username, PASSWORD).text
    # After the lock has passed, the right password changes it.
    clock.freeze(T0 + dt.timedelta(minutes=20))
    assert change(PASSWORD).status_code == 303
