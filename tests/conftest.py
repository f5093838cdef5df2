"""Shared fixtures: every test gets a fresh database built by the real migrations.

The backend comes from ``GRIP_TEST_DATABASE_URL``: unset means SQLite; a PostgreSQL URL
(``postgresql://user@host:port/name``) means each test gets its own database on that server,
cloned from a template that the migrations built once per run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from grip.settings import Settings
from grip.store.db import make_engine
from grip.store.migrate import upgrade

TEST_DB_URL = os.environ.get("GRIP_TEST_DATABASE_URL", "")


def _is_postgres() -> bool:
    return TEST_DB_URL.startswith("postgresql")


def _admin_engine() -> Engine:
    url = make_url(TEST_DB_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    url = make_url(TEST_DB_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """Build one migrated database per test run (per xdist worker); tests clone it."""
    if not _is_postgres():
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    base = make_url(TEST_DB_URL).database or "grip_test"
    name = f"{base}_tpl_{worker_id}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(_template_db: str, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database for this test, built by the real migrations."""
    if not _is_postgres():
        path = tmp_path / "grip.sqlite3"
        shutil.copyfile(_template_db, path)
        yield f"sqlite:///{path}"
        return
    name = f"{_template_db}_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_template_db}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database and data folder, a fixed secret."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        secure_cookies=False,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the test's fresh database."""
    eng = make_engine(settings.resolved_database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """The xdist worker's id, or ``main`` when tests run in one process."""
    workerinput = getattr(request.config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "main"


# --- Web: a real server on loopback and a real browser (Debian's Chromium) -------------------

CHROMIUM = os.environ.get("GRIP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def app(settings: Settings) -> Any:
    """The web app for this test's settings."""
    from grip.web.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """An in-process HTTP client for the app (for API and header tests)."""
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a browser a test tool downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (own context: no cookies shared between tests)."""
    context = browser.new_context()
    p = context.new_page()
    yield p
    context.close()


# --- Access: users and signed-in clients -------------------------------------------
# Every route now needs a signed-in user with a role holding its permission. Use
#   user = signed_in("qa_lead", "LA1")        # signs `client` in; sends the CSRF header
#   user = make_user("auditor", "LA2")         # just creates the user (accounts)
#   browser_sign_in(page, live_server, "qa_lead", "LA1")


@pytest.fixture
def make_user(engine: Engine) -> Any:
    """Create a user: ``make_user(role, la="LA1", username=None, extra={la: role})``."""
    from accounts import make_user as _make

    def make(role: str, la: str = "LA1", **kwargs: Any) -> Any:
        return _make(engine, role, la, **kwargs)

    return make


@pytest.fixture
def signed_in(client: Any, engine: Engine) -> Any:
    """Sign ``client`` in as a new user: ``signed_in(role="qa_lead", la="LA1")``."""
    from accounts import make_user as _make
    from accounts import sign_in

    def do(role: str = "qa_lead", la: str = "LA1", **kwargs: Any) -> Any:
        return sign_in(client, engine, _make(engine, role, la, **kwargs))

    return do


@pytest.fixture
def browser_sign_in(engine: Engine) -> Any:
    """Sign a Playwright page in: ``browser_sign_in(page, live_server, role, la="LA1")``."""
    from accounts import make_user as _make
    from accounts import sign_in_browser

    def do(page: Any, base_url: str, role: str = "qa_lead", la: str = "LA1") -> Any:
        return sign_in_browser(page, base_url, engine, _make(engine, role, la))

    return do


@pytest.fixture(autouse=True)
def _access_clock_reset() -> Iterator[None]:
    """A test that froze the access clock never leaks it into the next test."""
    yield
    from grip.access import clock

    clock.freeze(None)
