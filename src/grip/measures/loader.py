# ruff: noqa: S608 - SQL is assembled from constants in code and the definitions file;
# the only outside values (LA code, dates) are checked, quoted or passed as parameters.
"""Copy one LA's case tables from the store into an in-memory DuckDB database.

DuckDB's own SQLite and PostgreSQL scanners are extensions it downloads at run time, which a
locked-down LA server cannot do, so the tables travel as CSV: PostgreSQL streams them with
``COPY … TO STDOUT`` (no Python objects per row); SQLite rows go through the ``csv`` module.
Either way DuckDB parses the CSV in parallel with declared column types. Booleans are cast to
integers (0/1) on the way out so both databases give the same text.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine

from grip.casedata.format import Table, load_format

#: The case tables the measures use. Names and free-text identity columns are never copied
#: (minimum data: measures need dates and codes, not who the child is).
TABLES: tuple[str, ...] = (
    "ssd_department",
    "ssd_professionals",
    "ssd_person",
    "ssd_disability",
    "ssd_contacts",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_reviews",
    "ssd_cp_visits",
    "ssd_cin_plans",
    "grip_cin_reviews",
    "ssd_cin_visits",
    "ssd_pre_proceedings",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_cla_reviews",
    "ssd_cla_visits",
    "ssd_cla_health",
    "ssd_missing",
    "ssd_permanence",
    "ssd_care_leavers",
    "ssd_involvements",
    "grip_adopters",
)

_EXCLUDED = frozenset({"pers_forename", "pers_surname", "pers_upn", "pers_postcode"})

_DUCK_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "code": "VARCHAR",
    "date": "DATE",
    "bool": "INTEGER",
    "int": "BIGINT",
    "decimal": "DOUBLE",
}


def _columns(table: Table) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in table.columns.values() if c.name not in _EXCLUDED]


def _select_sql(table: Table, dialect: str) -> str:
    exprs = []
    for name, ctype in _columns(table):
        if ctype == "bool":
            exprs.append(f"CAST({name} AS INTEGER)")
        else:
            exprs.append(name)
    param = "%(la)s" if dialect == "postgresql" else ":la"
    return f"SELECT {', '.join(exprs)} FROM {table.name} WHERE la_code = {param}"


def _dump_sqlite(raw: Any, sql: str, la_code: str, path: Path) -> None:
    cur = raw.cursor()
    try:
        cur.execute(sql, {"la": la_code})
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            while rows := cur.fetchmany(50_000):
                writer.writerows(rows)
    finally:
        cur.close()


def _dump_postgres(raw: Any, sql: str, la_code: str, path: Path) -> None:
    # COPY cannot take bind parameters; the LA code is quoted by psycopg's literal adapter.
    from psycopg import sql as pgsql

    query = pgsql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(
        pgsql.SQL(sql.replace("%(la)s", "{la}")).format(la=pgsql.Literal(la_code))
    )
    with raw.cursor() as cur, cur.copy(query) as copy, path.open("wb") as fh:
        for chunk in copy:
            fh.write(chunk)


def load_la(engine: Engine, la_code: str, con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Create every table in :data:`TABLES` in ``con`` holding ``la_code``'s rows; return counts."""
    fmt = load_format()
    counts: dict[str, int] = {}
    dialect = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="grip-measures-") as tmp, engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for name in TABLES:
            table = fmt.tables[name]
            path = Path(tmp) / f"{name}.csv"
            sql = _select_sql(table, dialect)
            if dialect == "postgresql":
                _dump_postgres(raw, sql, la_code, path)
            else:
                _dump_sqlite(raw, sql, la_code, path)
            cols = _columns(table)
            spec = ", ".join(f"'{n}': '{_DUCK_TYPES[t]}'" for n, t in cols)
            if path.stat().st_size == 0:
                defs = ", ".join(f"{n} {_DUCK_TYPES[t]}" for n, t in cols)
                con.execute(f"CREATE TABLE {name} ({defs})")
            else:
                con.execute(
                    f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header=false, "
                    f"columns={{{spec}}}, quote='\"', escape='\"', nullstr='', "
                    "dateformat='%Y-%m-%d')",
                    [str(path)],
                )
            row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            counts[name] = int(row[0]) if row else 0
    return counts
