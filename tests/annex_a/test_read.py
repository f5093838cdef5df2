"""The builder's driver-level read gives exactly what a SQLAlchemy Core read gives.

``read_tables`` reads SQLite through the bare ``sqlite3`` driver (its own date and boolean
converters) and PostgreSQL through psycopg's cursor, for speed; ``read_tables_core`` is the
portable reference. Same tables, same rows, same values *and* Python types (``True`` and ``1``
compare equal, so types are checked separately), on whichever database the fixture gives.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from grip.annex_a.builder import NEEDED_COLUMNS, read_tables, read_tables_core

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
