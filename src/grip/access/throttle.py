"""Throttling of failed sign-ins (ASVS 5.0 V6.3.1).

Failures are counted per typed username (whether or not it exists, so the answers for known
and unknown usernames stay identical) and per client address. After ``USER_LIMIT`` failures
within ``WINDOW`` the username is locked for ``LOCK`` (doubling with each further failure,
at most ``MAX_LOCK``); an address is locked after ``ADDRESS_LIMIT``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.models import SignInThrottle

WINDOW = dt.timedelta(minutes=15)
USER_LIMIT = 5
ADDRESS_LIMIT = 50
LOCK = dt.timedelta(minutes=1)
MAX_LOCK = dt.timedelta(hours=1)


def username_key(username: str) -> str:
    """The throttle key of a typed username (hashed: typed usernames are sometimes passwords)."""
    return "u:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    """The throttle key of a client address."""
    return "a:" + hashlib.sha256(address.encode()).hexdigest()


def locked_until(db: Session, keys: list[str]) -> dt.datetime | None:
    """The latest lock in force on any of ``keys``, or ``None``."""
    now = clock.now()
    latest: dt.datetime | None = None
    for key in keys:
        row = db.get(SignInThrottle, key)
        if row is not None and row.locked_until is not None:
            until = clock.as_utc(row.locked_until)
            if until > now and (latest is None or until > latest):
                latest = until
    return latest


def record_failure(db: Session, key: str, limit: int) -> None:
    """Count one failure against ``key``, locking it once ``limit`` is reached."""
    now = clock.now()
    row = db.get(SignInThrottle, key)
    if row is None or now - clock.as_utc(row.window_start) > WINDOW:
        if row is not None:
            db.delete(row)
            db.flush()
        row = SignInThrottle(key=key, failures=0, window_start=now, locked_until=None)
        db.add(row)
    row.failures += 1
    if row.failures >= limit:
        lock = min(LOCK * (2 ** (row.failures - limit)), MAX_LOCK)
        row.locked_until = now + lock
    db.flush()


def clear(db: Session, key: str) -> None:
    """Forget failures for ``key`` (after a successful sign-in)."""
    db.execute(delete(SignInThrottle).where(SignInThrottle.key == key))
