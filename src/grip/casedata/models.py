"""The case store's tables, built from the extract format so they cannot drift from it.

Every table carries ``la_code`` as the first part of its primary key (the tenant). Referential
integrity between extract tables is checked by the importer before anything loads (an LA's
extract is replaced as a whole), so the tables carry no foreign keys between each other; this
keeps bulk loading fast. Each table with a person column is indexed on (la_code, person).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import SchemaItem

from grip.casedata.format import Column, load_format
from grip.store.base import Base

_SQL_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "id": sa.String(48),
    "text": sa.Text(),
    "date": sa.Date(),
    "int": sa.Integer(),
    "decimal": sa.Float(),
    "bool": sa.Boolean(),
    "code": sa.String(32),
}


def _sql_column(col: Column, primary_key: bool) -> sa.Column[Any]:
    return sa.Column(
        col.name,
        _SQL_TYPES[col.type],
        primary_key=primary_key,
        nullable=not col.required,
    )


def _build_tables() -> dict[str, sa.Table]:
    fmt = load_format()
    tables: dict[str, sa.Table] = {}
    for t in fmt.tables.values():
        columns: list[sa.Column[Any]] = [
            sa.Column(
                "la_code",
                sa.String(16),
                sa.ForeignKey("local_authority.code", ondelete="CASCADE"),
                primary_key=True,
            )
        ]
        columns += [_sql_column(c, c.name == t.key) for c in t.columns.values()]
        args: list[SchemaItem] = list(columns)
        if t.person is not None:
            args.append(sa.Index(f"ix_{t.name}_person", "la_code", t.person))
        tables[t.name] = sa.Table(t.name, Base.metadata, *args, comment=t.description)
    return tables


#: The case store's tables by name, in load order (parents before children).
CASE_TABLES: dict[str, sa.Table] = _build_tables()

# The import-run log is a mapped model; importing it here lets load_all_models() see it.
from grip.casedata.runs import ImportRun  # noqa: E402

__all__ = ["CASE_TABLES", "ImportRun"]
