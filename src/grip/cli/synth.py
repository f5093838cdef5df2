"""``grip casedata synth``: write a synthetic authority's case extract (see
docs/synthetic-authority.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from grip.casedata.synth import DEFAULT_LA_CODE, MAX_DEFECT_RATE, SynthError, synthesise
from grip.cli.common import DATE


@click.command("synth")
@click.option(
    "--children",
    type=click.IntRange(min=1),
    required=True,
    help="Children known to social care (rows of ssd_person).",
)
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Random seed.")
@click.option(
    "--as-of",
    "as_of",
    required=True,
    type=DATE,
    help="Extract date, YYYY-MM-DD: nothing happens after it.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the CSV files, manifest.json and defects.json into.",
)
@click.option(
    "--la",
    "la_code",
    default=DEFAULT_LA_CODE,
    show_default=True,
    help="LA code of the synthetic authority.",
)
@click.option("--la-name", default=None, help="LA name (default: a fictional name).")
@click.option(
    "--defects",
    type=click.FloatRange(0.0, MAX_DEFECT_RATE),
    default=0.0,
    show_default=True,
    help="Fraction of rows given one planted data-quality error (listed in defects.json).",
)
def synth(
    children: int,
    seed: int,
    as_of: date,
    out_dir: Path,
    la_code: str,
    la_name: str | None,
    defects: float,
) -> None:
    """Write a synthetic authority's extract: same arguments, byte-identical files."""
    try:
        result = synthesise(out_dir, children, seed, as_of, la_code, defects, la_name)
    except SynthError as exc:
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc}") from exc
    total = sum(result.rows.values())
    click.echo(
        f"{result.la_name} ({result.la_code}) as of {result.as_of.isoformat()}: "
        f"{result.children} children, {total} rows in {len(result.rows)} tables -> {out_dir}"
    )
    if result.defects:
        click.echo(f"{len(result.defects)} planted defects listed in {result.defects_path}")
