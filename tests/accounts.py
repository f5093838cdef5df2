"""Test helpers (for every capability's tests): make a user with a role in an LA and sign in
through the real sign-in pages. Used by the fixtures in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from grip.access import clock, totp, users
from grip.access.models import User
from grip.access.roles import INSPECTOR
from grip.store.base import LocalAuthority
from grip.store.db import transaction

PASSWORD = "a long test passphrase for grip"
_counter = itertools.count(1)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class TestUser:
    """A user made for a test, with what is needed to sign in."""

    __test__ = False  # not a pytest test class

    id: int
    username: str
    password: str
    totp_secret: str
    la_code: str
    role: str
    csrf_token: str = ""


def ensure_la(engine: Engine, code: str, name: str | None = None) -> None:
    """Create the LA ``code`` if it does not exist."""
    with transaction(engine) as db:
        if db.get(LocalAuthority, code) is None:
            db.add(LocalAuthority(code=code, name=name or f"Test authority {code}"))


def make_user(
    engine: Engine,
    role: str,
    la: str = "LA1",
    username: str | None = None,
    extra: dict[str, str] | None = None,
) -> TestUser:
    """Create a user with ``role`` in ``la`` (and roles in ``extra`` LAs)."""
    ensure_la(engine, la)
    name = username or f"{role.replace('_', '-')}-{next(_counter)}"
    expires = clock.now() + dt.timedelta(days=30) if role == INSPECTOR else None
    with transaction(engine) as db:
        creds = users.create_user(
            db, name, f"Test {role}", la_code=la, role=role, password=PASSWORD, expires_at=expires
        )
        user = users.get_user(db, creds.username)
        assert user is not None
        for other_la, other_role in (extra or {}).items():
            ensure_la(engine, other_la)
            exp = clock.now() + dt.timedelta(days=30) if other_role == INSPECTOR else None
            users.grant_role(db, user, other_la, other_role, exp)
        uid = user.id
    return TestUser(uid, creds.username, PASSWORD, creds.totp_secret, la, role)


def page_csrf(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


@contextmanager
def _held_clock() -> Iterator[None]:
    """Hold the clock still while a code is made and checked, so a 30-second step boundary
    between the two cannot fail a sign-in (the server accepts only the current step)."""
    before = clock.frozen_at()
    clock.freeze(clock.now())
    try:
        yield
    finally:
        clock.freeze(before)


def next_code(engine: Engine, user: TestUser) -> str:
    """A TOTP code for ``user`` now. A step already used is forgotten first, so a test can
    sign the same user in twice within 30 seconds (tests of reuse do not use this helper)."""
    with transaction(engine) as db:
        row = db.get(User, user.id)
        assert row is not None
        row.totp_last_step = None
    return totp.code_at(user.totp_secret, clock.now())


def sign_in(client: Any, engine: Engine, user: TestUser) -> TestUser:
    """Sign ``user`` in through the real sign-in pages; sets ``user.csrf_token``."""
    client.headers.pop("X-CSRF-Token", None)
    page = client.get("/sign-in")
    assert page.status_code == 200, page.text
    r = client.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": user.password,
            "csrf_token": page_csrf(page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sign-in/code", r.text
    page = client.get("/sign-in/code")
    with _held_clock():
        r = client.post(
            "/sign-in/code",
            data={"code": next_code(engine, user), "csrf_token": page_csrf(page.text)},
            follow_redirects=False,
        )
    assert r.status_code == 303, r.text
    acct = client.get("/account", headers={"accept": "text/html"})
    if str(acct.url).endswith("/account/password"):
        # A one-time password must be replaced before anything else.
        user.csrf_token = page_csrf(acct.text)
    else:
        if f'<option value="{user.la_code}" selected' not in acct.text and (
            f'id="current-la">{user.la_code}<' not in acct.text
        ):
            switch = client.post(
                "/account/la",
                data={"la_code": user.la_code, "csrf_token": page_csrf(acct.text)},
                follow_redirects=False,
            )
            assert switch.status_code == 303, switch.text
            acct = client.get("/account")
        user.csrf_token = page_csrf(acct.text)
    client.headers["X-CSRF-Token"] = user.csrf_token
    return user


def submit_sign_in(page: Any, base_url: str, engine: Engine, user: TestUser) -> None:
    """Fill in and send the sign-in pages (password, then code) for ``user`` in a browser."""
    page.goto(f"{base_url}/sign-in")
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/sign-in/code")
    with _held_clock():
        page.fill("#code", next_code(engine, user))
        page.click("button[type=submit]")
        page.wait_for_load_state()


def sign_in_browser(page: Any, base_url: str, engine: Engine, user: TestUser) -> TestUser:
    """Sign ``user`` in through a real browser page (Playwright)."""
    submit_sign_in(page, base_url, engine, user)
    if user.la_code:
        page.goto(f"{base_url}/account")
        if page.locator("#current-la").inner_text().strip() != user.la_code:
            page.select_option("#la_code", user.la_code)
            page.click("form[action='/account/la'] button")
            page.wait_for_load_state()
    return user


def filler(column: Any, text: str, n: int = 1) -> Any:
    """A value for ``column`` of a test row: ``text`` in text columns, simple values else."""
    from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric

    t = column.type
    if isinstance(t, Boolean):
        return False
    if isinstance(t, Integer):
        return n
    if isinstance(t, Float | Numeric):
        return float(n)
    if isinstance(t, DateTime):
        return dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    if isinstance(t, Date):
        return dt.date(2025, 6, 1)
    length = getattr(t, "length", None)
    return text[:length] if length else text


def plant_rows(engine: Engine, la_code: str, person_id: str, canary: str) -> dict[str, str]:
    """Put one row in every LA-owned case table for ``person_id`` in ``la_code``, with
    ``canary`` (plus the table name) in every text column. Returns ``{table: canary text}``.

    Columns referring to a user point at a planted user of the LA; tables with other foreign
    keys (between LA-owned tables) are left out, as are the access tables."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from grip.store.base import Base
    from grip.store.models import load_all_models

    load_all_models()
    ensure_la(engine, la_code)
    access_tables = {"case_restriction", "case_access", "inspection_case", "break_glass"}
    planter = f"planted-{la_code.lower()}"
    with transaction(engine) as db:
        existing = users.get_user(db, planter)
    planter_id = existing.id if existing else make_user(engine, "auditor", la_code, planter).id
    planted: dict[str, str] = {}
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if (
                table.name in access_tables
                or "la_code" not in table.c
                or any(
                    fk.column.table.name not in ("local_authority", "app_user")
                    for fk in table.foreign_keys
                )
            ):
                continue
            tag = f"{canary}-{table.name}"
            row: dict[str, Any] = {}
            for col in table.c:
                if col.name == "la_code":
                    row[col.name] = la_code
                elif col.name.endswith("person_id"):
                    row[col.name] = person_id
                elif any(fk.column.table.name == "app_user" for fk in col.foreign_keys):
                    row[col.name] = planter_id
                elif col.primary_key:
                    row[col.name] = filler(col, f"{person_id}-{table.name}"[:48], 1)
                else:
                    row[col.name] = filler(col, tag)
            try:
                with conn.begin_nested():
                    conn.execute(insert(table).values(**row))
            except IntegrityError:
                continue  # a one-row-per-LA table already planted for this LA
            planted[table.name] = tag
    return planted


@contextmanager
def app_role_settings(settings: Any, engine: Engine) -> Iterator[Any]:
    """Settings whose database login is a member of ``grip_app`` on PostgreSQL (row-level
    security applies, the app owns nothing), so tests run the app as production does; on
    SQLite the settings unchanged."""
    if engine.dialect.name != "postgresql":
        yield settings
        return
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from grip.access.rls import APP_ROLE

    login = f"grip_web_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {APP_ROLE}"))
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username=login)
    try:
        yield settings.model_copy(
            update={"database_url": url.render_as_string(hide_password=False)}
        )
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :u"),
                {"u": login},
            )
            conn.execute(text(f"DROP ROLE {login}"))


def add_child_record(engine: Engine, la_code: str, person_id: str) -> None:
    """A synthetic child in ``la_code``'s case records (``ssd_person`` only, no name)."""
    import datetime as dt

    from sqlalchemy import insert

    from grip.casedata.models import CASE_TABLES

    ensure_la(engine, la_code)
    with engine.begin() as conn:
        conn.execute(
            insert(CASE_TABLES["ssd_person"]).values(
                la_code=la_code, pers_person_id=person_id, pers_forename="Synthetic",
                pers_surname=f"Child {person_id}", pers_sex="U", pers_ethnicity="NOBT",
                pers_dob=dt.date(2015, 1, 1), pers_is_uasc=False,
            )
        )  # fmt: skip
