"""The Annex A builder's fast read: the driver's own cursor instead of SQLAlchemy Core.

Grip's one speed trick for reading case tables, kept here on its own. ``bench/bench_annex_a.py``
shows why it is worth having: on a 60,000-child LA the read is the largest single cost of the
build after writing the workbook, and the driver read takes about 1.0 s CPU where Core takes
1.44 s (docs/annex-a.md). ``tests/annex_a/test_read.py`` holds it to the Core read
(:func:`grip.annex_a.builder.read_tables_core`): same rows, values and Python types, on both
databases.

SQLite: a read-only connection of our own in one read transaction (one snapshot of every table
even while an import writes, WAL), with the driver turning dates and booleans into Python values
through converters named for Grip alone. PostgreSQL: psycopg's cursor on the engine's
connection, which already returns dates and booleans, inside a transaction begun through
SQLAlchemy so the engine's ``begin`` hooks (the LA setting row-level security checks) apply.
"""

from __future__ import annotations

import logging
import sqlite3
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine

from grip.casedata.models import CASE_TABLES

Tables = dict[str, list[tuple[Any, ...]]]
Needed = Mapping[str, tuple[str, ...]]

log = logging.getLogger(__name__)

# The converter names are Grip's own and only ever appear in the column aliases below, so no
# other sqlite3 user in the process sees a change. They are registered on first use, not at
# import. Dates repeat thousands of times, so each distinct one is parsed once and the object
# shared (at most one entry per calendar day in any LA's data: a few tens of thousands).
_SQLITE_DATE = "grip_annex_a_date"
_SQLITE_BOOL = "grip_annex_a_bool"
_DATE_TEXT: dict[bytes, date] = {}


def _sqlite_date(raw: bytes) -> date:
    d = _DATE_TEXT.get(raw)
    if d is None:
        d = _DATE_TEXT[raw] = date.fromisoformat(raw.decode("ascii"))
    return d


def _sqlite_bool(raw: bytes) -> bool:
    return raw != b"0"


def _register_converters() -> None:
    if sqlite3.converters.get(_SQLITE_DATE.upper()) is not _sqlite_date:
        sqlite3.register_converter(_SQLITE_DATE, _sqlite_date)
        sqlite3.register_converter(_SQLITE_BOOL, _sqlite_bool)


def select_sql(table: str, columns: Iterable[str], placeholder: str, sqlite: bool) -> str:
    """The plain SELECT of ``columns`` for one LA (names are the case model's, never input)."""
    t = CASE_TABLES[table]
    parts = []
    for c in columns:
        kind = t.c[c].type
        if sqlite and isinstance(kind, sa.Date):
            parts.append(f'{c} AS "{c} [{_SQLITE_DATE}]"')
        elif sqlite and isinstance(kind, sa.Boolean):
            parts.append(f'{c} AS "{c} [{_SQLITE_BOOL}]"')
        else:
            parts.append(c)
    # Table and column names are the case model's own (CASE_TABLES), never input; the LA code
    # is a bound parameter.
    return f"SELECT {', '.join(parts)} FROM {t.name} WHERE la_code = {placeholder}"  # noqa: S608


def read_sqlite_file(path: str, la_code: str, needed: Needed) -> Tables:
    """Read ``needed`` for one LA from a SQLite file on a read-only connection of our own."""
    # Converters need detect_types, which is fixed when a connection opens (the engine's
    # pooled connections have it off).
    _register_converters()
    uri = f"file:{urllib.parse.quote(path)}?mode=ro"
    # The same 30 s busy timeout the engine's connections use (grip.store.db).
    con = sqlite3.connect(uri, uri=True, detect_types=sqlite3.PARSE_COLNAMES, timeout=30)
    try:
        con.execute("BEGIN")
        return {
            t: con.execute(select_sql(t, cols, "?", sqlite=True), (la_code,)).fetchall()
            for t, cols in needed.items()
        }
    finally:
        con.close()


def read_psycopg(conn: sa.Connection, la_code: str, needed: Needed) -> Tables:
    """Read ``needed`` for one LA through psycopg's own cursor on ``conn``'s transaction."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        out: Tables = {}
        for t, cols in needed.items():
            cur.execute(select_sql(t, cols, "%s", sqlite=False), (la_code,))
            # psycopg's default rows are plain tuples: no copy needed.
            out[t] = cast("list[tuple[Any, ...]]", cur.fetchall())
        return out
    finally:
        cur.close()


def read(engine: Engine, la_code: str, needed: Needed) -> Tables | None:
    """The tables through the driver, or None where only the Core read applies.

    None for any other database or an in-memory SQLite, and when the driver read fails (for
    example a WAL database in a folder the process may not write its ``-shm`` file to, or a
    store with no case tables): the Core read then either works or raises the error the builder
    explains. The failure is logged by its kind only, never its parameters.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        assert url.database is not None
        try:
            return read_sqlite_file(url.database, la_code, needed)
        except sqlite3.Error as exc:
            log.info("Annex A fast read not used (%s); read through Core", type(exc).__name__)
            return None
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        with engine.connect() as conn:
            try:
                with conn.begin():
                    return read_psycopg(conn, la_code, needed)
            except engine.dialect.loaded_dbapi.Error as exc:
                log.info("Annex A fast read not used (%s); read through Core", type(exc).__name__)
    return None
