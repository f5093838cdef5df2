"""``grip serve``: serve the web app over an existing database."""

from __future__ import annotations

import click
import uvicorn

from grip.cli.common import settings_from_env
from grip.store.migrate import upgrade
from grip.web.app import create_app, warm_measures


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve Grip on HOST:PORT over the configured database (upgraded first)."""
    settings = settings_from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    app = create_app(settings)
    warm_measures(app)  # the first view of the dashboard reads a kept run
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")
