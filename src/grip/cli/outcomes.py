"""``grip outcomes``: the register of every LA's published inspection outcomes.

Read published Ofsted reports (``extract``), store them (``import``), and answer the questions of
Kent SIF outcomes mapping (Dec 2014) §5: ``list``, ``show``, ``stats``, ``themes`` and
``neighbours``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from grip.cli.common import DATE, engine_from_env

GRADE_CHOICE = click.Choice(["outstanding", "good", "requires-improvement", "inadequate"])


def _engine() -> Any:
    """The database engine, after checking that the register's tables are there."""
    return engine_from_env("outcome_report")


def _la_code(text: str) -> str:
    from grip.outcomes import las

    if text in las.all_las():
        return text
    found = las.find_in(text)
    if found is None or las.normalise(found.name) != las.normalise(text):
        raise click.ClickException(
            f"{text!r} is neither a DfE LA code nor an LA's name in the LA list"
        )
    return found.code


@click.group("outcomes")
def outcomes() -> None:
    """The outcomes register: every LA's published inspection judgements over time."""


@outcomes.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of the reports.")
def extract_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Read published Ofsted reports (PDF files or folders of them).

    Prints, per file, the LA, framework, inspection type, fieldwork dates, publication date and
    judgements (Grip's judgement and grade ids); a file that cannot be read gets an error. Exits
    with status 1 when any file had an error, after reporting every file.
    """
    from grip.outcomes.extract import extract_all

    results = extract_all(list(paths))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in results], indent=2))
    else:
        for r in results:
            if r.error:
                click.echo(f"{r.file}: error: {r.error}")
                continue
            grades = ", ".join(f"{j} {g}" for j, g in r.judgements.items()) or "no grades"
            click.echo(
                f"{r.file}: {r.local_authority} · {r.framework} {r.inspection_type} · "
                f"fieldwork {r.fieldwork_start} to {r.fieldwork_end} · published "
                f"{r.published or 'not stated'} · {grades}"
            )
    if any(r.error for r in results):
        sys.exit(1)


@outcomes.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_cmd(paths: tuple[Path, ...]) -> None:
    """Store published reports' outcomes in the register, with the page of every value.

    Idempotent: a report already in the register changes nothing. Each file is stored whole or
    not at all; exits with status 1 when any file had an error, after trying every file.
    """
    from grip.outcomes.register import import_reports

    results = import_reports(_engine(), list(paths))
    for r in results:
        click.echo(f"{r.file}: {r.status}{': ' + r.message if r.message else ''}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("added", "unchanged", "error")}
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["error"]:
        sys.exit(1)


@outcomes.command("list")
@click.option("--region", help="Region name, e.g. London.")
@click.option("--framework", help="Framework id, e.g. ilacs-2023.")
@click.option("--grade", type=GRADE_CHOICE, help="Only LAs with this grade (see --judgement).")
@click.option(
    "--judgement", default="overall", show_default=True, help="Judgement --grade applies to."
)
@click.option("--from", "date_from", type=DATE, help="Fieldwork ended on or after, YYYY-MM-DD.")
@click.option("--to", "date_to", type=DATE, help="Fieldwork ended on or before, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cmd(
    region: str | None, framework: str | None, grade: str | None, judgement: str,
    date_from: dt.date | None, date_to: dt.date | None, as_json: bool,
) -> None:  # fmt: skip
    """Each LA's latest inspection in the register that passes the filters."""
    from grip.outcomes import las
    from grip.outcomes.queries import Filters, latest

    if region is not None and region not in las.regions():
        raise click.BadParameter(
            f"{region!r}; the regions are {', '.join(las.regions())}", param_hint="--region"
        )
    filters = Filters(region, framework, grade, judgement, date_from, date_to)
    rows = latest(_engine(), filters)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
        return
    for r in rows:
        click.echo(
            f"{r.la_code} {r.la_name} ({r.region}): {r.framework} fieldwork to "
            f"{r.fieldwork_end}, overall {r.overall or 'not graded'}"
        )
    click.echo(f"{len(rows)} LAs")


@outcomes.command("show")
@click.argument("la")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_cmd(la: str, as_json: bool) -> None:
    """One LA's inspection history (LA given by DfE code or name), with each value's page."""
    from grip.outcomes.queries import history

    rows = history(_engine(), _la_code(la))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
        return
    if not rows:
        click.echo("no inspections in the register for this LA")
    for r in rows:
        click.echo(
            f"{r.fieldwork_end} {r.framework} {r.inspection_type or ''} "
            f"({r.source_file or r.origin})"
        )
        for j, g in r.judgements.items():
            page = r.pages.get(f"judgements.{j}")
            click.echo(f"  {j}: {g}" + (f" (page {page})" if page else ""))


@outcomes.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print every statistic as JSON.")
def stats_cmd(as_json: bool) -> None:
    """Counts and percentages by grade (by framework, year and region), the transition table
    between consecutive inspections, and the consistency checks of Kent SIF outcomes mapping
    (Dec 2014) §5.1 against its Annex 1."""
    from grip.outcomes.queries import all_reports
    from grip.outcomes.stats import summary

    data = summary(all_reports(_engine()))
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['reports']} reports")
    for c in data["by_framework"]:
        cells = ", ".join(f"{g} {n} ({c['percentages'][g]}%)" for g, n in c["counts"].items())
        click.echo(f"{c['framework']} {c['judgement']} (n={c['total']}): {cells}")
    click.echo(
        f"overall effectiveness between consecutive inspections: {data['transitions']['movement']}"
    )
    checks = data["kent_checks"]
    for c in checks["against_rows"] + checks["against_stated_counts"]:
        if not c["agrees"]:
            click.echo(
                f'disagrees: §{c["section"]} "{c["text"]}" states {c["stated"]:g}; {c["detail"]}'
            )


@outcomes.command("themes")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with every sentence.")
def themes_cmd(as_json: bool) -> None:
    """Each theme's share of reports judged good or better against those judged below good,
    as strengths and weaknesses (Kent SIF outcomes mapping (Dec 2014) §3–4)."""
    from dataclasses import asdict

    from grip.outcomes.analysis import compare_themes

    data = compare_themes(_engine())
    if as_json:
        click.echo(json.dumps({
            theme: {group: {"reports": g.reports, "strength_share": g.share("strength"),
                            "weakness_share": g.share("weakness"),
                            "strength": [asdict(q) for q in g.strength],
                            "weakness": [asdict(q) for q in g.weakness]}
                    for group, g in groups.items()}
            for theme, groups in data.items()
        }, indent=2))  # fmt: skip
        return
    for theme, groups in data.items():
        good, below = groups["good-or-better"], groups["below-good"]
        click.echo(
            f"{theme}: weakness in {good.share('weakness')}% of good-or-better reports, "
            f"{below.share('weakness')}% of below-good; strength {good.share('strength')}% / "
            f"{below.share('strength')}%"
        )


@outcomes.command("neighbours")
@click.argument("la")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def neighbours_cmd(la: str, as_json: bool) -> None:
    """An LA (DfE code or name) against its DfE statistical neighbours: its history, their
    latest judgements, and the themes most common among neighbours who improved."""
    from dataclasses import asdict

    from grip.outcomes.analysis import neighbours

    view = neighbours(_engine(), _la_code(la))
    data = {
        "la_code": view.la.code, "local_authority": view.la.name,
        "history": [r.to_json() for r in view.own],
        "neighbours": [{"la_code": n.code, "local_authority": n.name,
                        "latest": r.to_json() if r else None} for n, r in view.neighbours],
        "improved": [{"la_code": n.code, "from": a, "to": b} for n, a, b in view.improved],
        "themes": [{"theme": t, "neighbours": n, "sentences": [asdict(q) for q in qs]}
                   for t, n, qs in view.themes],
    }  # fmt: skip
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{view.la.name} ({view.la.code}): {len(view.own)} inspections in the register")
    for n, r in view.neighbours:
        click.echo(
            f"  {n.name}: "
            + (
                f"{r.overall or 'not graded'} ({r.framework}, {r.fieldwork_end})"
                if r
                else "none in the register"
            )
        )
    for t, count, _ in view.themes[:5]:
        click.echo(f"  theme among improved neighbours: {t} ({count})")
