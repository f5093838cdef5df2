"""PostgreSQL row-level security for LA isolation.

:func:`apply_rls` runs at the end of every ``grip db upgrade`` (``grip.store.migrate``), so
tables that later migrations add are covered as soon as they exist. For every LA-owned table
(``grip.store.base.la_owned_tables``) it enables and *forces* row-level security and adds the
policy ``grip_la_isolation``: a row is visible and writable only when its ``la_code`` equals
the transaction's ``grip.la_code`` setting, which ``grip.access.scope`` sets for scoped
sessions. Without the setting nothing is visible.

It also creates the group role ``grip_app`` (NOLOGIN) that the web app's login role is made a
member of (``CREATE ROLE grip_web LOGIN PASSWORD '…' IN ROLE grip_app``): it owns nothing,
may read and write the app's tables, and may only SELECT and INSERT on ``audit_event``.
On SQLite this does nothing (isolation there rests on the data layer alone).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from grip.store.base import la_owned_tables

APP_ROLE = "grip_app"
POLICY = "grip_la_isolation"
APPEND_ONLY_TABLES = ("audit_event",)


def apply_rls(conn: Connection) -> list[str]:
    """Enable and force RLS with the LA policy on every LA-owned table; set up ``grip_app``.
    Returns the tables covered (empty on SQLite). Idempotent."""
    if conn.dialect.name != "postgresql":
        return []
    exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE})
    if not exists:
        try:
            with conn.begin_nested():
                conn.execute(text(f"CREATE ROLE {APP_ROLE} NOLOGIN"))
        except DBAPIError:
            # Roles are cluster-wide: another database's upgrade may have just made it.
            if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}):
                raise
    existing = set(
        conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
    )
    covered = []
    for table in la_owned_tables():
        if table not in existing:
            continue
        q = f'"{table}"'
        conn.execute(text(f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {q} FORCE ROW LEVEL SECURITY"))
        conn.execute(text(f"DROP POLICY IF EXISTS {POLICY} ON {q}"))
        conn.execute(
            text(
                f"CREATE POLICY {POLICY} ON {q} "
                "USING (la_code = current_setting('grip.la_code', true)) "
                "WITH CHECK (la_code = current_setting('grip.la_code', true))"
            )
        )
        covered.append(table)
    conn.execute(text(f"GRANT USAGE ON SCHEMA {_schema(conn)} TO {APP_ROLE}"))
    for table in sorted(existing):
        if table == "alembic_version":
            conn.execute(text(f'GRANT SELECT ON "{table}" TO {APP_ROLE}'))
        elif table in APPEND_ONLY_TABLES:
            conn.execute(text(f'REVOKE ALL ON "{table}" FROM {APP_ROLE}'))
            conn.execute(text(f'GRANT SELECT, INSERT ON "{table}" TO {APP_ROLE}'))
        else:
            conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO {APP_ROLE}'))
    conn.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_schema(conn)} TO {APP_ROLE}")
    )
    return covered


def _schema(conn: Connection) -> str:
    name = conn.scalar(text("SELECT current_schema()"))
    return f'"{name}"'


def forced_tables(conn: Connection) -> set[str]:
    """Tables with row-level security enabled and forced (PostgreSQL)."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "AND c.relrowsecurity AND c.relforcerowsecurity"
        )
    )
    return {r[0] for r in rows}
