"""The case extract format as data: tables, columns and DfE code lists, loaded from YAML.

``format.yaml`` describes every table and column of the extract (and so of the case store);
``codes.yaml`` holds the DfE code lists. The store's tables, the importer's validation, the
synthetic generator and ``docs/import-format.md`` are all derived from these two files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

ColumnType = Literal["id", "text", "date", "int", "decimal", "bool", "code"]
COLUMN_TYPES: tuple[str, ...] = ("id", "text", "date", "int", "decimal", "bool", "code")


@dataclass(frozen=True)
class CodeList:
    """A DfE code list: allowed values and their meanings."""

    name: str
    source: str
    values: dict[str, str]


@dataclass(frozen=True)
class Column:
    """One column of an extract table."""

    name: str
    type: ColumnType
    meaning: str
    required: bool = False
    codes: str | None = None
    ref: str | None = None
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One extract table (one CSV file)."""

    name: str
    description: str
    key: str
    columns: dict[str, Column]
    person: str | None = None

    @property
    def filename(self) -> str:
        """The CSV file name for this table in an extract folder."""
        return f"{self.name}.csv"


@dataclass(frozen=True)
class ExtractFormat:
    """The whole format: version, tables in load order, code lists."""

    version: str
    tables: dict[str, Table]
    codes: dict[str, CodeList] = field(default_factory=dict)

    def code_values(self, column: Column) -> frozenset[str]:
        """The allowed values of a code column."""
        assert column.codes is not None
        return frozenset(self.codes[column.codes].values)


class FormatError(ValueError):
    """The format files themselves are inconsistent (a programming error, caught by tests)."""


def _load_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("grip.casedata").joinpath(name).read_text("utf-8"))


_COLUMN_KEYS = frozenset({"type", "required", "meaning", "codes", "ref", "after"})


def _column(table: str, name: str, raw: dict[str, Any]) -> Column:
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise FormatError(f"{table}.{name}: unknown keys {sorted(unknown)} (an unquoted comma?)")
    ctype = raw.get("type")
    if ctype not in COLUMN_TYPES:
        raise FormatError(f"{table}.{name}: unknown type {ctype!r}")
    if (ctype == "code") != ("codes" in raw):
        raise FormatError(f"{table}.{name}: code columns, and only they, name a code list")
    return Column(
        name=name,
        type=ctype,
        meaning=str(raw.get("meaning", "")),
        required=bool(raw.get("required", False)),
        codes=raw.get("codes"),
        ref=raw.get("ref"),
        after=tuple(raw.get("after", ())),
    )


@cache
def load_format() -> ExtractFormat:
    """Load and cross-check ``format.yaml`` and ``codes.yaml``."""
    raw_codes = _load_yaml("codes.yaml")
    codes = {
        name: CodeList(
            name, str(spec["source"]), {str(k): str(v) for k, v in spec["values"].items()}
        )
        for name, spec in raw_codes["codes"].items()
    }
    raw = _load_yaml("format.yaml")
    tables: dict[str, Table] = {}
    for tname, spec in raw["tables"].items():
        columns = {c: _column(tname, c, cspec) for c, cspec in spec["columns"].items()}
        table = Table(
            name=tname,
            description=str(spec["description"]),
            key=str(spec["key"]),
            columns=columns,
            person=spec.get("person"),
        )
        if table.key not in columns or not columns[table.key].required:
            raise FormatError(f"{tname}: key {table.key} must be a required column")
        if table.person is not None and table.person not in columns:
            raise FormatError(f"{tname}: person column {table.person} missing")
        for col in columns.values():
            if col.codes is not None and col.codes not in codes:
                raise FormatError(f"{tname}.{col.name}: unknown code list {col.codes}")
            if col.ref is not None and col.ref not in tables and col.ref != tname:
                raise FormatError(f"{tname}.{col.name}: ref {col.ref} must be an earlier table")
            for other in col.after:
                if other not in columns or columns[other].type != "date":
                    raise FormatError(f"{tname}.{col.name}: after {other} is not a date column")
        tables[tname] = table
    return ExtractFormat(version=str(raw["version"]), tables=tables, codes=codes)
