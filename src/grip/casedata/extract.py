"""Extract folders: write one from rows, and a tiny valid example built from the format.

``write_extract`` writes ``<table>.csv`` for every table of the format (header only when there
are no rows) and ``manifest.json``. ``example_rows`` builds a small extract that passes every
rule, derived from ``format.yaml`` so it follows the format as it changes: the importer's tests
start from it and plant one problem at a time. Only synthetic values: no real person.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grip.casedata.format import Column, load_format


def format_value(value: Any) -> str:
    """A Python value as extract text: blank for None, Y/N, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_extract(
    folder: Path | str,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    manifest: Mapping[str, Any] | None = None,
) -> Path:
    """Write an extract: every table's CSV (columns in format order) and ``manifest.json``.

    Values may be text or Python values (see :func:`format_value`); a key a row lacks is
    blank. Tables not in ``rows`` get just their header.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fmt = load_format()
    for table in fmt.tables.values():
        columns = list(table.columns)
        with open(folder / table.filename, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows.get(table.name, ()):
                writer.writerow([format_value(row.get(c)) for c in columns])
    if manifest is not None:
        body = {"format_version": fmt.version, **manifest}
        if "rows" not in body:
            body["rows"] = {t: len(rows.get(t, ())) for t in fmt.tables}
        (folder / "manifest.json").write_text(json.dumps(body, indent=2, default=str), "utf-8")
    return folder


def _example_value(
    table: str, col: Column, position: int, n: int, key: str, dob: dt.date, codes: list[str]
) -> Any:
    if col.name == key:
        return f"{table}-{n}"
    if col.ref is not None:
        return f"{col.ref}-{n}"
    if col.type == "date":
        if col.name == "pers_dob":
            return dob
        if col.name == "pers_death_date":
            return None
        # Later columns are later dates, so every `after` rule (which names an earlier
        # column) holds.
        return dob + dt.timedelta(days=400 + 30 * position + n % 365)
    if col.type == "code":
        return codes[n % len(codes)]
    if col.type == "bool":
        return n % 2 == 0
    if col.type == "int":
        return n + 1
    if col.type == "decimal":
        return 0.5 + n
    return f"{col.name.split('_', 1)[1].replace('_', ' ')} {n}"


def example_rows(children: int = 3) -> dict[str, list[dict[str, Any]]]:
    """A small extract that passes every rule: one row per child in every table.

    Row ``n`` of each table refers to row ``n`` of the tables it refers to, so the whole
    extract hangs together. Values are Python values (dates, bools), ready for
    :func:`write_extract`.
    """
    fmt = load_format()
    first_dob = dt.date(2005, 1, 1)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in fmt.tables.values():
        cols = [
            (c, i, list(fmt.codes[c.codes].values) if c.codes else [])
            for i, c in enumerate(table.columns.values())
        ]
        out[table.name] = [
            {
                c.name: _example_value(
                    table.name,
                    c,
                    i,
                    n,
                    table.key,
                    first_dob + dt.timedelta(days=97 * n % 4000),
                    codes,
                )
                for c, i, codes in cols
            }
            for n in range(1, children + 1)
        ]
    return out
