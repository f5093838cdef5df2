"""``grip casedata import``: validate an LA's case extract and load it (docs/import.md).

A thin shell over :func:`grip.casedata.importer.import_extract`. Exit code 0 when the LA's
data now matches the extract (loaded, or already loaded) or, with ``--check-only``, when the
extract has no problem; 1 when nothing loaded (problems, or an older extract refused);
2 for a usage error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from grip.casedata.importer import ImportResult, import_extract
from grip.casedata.validate import (
    Progress,
    ValidationReport,
    format_summary,
    validate_extract,
    write_problems_csv,
)
from grip.cli.common import settings_from_env
from grip.store.db import make_engine

_SAMPLE = 20


@contextmanager
def _progress_bar(show: bool) -> Iterator[Progress]:
    """A rich progress bar on stderr (checking bytes, loading rows), or a quiet callback."""
    if not show:
        yield lambda _phase, _done, _total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            label = {"check": "checking", "load": "loading"}.get(phase, phase)
            tasks[phase] = bar.add_task(label, total=max(total, 1))
        bar.update(tasks[phase], completed=done, total=max(total, 1))

    with bar:
        yield update


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(message, err=True)


def _report_problems(
    report: ValidationReport, errors_out: Path | None, as_json: bool, quiet: bool
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if errors_out is not None and report.problems:
        n = write_problems_csv(report.problems, errors_out)
        extra["errors_out"] = str(errors_out)
        if not as_json and not quiet:
            click.echo(f"all {n:,} problems written to {errors_out}")
    if report.problems and not as_json:
        click.echo(format_summary(report))
        if errors_out is None and not quiet:
            click.echo("(--errors-out FILE.csv writes every problem)")
    extra["problems_sample"] = [p.as_dict() for p in report.problems[:_SAMPLE]]
    return extra


@click.command("import")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path)
)
@click.option("--la", "la_code", required=True, help="The LA whose data this is, e.g. 210.")
@click.option("--la-name", help="Name for a new LA (default: la_name in the manifest).")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the extract was taken (default: as_of in manifest.json).",
)
@click.option(
    "--from-la",
    metavar="CODE",
    help="The manifest names LA CODE: load it as --la anyway (e.g. a demo extract).",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Load the valid rows; report and leave out the rest."
)
@click.option("--allow-older", is_flag=True, help="Load an extract older than the current one.")
@click.option(
    "--errors-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every problem to this CSV file.",
)
@click.option("--check-only", is_flag=True, help="Validate only; write nothing to the database.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Only problems and the outcome.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
def import_command(
    folder: Path,
    la_code: str,
    la_name: str | None,
    as_of: dt.datetime | None,
    from_la: str | None,
    skip_invalid: bool,
    allow_older: bool,
    errors_out: Path | None,
    check_only: bool,
    as_json: bool,
    quiet: bool,
    progress: bool | None,
) -> None:
    """Validate the case extract in FOLDER and replace the LA's case data with it.

    Every row is checked before anything loads; each problem names file, row (1 = first row
    after the header), column, value and what was expected. Loading is one transaction:
    an interrupted import leaves the previous data as it was. The same extract again changes
    nothing; an older one is refused unless --allow-older.
    """
    show = (sys.stderr.isatty() if progress is None else progress) and not (as_json or quiet)
    day = as_of.date() if as_of else None
    announced = False

    try:
        with _progress_bar(show) as bar:

            def on_progress(phase: str, done: int, total: int) -> None:
                nonlocal announced
                if phase == "load" and not announced:
                    announced = True
                    _say(quiet or as_json, f"loading {total:,} rows into {la_code}")
                bar(phase, done, total)

            _say(quiet or as_json, f"checking {folder} for {la_code}")
            if check_only:
                report = validate_extract(
                    folder, la_code, as_of=day, from_la=from_la, progress=on_progress
                )
                result = None
            else:
                engine = make_engine(settings_from_env().resolved_database_url)
                try:
                    result = import_extract(
                        engine,
                        folder,
                        la_code,
                        skip_invalid=skip_invalid,
                        allow_older=allow_older,
                        la_name=la_name,
                        as_of=day,
                        from_la=from_la,
                        progress=on_progress,
                    )
                finally:
                    engine.dispose()
                report = result.report
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"database error ({type(exc).__name__}); has `grip db upgrade` been run? {exc}"
        ) from exc

    extra = _report_problems(report, errors_out, as_json, quiet)
    if result is None:
        ok, payload, message = _check_only_outcome(report, la_code)
    else:
        ok, payload, message = result.ok, result.as_dict(), result.message
    if as_json:
        click.echo(json.dumps({**payload, **extra}, indent=2, default=str))
    else:
        click.echo(message if result is None else _outcome_line(result))
    if not ok:
        sys.exit(1)


def _check_only_outcome(report: ValidationReport, la_code: str) -> tuple[bool, dict[str, Any], str]:
    """Whether a checked extract would load, as a JSON payload and a sentence."""
    ok = not report.problems
    payload: dict[str, Any] = {
        "la_code": la_code,
        "outcome": "valid" if ok else "invalid",
        "ok": ok,
        "rows_read": report.rows_read,
        "rows_valid": report.rows_valid,
        "problems": len(report.problems),
    }
    message = (
        "no problems: the extract would load"
        if ok
        else f"{len(report.problems):,} problems: the extract would not load"
        + ("" if report.fatal else " (--skip-invalid would load the other rows)")
    )
    return ok, payload, message


def _outcome_line(result: ImportResult) -> str:
    took = result.timings.get("total", result.timings.get("validate", 0.0))
    return f"{result.outcome}: {result.message} ({took:.1f} s)"
