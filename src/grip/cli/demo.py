"""``grip demo``: synthesise a demo LA, load it, and serve it."""

from __future__ import annotations

from datetime import datetime

import click
import uvicorn

from grip.cli.common import settings_from_env
from grip.demo import DEMO_LA, build_demo, demo_settings, reset_demo_database
from grip.web.app import create_app, warm_measures


@click.command("demo")
@click.option("--children", default=3000, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Extract date (default today).",
)
@click.option("--la", "la_code", default=DEMO_LA, show_default=True, help="Demo LA code.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the demo database and stop.")
def demo(
    children: int,
    seed: int,
    as_of: datetime | None,
    la_code: str,
    host: str,
    port: int,
    no_serve: bool,
) -> None:
    """Build a synthetic LA in a fresh demo database and serve it on http://HOST:PORT."""
    base = settings_from_env()
    settings = demo_settings(base)
    if base.database_url is None:
        reset_demo_database(settings)
    day = as_of.date() if as_of else None  # click gives a datetime
    click.echo(f"Synthesising {children:,} children for {la_code} and importing them…", err=True)
    result = build_demo(settings, children=children, seed=seed, as_of=day, la_code=la_code)
    loaded = sum(result.imported.rows_loaded.values())
    click.echo(f"Loaded {loaded:,} rows into {result.database_url}", err=True)
    states = ", ".join(f"{n} {state}" for state, n in sorted(result.audits.by_state.items()))
    click.echo(f"Seeded {result.audits.audits} case audits ({states})", err=True)
    click.echo("\nDemo accounts (synthetic demo only; shown once):")
    for c in result.credentials:
        click.echo(f"  {c.role:<20} {c.username:<36} password {c.password}  TOTP {c.totp_secret}")
    click.echo(
        "\nSign in with a username and password, then the 6-digit code from an authenticator"
        " app set up with the TOTP secret (or: grip demo-code SECRET)."
    )
    click.echo(
        "\nTo use the command line on this demo's database (for example `grip users list`):\n"
        f"  export GRIP_DATABASE_URL={result.database_url}"
    )
    if no_serve:
        return
    click.echo(f"\nServing on http://{host}:{port}/ (Ctrl-C to stop)")
    app = create_app(settings)
    warm_measures(app)  # the first view of the dashboard reads a kept run
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="warning")
