"""``grip import-format-docs``: print the extract format documentation."""

from __future__ import annotations

import click

from grip.casedata.docs import render_import_format


@click.command("import-format-docs")
def import_format_docs() -> None:
    """Print docs/import-format.md, generated from the format files."""
    click.echo(render_import_format())


commands = [import_format_docs]
