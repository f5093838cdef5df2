"""``grip annex-a``: build the eleven child-level lists for a date, and check any workbook."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from grip.cli.common import DATE, engine_from_env


def _spec(spec_id: str | None):  # type: ignore[no-untyped-def]
    from grip.annex_a.spec import DEFAULT_SPEC, SpecError, available_specs, load_spec

    try:
        return load_spec(spec_id or DEFAULT_SPEC)
    except SpecError as exc:
        raise click.ClickException(f"{exc} (available: {', '.join(available_specs())})") from None


@click.group("annex-a")
def annex_a() -> None:
    """Annex A child-level lists (ILACS framework (Ofsted 170040) paras 246-253)."""


@annex_a.command("build")
@click.option("--la", "la_code", required=True, help="Local authority code.")
@click.option("--date", "d", required=True, type=DATE, help="Inspection date, YYYY-MM-DD.")
@click.option("--spec", "spec_id", default=None, help="Spec id (default ofsted-2024).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--csv", "csv_dir", default=None, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the row counts per list as JSON.")
def build_cmd(
    la_code: str, d: date, spec_id: str | None, out: Path, csv_dir: Path | None, as_json: bool
) -> None:
    """Build all eleven lists for an LA as at a date and write them to an XLSX workbook."""
    from grip.annex_a.builder import BuildError, build
    from grip.annex_a.workbook import write_csv, write_xlsx

    spec = _spec(spec_id)
    engine = engine_from_env()
    try:
        annex = build(engine, la_code, d, spec)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"--out must name an .xlsx file, got {out}")
    write_xlsx(annex, out)
    if csv_dir is not None:
        write_csv(annex, csv_dir)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "spec": spec.id,
                    "la": la_code,
                    "date": d.isoformat(),
                    "out": str(out),
                    "counts": annex.counts(),
                }
            )
        )
    else:
        for sheet, n in annex.counts().items():
            click.echo(f"{sheet}: {n} rows")
        click.echo(f"written {out}")


@annex_a.command("check")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--spec", "spec_id", default=None, help="Spec id (default ofsted-2024).")
@click.option("--date", "d", default=None, type=DATE, help="Inspection date, YYYY-MM-DD.")
@click.option("--report", "report", default=None, type=click.Path(dir_okay=False, path_type=Path))
def check_cmd(workbook: Path, spec_id: str | None, d: date | None, report: Path | None) -> None:
    """Check a workbook and report every problem; exit status 1 when there are errors."""
    from grip.annex_a.checker import check_workbook, write_report
    from grip.annex_a.guard import WorkbookRefused

    spec = _spec(spec_id)
    if report is not None and report.suffix.lower() not in (".json", ".html", ".htm", ".xlsx"):
        raise click.BadParameter("--report must end .json, .html or .xlsx")
    try:
        result = check_workbook(workbook, spec, d)
    except WorkbookRefused as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if report is not None:
        write_report(result, report)
    for note in result.notes:
        click.echo(f"note: {note}")
    for shown, p in enumerate(result.problems):
        if shown >= 200 and report is not None:
            click.echo(f"... {len(result.problems) - shown} more in {report}")
            break
        where = f"{p.sheet} row {p.row}" if p.row else (p.sheet or "workbook")
        click.echo(
            f"{p.severity}: {where} child {p.child_id or '-'} [{p.column or '-'}] "
            f"'{p.value}' {p.rule}: {p.message}"
        )
    click.echo(
        f"{len(result.errors)} errors, {len(result.warnings)} warnings in "
        f"{result.rows_checked} rows of {len(result.lists_found)} lists"
    )
    if result.errors:
        sys.exit(1)
