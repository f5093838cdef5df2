"""The builder's driver-level read gives exactly what a SQLAlchemy Core read gives.

``read_tables`` reads (through ``grip.annex_a.fastread``) SQLite through the bare ``sqlite3`` driver
(its own date and boolean converters) and PostgreSQL through psycopg's cursor, for speed;
``read_tables_core`` is the portable reference. Same tables, same rows, same values *and* Python
types (``True`` and ``1`` compare equal, so types are checked separately), on whichever database the
fixture gives.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from grip.annex_a import fastread
from grip.annex_a.builder import (
    NEEDED_COLUMNS,
    BuildError,
    build,
    read_tables,
    read_tables_core,
)

from .caseset import LA, make_caseset


def _typed(rows: list[tuple[object, ...]]) -> list[tuple[tuple[str, object], ...]]:
    return sorted(
        (tuple((type(v).__name__, v) for v in r) for r in rows),
        key=repr,
    )


def test_driver_read_matches_core_read(engine: Engine) -> None:
    make_caseset(engine)
    fast = read_tables(engine, LA)
    with engine.connect() as conn:
        core = read_tables_core(conn, LA)
    assert set(fast) == set(core) == set(NEEDED_COLUMNS)
    for table in NEEDED_COLUMNS:
        assert _typed(fast[table]) == _typed(core[table]), table
    # The hand-made case set has dates and booleans: the converters really ran.
    people = {r[0]: r for r in fast["ssd_person"]}
    assert all(isinstance(r[3], date) for r in people.values())
    assert fast["ssd_cp_visits"]
    assert {type(r[3]) for r in fast["ssd_cp_visits"]} == {bool}  # cppv_cp_visit_seen


def test_read_is_per_la(engine: Engine) -> None:
    make_caseset(engine)
    tables = read_tables(engine, "ZZZ")
    assert set(tables) == set(NEEDED_COLUMNS)
    assert all(rows == [] for rows in tables.values())


def test_driver_failure_falls_back_to_core(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A driver-level read that fails (say, a read-only folder for a WAL database's -shm file)
    falls back to the Core read, which gives the same tables."""
    make_caseset(engine)
    with engine.connect() as conn:
        core = read_tables_core(conn, LA)
    error = engine.dialect.loaded_dbapi.Error

    def fail(*_args: object) -> None:
        raise error("driver read refused")

    monkeypatch.setattr(fastread, "read_sqlite_file", fail)
    monkeypatch.setattr(fastread, "read_psycopg", fail)
    assert read_tables(engine, LA) == core


def test_build_error_when_case_tables_are_missing(engine: Engine) -> None:
    """No case tables (an unmigrated store): a clear BuildError, not a driver traceback."""
    make_caseset(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE ssd_contacts"))
    with pytest.raises(BuildError, match="case store cannot be read"):
        build(engine, LA, date(2024, 6, 14), "ofsted-2024")


def test_engine_begin_hooks_run_for_a_read_through_the_engine(engine: Engine) -> None:
    """On PostgreSQL the driver read runs inside a transaction begun through SQLAlchemy, so the
    engine's ``begin`` hooks (the LA setting that row-level security checks) apply to it. On
    SQLite the read uses a read-only connection of its own and never begins one on the engine."""
    make_caseset(engine)
    begun: list[object] = []

    def on_begin(conn: object) -> None:
        begun.append(conn)

    sa.event.listen(engine, "begin", on_begin)
    try:
        tables = read_tables(engine, LA)
    finally:
        sa.event.remove(engine, "begin", on_begin)
    assert tables["ssd_person"]
    expected = 1 if engine.dialect.name == "postgresql" else 0
    assert len(begun) == expected


def test_importing_grip_changes_nothing_process_wide() -> None:
    """Importing every module of Grip registers no sqlite3 converter and leaves the cyclic
    garbage collector as it was: the web process shares both with every request."""
    code = (
        "import gc, importlib, pkgutil, sqlite3\n"
        "import grip\n"
        "before = dict(sqlite3.converters)\n"
        "for m in pkgutil.walk_packages(grip.__path__, 'grip.'):\n"
        "    if '.migrations.' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "assert sqlite3.converters == before, sorted(set(sqlite3.converters) - set(before))\n"
        "assert gc.isenabled()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_build_leaves_the_garbage_collector_on(engine: Engine) -> None:
    make_caseset(engine)
    build(engine, LA, date(2024, 6, 14), "ofsted-2024")
    assert gc.isenabled()
