"""``grip demo-code``: the current sign-in code for a demo account (a light command)."""

from __future__ import annotations

import click

from grip.access import clock, totp


@click.command("demo-code")
@click.argument("secret")
def demo_code(secret: str) -> None:
    """Print the current 6-digit sign-in code for a demo account's TOTP SECRET."""
    try:
        click.echo(totp.code_at(secret, clock.now()))
    except (ValueError, TypeError) as exc:  # pyotp's message names what is wrong
        raise click.BadParameter(f"not a TOTP secret: {exc}", param_hint="SECRET") from exc
