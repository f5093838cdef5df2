"""Helpers shared by the CLI modules."""

from __future__ import annotations

import click

from grip.settings import Settings, get_settings


def settings_from_env() -> Settings:
    """Settings for a CLI run, with a readable message when the environment is invalid."""
    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError names the variable and the problem
        raise click.ClickException(f"invalid GRIP_ settings: {exc}") from exc
