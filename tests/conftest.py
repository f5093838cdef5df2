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
