"""``grip db``: database maintenance."""

from __future__ import annotations

import click

from grip.cli.common import settings_from_env
from grip.store.migrate import upgrade


@click.group("db")
def db() -> None:
    """Create and upgrade the database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to the configured database (GRIP_DATABASE_URL)."""
    settings = settings_from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    click.echo(f"database at {settings.resolved_database_url} is up to date")
