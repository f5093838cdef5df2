"""Import an LA's case extract: validate every row, then replace the LA's case data atomically.

The nightly import (``grip casedata import DIR --la CODE``) calls :func:`import_extract`:

1. :func:`grip.casedata.validate.validate_extract` checks every file and row; nothing is written
   while it runs. Any problem refuses the extract, unless ``skip_invalid``: then rows with a
   problem, and the rows referring to them, are left out and reported.
2. One transaction: lock the LA's ``local_authority`` row (created if missing), read the LA's
   current extract from the import-run log, then

   * same content hash as the current extract: nothing changes (``unchanged``);
   * ``as_of`` before the current extract's: refused (``refused_older``) unless ``allow_older``;
   * otherwise (later ``as_of``, or the same ``as_of`` with different content, i.e. a corrected
     re-extract): delete the LA's rows from every case table and bulk insert the new ones
     (``loaded``).

   The run is logged in the same transaction, so a crash or ``kill -9`` at any moment leaves the
   previous data and log exactly as they were: SQLite's write-ahead log and PostgreSQL both
   discard an uncommitted transaction. Other LAs' rows are never touched.

Bulk insert uses the driver directly: ``executemany`` in one transaction on SQLite and
``COPY ... FROM STDIN`` (psycopg 3) on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from grip.casedata.models import CASE_TABLES
from grip.casedata.runs import ImportRun
from grip.casedata.validate import (
    LA_CODE_RE,
    MANIFEST,
    Progress,
    TableData,
    ValidationReport,
    content_hash,
    validate_extract,
)
from grip.store.base import LocalAuthority

_CHUNK = 20_000
_RUNS = cast(sa.Table, ImportRun.__table__)
_LA = cast(sa.Table, LocalAuthority.__table__)


@dataclass
class ImportResult:
    """What an import did. ``outcome`` is one of ``grip.casedata.runs.OUTCOMES``."""

    la_code: str
    outcome: str
    message: str
    report: ValidationReport
    run_id: str | None = None
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_skipped: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the LA's data now matches the extract (loaded, or already loaded)."""
        return self.outcome in ("loaded", "unchanged")

    @property
    def as_of(self) -> dt.date | None:
        """The date the extract was taken."""
        return self.report.as_of

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (problems counted, not listed)."""
        counts: dict[str, dict[str, int]] = {}
        for (table, rule), n in sorted(self.report.counts().items()):
            counts.setdefault(table, {})[rule] = n
        return {
            "la_code": self.la_code,
            "outcome": self.outcome,
            "ok": self.ok,
            "message": self.message,
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "content_hash": self.report.content_hash,
            "rows_read": self.report.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_skipped": self.rows_skipped,
            "problems": len(self.report.problems),
            "problems_by_table_and_rule": counts,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def current_extract(engine: Engine | Connection, la_code: str) -> sa.Row[Any] | None:
    """The import run whose data the LA's case tables hold now (None before the first load)."""
    query = (
        sa.select(_RUNS)
        .where(_RUNS.c.la_code == la_code, _RUNS.c.outcome.in_(("loaded", "unchanged")))
        .order_by(_RUNS.c.as_of.desc(), _RUNS.c.finished_at.desc())
        .limit(1)
    )
    if isinstance(engine, Connection):
        return engine.execute(query).first()
    with engine.connect() as conn:
        return conn.execute(query).first()


def import_history(engine: Engine, la_code: str) -> list[sa.Row[Any]]:
    """Every import run of the LA, newest first."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(_RUNS)
                .where(_RUNS.c.la_code == la_code)
                .order_by(_RUNS.c.finished_at.desc())
            )
        )


def import_extract(
    engine: Engine,
    folder: Path | str,
    la_code: str,
    *,
    skip_invalid: bool = False,
    allow_older: bool = False,
    la_name: str | None = None,
    as_of: dt.date | None = None,
    from_la: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate the extract in ``folder`` and, if it may load, replace ``la_code``'s case data.

    ``la_name`` names a new LA (default: ``la_name`` in the manifest, else the code); given for
    an existing LA it renames it. ``as_of`` and ``from_la`` are as for
    :func:`~grip.casedata.validate.validate_extract`. ``progress(phase, done, total)`` is
    called as the check (bytes) and the load (rows) advance. Never raises for bad data: the
    result says what happened and ``result.report`` lists every problem.
    """
    started = _now()
    t0 = time.perf_counter()
    quick = _already_loaded(engine, folder, la_code, as_of, started)
    if quick is not None:
        quick.timings["total"] = time.perf_counter() - t0
        return quick
    report = validate_extract(folder, la_code, as_of=as_of, from_la=from_la, progress=progress)
    timings = {"validate": time.perf_counter() - t0}
    source = str(Path(folder).resolve())
    name = la_name or str(report.manifest.get("la_name") or "") or None

    if report.fatal or (report.problems and not skip_invalid):
        result = ImportResult(
            la_code, "rejected", f"nothing loaded: {_rejected_why(report)}", report, timings=timings
        )
        result.run_id = _log_rejection(engine, result, source, started)
        return result

    t1 = time.perf_counter()
    run_id = uuid.uuid4().hex
    skipped = report.rows_invalid
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # A bigger page cache for this connection keeps index building in memory.
            conn.exec_driver_sql("PRAGMA cache_size = -131072")
            conn.commit()
        with conn.begin():
            _lock_la(conn, la_code, name)
            outcome, message, rows_loaded = _load_unless_stale(
                conn, la_code, report, allow_older, progress
            )
            timings["load"] = time.perf_counter() - t1
            conn.execute(
                _RUNS.insert().values(
                    **_run_values(report, run_id, outcome, message, source, started),
                    rows=rows_loaded if outcome != "refused_older" else {},
                    rows_skipped=skipped if outcome == "loaded" else 0,
                )
            )
    timings["total"] = time.perf_counter() - t0
    return ImportResult(
        la_code,
        outcome,
        message,
        report,
        run_id=run_id,
        rows_loaded=rows_loaded,
        rows_skipped=skipped if outcome == "loaded" else 0,
        timings=timings,
    )


def _rejected_why(report: ValidationReport) -> str:
    """Why an extract with problems loads nothing: its whole-file problems, else bad rows."""
    whole = [p for p in report.problems if p.whole_file]
    if whole:
        return f"{len(whole)} problem{'s' if len(whole) > 1 else ''} with whole files"
    return f"{report.rows_invalid:,} rows have problems (--skip-invalid loads the others)"


def _load_unless_stale(
    conn: Connection,
    la_code: str,
    report: ValidationReport,
    allow_older: bool,
    progress: Progress | None,
) -> tuple[str, str, dict[str, int]]:
    """Replace the LA's case data with the extract, unless it is the one already loaded or
    older than it (without ``allow_older``): (outcome, message, rows loaded per table)."""
    current = current_extract(conn, la_code)
    if current is not None and current.content_hash == report.content_hash:
        message = (
            f"already loaded: {la_code}'s data is this extract (as of "
            f"{current.as_of}); nothing changed"
        )
        return "unchanged", message, dict(current.rows)
    if (
        current is not None
        and current.as_of is not None
        and report.as_of is not None
        and report.as_of < current.as_of
        and not allow_older
    ):
        message = (
            f"refused: this extract is as of {report.as_of}, older than {la_code}'s "
            f"current data (as of {current.as_of}); --allow-older loads it anyway"
        )
        return "refused_older", message, {}
    rows_loaded = _replace(conn, la_code, report, progress)
    total = sum(rows_loaded.values())
    message = f"loaded {total:,} rows into {la_code} (as of {report.as_of})"
    if report.rows_invalid:
        message += f"; {report.rows_invalid:,} rows with problems left out"
    return "loaded", message, rows_loaded


def _already_loaded(
    engine: Engine, folder: Path | str, la_code: str, as_of: dt.date | None, started: dt.datetime
) -> ImportResult | None:
    """An ``unchanged`` result, logged, when the LA's current data has this content hash.

    Hashing the files takes a fraction of a second where validating them takes many: the
    nightly re-run of an unchanged extract is then almost free. The rows were validated when
    they loaded; nothing is written but the run log entry.
    """
    if not LA_CODE_RE.fullmatch(la_code) or not Path(folder).is_dir():
        return None  # validate_extract raises the proper error
    digest = content_hash(folder)
    current = current_extract(engine, la_code)
    if current is None or current.content_hash != digest:
        return None
    manifest: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads((Path(folder) / MANIFEST).read_text("utf-8"))
        manifest = loaded if isinstance(loaded, dict) else {}
    if as_of is None:
        try:
            as_of = dt.date.fromisoformat(str(manifest.get("as_of")))
        except ValueError:
            return None  # let validation report the manifest
    report = ValidationReport(
        folder=Path(folder),
        la_code=la_code,
        format_version=current.format_version,
        manifest=manifest,
        as_of=as_of,
        content_hash=digest,
        problems=[],
        tables={},
    )
    run_id = uuid.uuid4().hex
    message = (
        f"already loaded: {la_code}'s data is this extract (as of {current.as_of}); nothing changed"
    )
    with engine.begin() as conn:
        conn.execute(
            _RUNS.insert().values(
                **_run_values(
                    report, run_id, "unchanged", message, str(Path(folder).resolve()), started
                ),
                rows=dict(current.rows),
                rows_skipped=0,
            )
        )
    return ImportResult(
        la_code, "unchanged", message, report, run_id=run_id, rows_loaded=dict(current.rows)
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _run_values(
    report: ValidationReport,
    run_id: str,
    outcome: str,
    message: str,
    source: str,
    started: dt.datetime,
) -> dict[str, Any]:
    return {
        "la_code": report.la_code,
        "run_id": run_id,
        "started_at": started,
        "finished_at": _now(),
        "as_of": report.as_of,
        "content_hash": report.content_hash,
        "format_version": report.format_version,
        "outcome": outcome,
        "problems": len(report.problems),
        "source": source,
        "message": message,
    }


def _log_rejection(
    engine: Engine, result: ImportResult, source: str, started: dt.datetime
) -> str | None:
    """Log a rejected run, if the LA exists (a mistyped --la must not create an LA)."""
    run_id = uuid.uuid4().hex
    with engine.begin() as conn:
        exists = conn.execute(sa.select(_LA.c.code).where(_LA.c.code == result.la_code)).first()
        if exists is None:
            return None
        conn.execute(
            _RUNS.insert().values(
                **_run_values(result.report, run_id, "rejected", result.message, source, started),
                rows={},
                rows_skipped=0,
            )
        )
    return run_id


def _lock_la(conn: Connection, la_code: str, name: str | None) -> None:
    """Create the LA if missing, and take the write lock that serialises its imports.

    The no-op UPDATE locks the LA's row on PostgreSQL and takes SQLite's write lock before
    the current run is read, so two imports of one LA cannot interleave.
    """
    existing = conn.execute(sa.select(_LA.c.name).where(_LA.c.code == la_code)).first()
    if existing is None:
        conn.execute(_LA.insert().values(code=la_code, name=name or la_code))
    elif name and existing.name != name:
        conn.execute(_LA.update().where(_LA.c.code == la_code).values(name=name))
    conn.execute(_LA.update().where(_LA.c.code == la_code).values(name=_LA.c.name))


def _replace(
    conn: Connection, la_code: str, report: ValidationReport, progress: Progress | None
) -> dict[str, int]:
    """Delete the LA's rows from every case table and insert the extract's valid rows."""
    for table in reversed(CASE_TABLES.values()):
        conn.execute(table.delete().where(table.c.la_code == la_code))
    total = sum(t.valid_rows for t in report.tables.values())
    done = 0
    loaded: dict[str, int] = {}
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    for name, data in report.tables.items():
        columns = ["la_code", *data.columns]
        n = 0
        for chunk in _chunks(_rows(la_code, data)):
            if postgres:
                _copy(raw, name, columns, chunk)
            else:
                _executemany(raw, name, columns, chunk)
            n += len(chunk)
            done += len(chunk)
            if progress is not None:
                progress("load", done, total)
        loaded[name] = n
    return loaded


def _rows(la_code: str, data: TableData) -> Iterator[tuple[Any, ...]]:
    rows: Iterator[tuple[Any, ...]] = zip(itertools.repeat(la_code), *data.values)
    skip = data.invalid | data.blank
    if skip:
        rows = (r for i, r in enumerate(rows) if i not in skip)
    return rows


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while chunk := list(itertools.islice(rows, _CHUNK)):
        yield chunk


def _executemany(raw: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    # Table and column names come from format.yaml (checked identifiers), never from input.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    cur = raw.cursor()
    try:
        cur.executemany(sql, rows)
    finally:
        cur.close()


def _copy(raw: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        write = cp.write_row
        for row in rows:
            write(row)
