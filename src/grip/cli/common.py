"""What every command shares: its settings, its database engine, and how it reads a date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from grip.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def settings_from_env() -> Settings:
    """Settings for a CLI run, with a readable message when the environment is invalid."""
    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError names the variable and the problem
        raise click.ClickException(f"invalid GRIP_ settings: {exc}") from exc


def engine_from_env(needs: str = "app_user") -> Engine:
    """The configured database, checked to open and to hold the table ``needs``.

    A database that cannot be opened, or one not yet migrated, is a one-line error naming the
    database (its password hidden) and what to do, not a driver traceback.
    """
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from grip.store.db import make_engine

    url = settings_from_env().resolved_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        present = inspect(engine).has_table(needs)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise click.ClickException(
            f"cannot open the database at {shown} ({type(getattr(exc, 'orig', exc)).__name__}); "
            "check GRIP_DATABASE_URL or GRIP_DATA_DIR"
        ) from None
    if not present:
        engine.dispose()
        raise click.ClickException(
            f"the database at {shown} is not set up for this: run `grip db upgrade` first"
        )
    return engine


class IsoDate(click.ParamType[dt.date, Any]):
    """A date written YYYY-MM-DD: the one way every command reads a date."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date as YYYY-MM-DD, got {value!r}", param, ctx)


DATE = IsoDate()
