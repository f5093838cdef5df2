"""The access capability's clock: UTC, and freezable so tests can step through timeouts."""

from __future__ import annotations

import datetime as dt

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time in UTC (or the frozen time in tests)."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def freeze(at: dt.datetime | None) -> None:
    """Freeze the clock at ``at`` (aware); ``None`` lets it run again. For tests."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware UTC datetime (SQLite hands back naive ones)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def frozen_at() -> dt.datetime | None:
    """The frozen time, or ``None`` when the clock runs (for tests that restore it)."""
    return _frozen
