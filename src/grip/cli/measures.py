"""``grip measures``: statutory timescales, DfE indicators and drift lists for an LA."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

import click

from grip.cli.common import DATE, engine_from_env, settings_from_env


class _MeasuresGroup(click.Group):
    """``grip measures``; the previous release's ``grip measures compute --la …`` runs
    ``compute``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("-h", "--help"):
            click.echo(
                "DeprecationWarning: 'grip measures compute --la …' is deprecated; "
                "use 'grip measures compute --la …' instead.",
                err=True,
            )
            args = ["compute", *args]
        return super().parse_args(ctx, args)


@click.group("measures", cls=_MeasuresGroup)
def measures() -> None:
    """Statutory timescales, DfE indicators and drift lists for an LA."""


@measures.command("compute")
@click.option("--la", "la_code", required=True, help="LA code.")
@click.option("--date", "on", required=True, type=DATE, help="Date, YYYY-MM-DD.")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60),
              help="Monthly points ending on the date.")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the performance pack (XLSX) here.")  # fmt: skip
@click.option("--all-children", is_flag=True,
              help="List every child behind every figure in the pack, not only those not "
              "meeting a measure.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print every measure as JSON.")
def compute(
    la_code: str, on: date, months: int, out: Path | None, all_children: bool, as_json: bool
) -> None:
    """Every measure for an LA at a date and each month before it; pack or JSON.

    Writing the pack (child-level lists) is recorded in the audit trail.
    """
    from grip.access import audit
    from grip.measures.engine import MeasuresError, compute
    from grip.measures.pack import pack_bytes

    settings = settings_from_env()
    engine = engine_from_env()
    try:
        try:
            run = compute(engine, la_code, on, months, settings=settings)
        except MeasuresError as exc:
            raise click.ClickException(str(exc)) from exc
        if out is not None:
            out.write_bytes(pack_bytes(run, all_children=all_children))
            audit.record_event(
                engine,
                action="export.xlsx",
                la_code=la_code,
                actor=audit.Actor(username=f"cli:{getpass.getuser()}", source_ip="local"),
                object_type="measures_pack",
                object_id=f"{la_code}:{on.isoformat()}",
                detail=f"months={months}; children={'all' if all_children else 'not meeting'}",
            )
            if not as_json:
                click.echo(f"pack written to {out}")
        if as_json:
            click.echo(json.dumps(run.as_json(), indent=1))
        elif out is None:
            for m in run.definitions.measures:
                v = run.at(m.id)
                shown = "—" if v.value is None else f"{v.value:g}"
                den = "" if v.denominator is None else f" / {v.denominator:g}"
                click.echo(f"{m.id:32} {shown:>10}  ({v.numerator:g}{den})  {m.name}")
    finally:
        engine.dispose()


@measures.command("settings")
@click.option("--la", "la_code", required=True, help="LA code.")
@click.option("--population", type=click.IntRange(min=1), help="Children aged 0-17 in the LA.")
@click.option(
    "--cp-visit-days", type=click.IntRange(min=1), help="CP visit standard (working days)."
)
@click.option(
    "--cin-visit-days", type=click.IntRange(min=1), help="CIN visit standard (working days)."
)
def measures_settings(
    la_code: str, population: int | None, cp_visit_days: int | None, cin_visit_days: int | None
) -> None:
    """Set an LA's child population and local visit standards for the measures."""
    from sqlalchemy.exc import IntegrityError

    from grip.measures.engine import la_standards, set_la_standards

    settings = settings_from_env()
    engine = engine_from_env()
    try:
        set_la_standards(
            engine,
            la_code,
            child_population=population,
            cp_visit_working_days=cp_visit_days,
            cin_visit_working_days=cin_visit_days,
        )
        std = la_standards(engine, la_code, settings)
    except IntegrityError:
        raise click.ClickException(f"unknown LA code {la_code!r}") from None
    finally:
        engine.dispose()
    click.echo(
        f"{la_code}: population {std.child_population}, CP visits every "
        f"{std.cp_visit_working_days} working days, CIN every {std.cin_visit_working_days}"
    )


@measures.command("docs")
def measures_docs() -> None:
    """Regenerate docs/measures.md from the measure definitions."""
    from grip.measures.docs import write

    click.echo(f"wrote {write()}")
