"""``grip casedata``: the LA's case data: import an extract, synthesise one, print its format."""

from __future__ import annotations

import click

from grip.cli.importer import import_command
from grip.cli.synth import synth


@click.group("casedata")
def casedata() -> None:
    """The LA's case data: import, synthesise, format."""


@casedata.command("format-docs")
def format_docs() -> None:
    """Print docs/import-format.md, generated from the format files."""
    from grip.casedata.docs import render_import_format

    click.echo(render_import_format())


casedata.add_command(import_command)
casedata.add_command(synth)
