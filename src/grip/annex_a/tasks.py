"""Annex A's heavy work as jobs for :class:`grip.jobs.JobRegistry`: build a workbook, check one.

Each function does the whole job where it is called and says where it has got to through
``report`` in words a user understands; an expected failure (no case data, a refused workbook)
is raised as :class:`grip.jobs.JobFailed` with the message to show. ``build_job`` and
``check_job`` are the same work as the registry runs it, in a worker process: they take only
plain data (a database URL, ids, a path) and open their own connections.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from grip.annex_a import guard
from grip.annex_a.builder import BuildError, build
from grip.annex_a.checker import CheckReport, check_sheets
from grip.annex_a.spec import Spec, load_spec
from grip.annex_a.workbook import write_xlsx
from grip.jobs import JobFailed, Progress
from grip.store.db import la_engine, make_engine


@dataclass(frozen=True)
class BuiltWorkbook:
    """A built Annex A workbook, ready to download."""

    data: bytes
    filename: str
    rows: int
    #: (sheet name, rows) per list, in the workbook's order: shown before the download.
    per_list: tuple[tuple[str, int], ...] = ()


def build_workbook(
    engine: Engine, la_code: str, on: date, spec: Spec, report: Progress
) -> BuiltWorkbook:
    """Build all eleven lists for ``la_code`` as at ``on`` and write the XLSX in memory.

    ``engine`` is the LA's engine (``grip.store.db.la_engine``) so row-level security holds.
    """
    report("Reading the case records and building the eleven lists")
    try:
        annex = build(engine, la_code, on, spec)
    except BuildError as exc:
        raise JobFailed(str(exc)) from None
    report("Writing the workbook")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "annex-a.xlsx"
        write_xlsx(annex, out)
        data = out.read_bytes()
    name = f"annex-a-{la_code}-{on.isoformat()}-{spec.id}.xlsx"
    counts = annex.counts()
    return BuiltWorkbook(
        data=data, filename=name, rows=sum(counts.values()), per_list=tuple(counts.items())
    )


def check_upload(
    path: Path, spec: Spec, on: date | None, display_name: str, report: Progress
) -> CheckReport:
    """Check the uploaded workbook at ``path`` (guarded; parsed in a limited child process),
    then delete it: the upload is kept no longer than its check."""
    try:
        report("Checking the file is a safe workbook, then reading it")
        sheets = guard.read_workbook(path, display_name)
        report("Checking every row against the spec")
        return check_sheets(sheets, spec, on, display_name)
    except guard.WorkbookRefused as exc:
        raise JobFailed(str(exc)) from None
    finally:
        path.unlink(missing_ok=True)


def build_job(
    database_url: str, la_code: str, on: date, spec_id: str, report: Progress
) -> BuiltWorkbook:
    """:func:`build_workbook` in a job's worker process, on its own engine for the LA."""
    engine = make_engine(database_url)
    try:
        return build_workbook(la_engine(engine, la_code), la_code, on, load_spec(spec_id), report)
    finally:
        engine.dispose()


def check_job(
    path: Path, spec_id: str, on: date | None, display_name: str, report: Progress
) -> dict[str, object]:
    """:func:`check_upload` in a job's worker process; the report as plain data."""
    return check_upload(path, load_spec(spec_id), on, display_name, report).to_dict()
