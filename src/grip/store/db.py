"""Engines and sessions: one way to reach the database, for the CLI, the web app and tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets readers (the web app) carry on while an import writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


#: Execution option naming the LA a connection works for (see :func:`la_engine`).
LA_OPTION = "grip_la_code"


def _pg_set_la(conn: Connection) -> None:
    # Row-level security policies on PostgreSQL compare each row's la_code with this
    # transaction-local setting (grip.access.rls); without it the app role sees no rows.
    la_code = conn.get_execution_options().get(LA_OPTION)
    if la_code is not None:
        conn.execute(text("SELECT set_config('grip.la_code', :la, true)"), {"la": la_code})


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with Grip's connection settings for SQLite or PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # hide_parameters: an error's message and log never carry the statement's values (person
    # ids, case text); the penetration test found them in logged tracebacks.
    engine = create_engine(url, **{**kwargs, "hide_parameters": True})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # At "begin": a reader that uses the driver connection directly (COPY) must begin
        # through SQLAlchemy first (conn.begin()) so this runs in its transaction.
        event.listen(engine, "begin", _pg_set_la)
    return engine


def la_engine(engine: Engine, la_code: str) -> Engine:
    """The same engine, working within one LA: every transaction on its connections sets the
    LA that PostgreSQL's row-level security checks. For Core readers (measures, Annex A) that
    open their own connections; they must still filter by ``la_code`` themselves."""
    return engine.execution_options(**{LA_OPTION: la_code})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
