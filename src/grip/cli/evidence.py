"""``grip evidence``: the evidence headings of a framework, and the name guard over a text
(a draft report, letter or a batch of entries) before it leaves the inspection team."""

from __future__ import annotations

import json
from pathlib import Path

import click

from grip.access.scope import Scope, scoped
from grip.cli.common import engine_from_env
from grip.evidence import name_guard
from grip.evidence.headings import evidence_headings

EXIT_FOUND = 1


@click.group("evidence")
def evidence() -> None:
    """Evidence records: headings, and the name guard (ILACS framework (Ofsted 170040) para 191)."""


@evidence.command("headings")
@click.option("--framework", "framework_id", default="ilacs-2017", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def headings(framework_id: str, as_json: bool) -> None:
    """The headings evidence is recorded under (para 182): ILACS's 17, or the SIF 2013 and
    CP 2012 judgements."""
    try:
        heads = evidence_headings(framework_id)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--framework") from exc
    if as_json:
        click.echo(json.dumps([h.__dict__ for h in heads], indent=2))
        return
    for h in heads:
        click.echo(f"{h.ref:<50} {h.title}")


@evidence.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--la", "la_code", required=True, help="The LA whose case records hold the names.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def check(file: Path, la_code: str, as_json: bool) -> None:
    """Look for names of children, family members and staff, dates of birth, addresses and
    phone numbers in FILE (UTF-8 text). Exit status 1 when anything is found."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: not UTF-8 text ({exc.reason})") from exc
    engine = engine_from_env()
    with scoped(engine, Scope(la_code)) as db:
        index = name_guard.NameIndex.from_store(db, la_code)
    if not len(index):
        raise click.ClickException(f"{la_code}: no case records to check against (import first)")
    hits = name_guard.check({file.name: text}, index)
    if as_json:
        click.echo(json.dumps([h.as_json() for h in hits], indent=2))
    else:
        for h in hits:
            line = text.count("\n", 0, h.start) + 1
            click.echo(f"{file.name}:{line}: {h.text!r}: {h.reason}")
        click.echo(f"{len(hits)} found" if hits else "nothing found")
    if hits:
        raise SystemExit(EXIT_FOUND)
