"""``grip inspections``: timelines (no database needed), the pathway, the LA's inspections."""

from __future__ import annotations

import datetime as dt
import json

import click

from grip.access import clock
from grip.access.scope import Scope, scoped
from grip.cli.common import DATE, engine_from_env
from grip.inspections.pathway import plan_for
from grip.inspections.records import list_inspections
from grip.inspections.rules import rules
from grip.inspections.timeline import TimelineError, compute, date_problems, type_ids


@click.group("inspections")
def inspections() -> None:
    """Inspections and visits under the ILACS framework (Ofsted 170040)."""


@inspections.command("timeline")
@click.option(
    "--type",
    "type_id",
    required=True,
    type=click.Choice(type_ids()),
    help="The type of inspection or visit.",
)
@click.option(
    "--fieldwork-start",
    required=True,
    type=DATE,
    help="YYYY-MM-DD: Monday of week 1 (standard, short), the first day on site (focused "
    "visit), the Monday of the visit week (monitoring visit), the day of an action planning "
    "visit.",
)
@click.option("--framework", default="ilacs-2017", show_default=True, help="Framework id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def timeline(type_id: str, fieldwork_start: dt.date, framework: str, as_json: bool) -> None:
    """Every date from the notification to the published report, with its paragraph.

    A date the rules forbid (a bank holiday or weekend, the wrong weekday for the type,
    Christmas and New Year, August for inspections) exits non-zero with the reason and the
    paragraph of the ILACS framework (Ofsted 170040).
    """
    start = fieldwork_start
    try:
        problems = date_problems(type_id, start, framework)
        if problems:
            raise click.ClickException("; ".join(problems))
        result = compute(type_id, start, framework)
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    click.echo(
        f"{rules().type(type_id).label} under {framework}, fieldwork from {start:%A %d %B %Y}"
    )
    for m in result.milestones:
        when = f" ({m.time})" if m.time else ""
        click.echo(f"  {m.date:%a %d %b %Y}{when:<16}  {m.title}  [para {m.paragraph}]")


@inspections.command("plan")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plan(la_code: str, as_json: bool) -> None:
    """The LA's pathway (paras 17-24) and what is due next, from its inspection history."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            result = plan_for(db, la_code, clock.now().date())
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    click.echo(f"{la_code}: {result.label} (para {result.paragraph})")
    click.echo(f"  {result.reason}")
    for s in result.steps:
        window = _window(s.earliest, s.latest)
        late = "  OVERDUE" if s.overdue else ""
        click.echo(f"  - {s.what}{window}{late}: {s.why} [para {s.paragraph}]")
    for note in result.not_in:
        click.echo(f"  {note}")


def _window(earliest: dt.date | None, latest: dt.date | None) -> str:
    if earliest is None or latest is None:
        return ""
    if earliest == latest:
        return f", about {earliest:%d %B %Y}"
    return f", {earliest:%d %B %Y} to {latest:%d %B %Y}"


@inspections.command("list")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(la_code: str, as_json: bool) -> None:
    """The LA's inspections and visits."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            rows = [
                {
                    "id": i.id,
                    "type": i.type,
                    "kind": i.kind,
                    "framework": i.framework_id,
                    "state": i.state,
                    "title": i.title,
                    "fieldwork_start": i.fieldwork_start.isoformat() if i.fieldwork_start else None,
                }
                for i in list_inspections(db, la_code)
            ]
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        start = r["fieldwork_start"] or "undated"
        click.echo(f"{r['id']}  {start:<10}  {r['type']:<22} {r['kind']:<5} {r['state']}")
