# ruff: noqa: S608 - SQL is assembled from constants in code and the format file;
# the only outside value (the LA code) is passed as a parameter or quoted by the driver.
"""Copy one LA's case tables from the store into an in-memory DuckDB database.

DuckDB's SQLite and PostgreSQL scanners are extensions it downloads at run time, which a
locked-down LA server cannot do (only ``parquet``, ``json`` and ``icu`` are bundled), so the
tables travel as delimited text that DuckDB parses in parallel with declared column types:

* **SQLite** builds each table's text itself, in C: one ``group_concat`` of the needed columns
  joined by the unit separator (U+001F), so Python never touches a row. Measured on the
  60,000-child LA: 1.5 s for 1.09 million rows, against 2.0 s merely to ``fetchall`` the same
  columns into Python tuples and 3.2 s through the ``csv`` module (see
  docs/measures-engine-decision.md).
* **PostgreSQL** streams ``COPY (SELECT …) TO STDOUT`` in CSV: no Python object per row.

Only the columns the engine reads are copied (:data:`COLUMNS`): names, UPNs and postcodes never
leave the store (minimum data: measures need dates and codes, not who the child is).
Booleans travel as 0/1 so both databases give the same text.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine

from grip.casedata.facts import INVOLVEMENT_COLUMNS, LEGAL_STATUS_COLUMNS
from grip.casedata.format import Table, load_format

#: The columns the engine reads, per case table (``tests/measures`` checks every one exists in
#: the extract format and that the engine needs no other).
COLUMNS: dict[str, tuple[str, ...]] = {
    "ssd_department": (
        "dept_team_id",
        "dept_team_name",
    ),
    "ssd_professionals": (
        "prof_professional_id",
        "prof_professional_name",
        "prof_professional_team_id",
    ),
    "ssd_person": (
        "pers_person_id",
        "pers_sex",
        "pers_ethnicity",
        "pers_dob",
        "pers_is_uasc",
    ),
    "ssd_disability": (
        "disa_person_id",
        "disa_disability_code",
    ),
    "ssd_contacts": (
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "cont_contact_outcome",
    ),
    "ssd_cin_episodes": (
        "cine_referral_id",
        "cine_person_id",
        "cine_contact_id",
        "cine_referral_date",
        "cine_referral_nfa",
        "cine_close_date",
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id",
        "cina_person_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_child_seen",
        "cina_assessment_auth_date",
        "cina_assessment_outcome",
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        "s47e_person_id",
        "s47e_referral_id",
        "s47e_strategy_discussion_date",
        "s47e_s47_start_date",
        "s47e_s47_icpc_required",
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id",
        "icpc_person_id",
        "icpc_s47_enquiry_id",
        "icpc_icpc_transfer_in",
        "icpc_icpc_date",
        "icpc_icpc_outcome_cp_flag",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_icpc_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_first_core_group_date",
    ),
    "ssd_cp_reviews": (
        "cppr_person_id",
        "cppr_cp_plan_id",
        "cppr_cp_review_date",
    ),
    "ssd_cp_visits": (
        "cppv_cp_visit_id",
        "cppv_person_id",
        "cppv_cp_plan_id",
        "cppv_cp_visit_date",
        "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone",
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
    ),
    "grip_cin_reviews": (
        "cinr_person_id",
        "cinr_cin_plan_id",
        "cinr_cin_review_date",
    ),
    "ssd_cin_visits": (
        "cinv_person_id",
        "cinv_cin_plan_id",
        "cinv_cin_visit_date",
        "cinv_cin_visit_seen",
    ),
    "ssd_pre_proceedings": (
        "prep_person_id",
        "prep_pre_pro_decision_date",
        "prep_pre_pro_outcome",
        "prep_outcome_date",
    ),
    "ssd_cla_episodes": (
        "clae_person_id",
        "clae_cla_id",
        "clae_entered_care_date",
        "clae_cla_episode_ceased_date",
    ),
    "ssd_legal_status": LEGAL_STATUS_COLUMNS,
    "ssd_cla_placement": (
        "clap_cla_placement_id",
        "clap_person_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        "clap_cla_placement_type",
        "clap_cla_placement_la",
        "clap_cla_placement_change_reason",
        "clap_cla_placement_long_term",
    ),
    "ssd_cla_reviews": (
        "clar_person_id",
        "clar_cla_id",
        "clar_cla_review_date",
    ),
    "ssd_cla_visits": (
        "clav_person_id",
        "clav_cla_visit_date",
        "clav_cla_visit_seen",
    ),
    "ssd_cla_health": (
        "clah_person_id",
        "clah_health_check_type",
        "clah_health_check_date",
    ),
    "ssd_missing": (
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
    ),
    "ssd_permanence": (
        "perm_table_id",
        "perm_person_id",
        "perm_cla_id",
        "perm_permanence_plan",
        "perm_placement_order_date",
        "perm_matched_date",
        "perm_placed_for_adoption_date",
        "perm_permanence_order_date",
        "perm_permanence_order_type",
    ),
    "ssd_care_leavers": (
        "clea_table_id",
        "clea_person_id",
        "clea_care_leaver_in_touch",
        "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity",
        "clea_pathway_plan_review_date",
        "clea_care_leaver_personal_advisor_id",
    ),
    "ssd_involvements": INVOLVEMENT_COLUMNS,
    "grip_adopters": (
        "adop_adopter_id",
        "adop_stage1_start_date",
        "adop_stage1_end_date",
        "adop_stage2_start_date",
        "adop_approval_date",
    ),
}

#: The case tables the measures use.
TABLES: tuple[str, ...] = tuple(COLUMNS)

_DUCK_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "code": "VARCHAR",
    "date": "DATE",
    "bool": "INTEGER",
    "int": "BIGINT",
    "decimal": "DOUBLE",
}
_SEP = "\x1f"


def _columns(table: Table) -> list[tuple[str, str]]:
    return [(name, table.columns[name].type) for name in COLUMNS[table.name]]


def _sqlite_text_sql(table: Table, *, scrub_all: bool = False) -> str:
    """One query returning the whole table as text: fields joined by U+001F, rows by newlines.

    Free-text fields have newlines and separators replaced by spaces so a value cannot split a
    row. Codes and dates are validated on import and cannot hold them; ids are only scrubbed
    when the fast pass read the wrong number of rows (``scrub_all``), since scrubbing every
    column doubles the time. NULL becomes the empty field, read back as NULL. The second
    column is the row count, to check the text against.
    """
    parts = []
    for name, ctype in _columns(table):
        if ctype == "text" or (scrub_all and ctype in ("id", "code")):
            expr = f"replace(replace(replace({name}, char(10), ' '), char(13), ' '), char(31), ' ')"
        elif ctype == "bool":
            expr = f"CAST({name} AS INTEGER)"
        else:
            expr = name
        parts.append(f"coalesce({expr}, '')")
    line = " || char(31) || ".join(parts)
    return f"SELECT group_concat({line}, char(10)), count(*) FROM {table.name} WHERE la_code = ?"


def _postgres_sql(table: Table) -> str:
    exprs = [
        f"CAST({name} AS INTEGER)" if ctype == "bool" else name for name, ctype in _columns(table)
    ]
    return f"SELECT {', '.join(exprs)} FROM {table.name} WHERE la_code = {{la}}"


def _dump_sqlite(
    raw: Any, table: Table, la_code: str, path: Path, *, scrub_all: bool = False
) -> int:
    """Write the table's text to ``path``; return its row count."""
    cur = raw.cursor()
    try:
        row = cur.execute(_sqlite_text_sql(table, scrub_all=scrub_all), (la_code,)).fetchone()
    finally:
        cur.close()
    text = row[0] if row and row[0] else ""
    path.write_text(text, encoding="utf-8")
    return int(row[1]) if row else 0


def _dump_postgres(raw: Any, table: Table, la_code: str, path: Path) -> int | None:
    # COPY cannot take bind parameters; the LA code is quoted by psycopg's literal adapter.
    from psycopg import sql as pgsql

    query = pgsql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x1f')").format(
        pgsql.SQL(_postgres_sql(table)).format(la=pgsql.Literal(la_code))
    )
    with raw.cursor() as cur, cur.copy(query) as copy, path.open("wb") as fh:
        for chunk in copy:
            fh.write(chunk)
    return None  # CSV quoting keeps rows whole: nothing to check


def _read(con: duckdb.DuckDBPyConnection, table: Table, path: Path, postgres: bool) -> int:
    """Create ``table`` in DuckDB from the text at ``path``; return its row count (-1: bad text)."""
    name = table.name
    cols = _columns(table)
    if path.stat().st_size == 0:
        defs = ", ".join(f"{n} {_DUCK_TYPES[t]}" for n, t in cols)
        con.execute(f"CREATE TABLE {name} ({defs})")
        return 0
    spec = ", ".join(f"'{n}': '{_DUCK_TYPES[t]}'" for n, t in cols)
    # PostgreSQL's CSV quotes a field holding a quote or newline; SQLite's text has no
    # quoting, so a quote there stays literal.
    quote = "'\"'" if postgres else "''"
    try:
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header=false, "
            f"columns={{{spec}}}, delim='{_SEP}', quote={quote}, escape={quote}, "
            "nullstr='', dateformat='%Y-%m-%d', auto_detect=false)",
            [str(path)],
        )
    except duckdb.Error:
        if postgres:
            raise
        return -1
    row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    return int(row[0]) if row else 0


def load_la(engine: Engine, la_code: str, con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Create every table in :data:`TABLES` in ``con`` holding ``la_code``'s rows; return counts.

    The store's text for the next table is produced while DuckDB parses the previous one (a
    second thread: both sqlite3 and DuckDB release the GIL while they work), so on two cores
    the load costs about the longer of the two, not their sum.
    """
    fmt = load_format()
    counts: dict[str, int] = {}
    expected: dict[str, int | None] = {}
    postgres = engine.dialect.name == "postgresql"
    with (
        tempfile.TemporaryDirectory(prefix="grip-measures-") as tmp,
        engine.connect() as conn,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="grip-measures-load") as pool,
    ):
        # Begin through SQLAlchemy so the engine's begin hooks run (on PostgreSQL, the LA that
        # row-level security checks: grip.store.db.la_engine); the driver reads below share
        # this transaction, which ends (rolled back) when the connection closes.
        conn.begin()
        raw = conn.connection.dbapi_connection
        reader = con.cursor()
        pending: dict[str, Future[int]] = {}
        for name in TABLES:
            table = fmt.tables[name]
            path = Path(tmp) / f"{name}.txt"
            if postgres:
                expected[name] = _dump_postgres(raw, table, la_code, path)
            else:
                expected[name] = _dump_sqlite(raw, table, la_code, path)
            pending[name] = pool.submit(_read, reader, table, path, postgres)
        for name, fut in pending.items():
            counts[name] = fut.result()
        reader.close()
        for name in TABLES:
            if expected[name] is not None and counts[name] != expected[name]:
                # An id held a newline or U+001F and split a row: read it again, scrubbed.
                table = fmt.tables[name]
                path = Path(tmp) / f"{name}.txt"
                con.execute(f"DROP TABLE IF EXISTS {name}")
                _dump_sqlite(raw, table, la_code, path, scrub_all=True)
                counts[name] = _read(con, table, path, postgres)
    return counts
