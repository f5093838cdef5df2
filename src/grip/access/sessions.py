"""Server-side sessions (ASVS 5.0 V7).

Tokens are 256 random bits; only their SHA-256 is stored. A session ends after
``session_idle_minutes`` without a request or ``session_absolute_hours`` after sign-in,
at sign-out, and when its user is disabled or loses the role in the session's LA.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.models import Membership, User, WebSession
from grip.settings import Settings


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh session token: 256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def cookie_name(settings: Settings) -> str:
    """``__Host-grip_session`` (Secure, no Domain, Path=/), or plain for local HTTP dev."""
    return "__Host-grip_session" if settings.secure_cookies else "grip_session"


def start_session(db: Session, user_id: int) -> str:
    """Create a session for ``user_id`` awaiting its second factor; returns the token."""
    token = new_token()
    now = clock.now()
    db.add(
        WebSession(
            token_hash=_hash(token),
            user_id=user_id,
            authority_code=None,
            authenticated=False,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    db.flush()
    return token


def rotate(db: Session, token: str) -> str:
    """Replace ``token`` with a new one (at each step of sign-in), keeping the session."""
    row = db.get(WebSession, _hash(token))
    if row is None:
        raise LookupError("no such session")
    new = new_token()
    db.add(
        WebSession(
            token_hash=_hash(new),
            user_id=row.user_id,
            authority_code=row.authority_code,
            authenticated=row.authenticated,
            csrf_token=secrets.token_urlsafe(32),
            created_at=row.created_at,
            last_seen_at=clock.now(),
        )
    )
    db.delete(row)
    db.flush()
    return new


@dataclass(frozen=True)
class LiveSession:
    """A valid session, as loaded for one request."""

    token_hash: str
    user: User
    authenticated: bool
    authority_code: str | None
    role: str | None
    csrf_token: str
    memberships: dict[str, str]


def active_memberships(db: Session, user_id: int) -> dict[str, str]:
    """The user's unexpired LA memberships: ``{la_code: role}``."""
    now = clock.now()
    rows = db.scalars(select(Membership).where(Membership.user_id == user_id)).all()
    return {
        m.authority_code: m.role
        for m in rows
        if m.expires_at is None or clock.as_utc(m.expires_at) > now
    }


#: How stale the idle timer may get before a request writes it again. Writing it on every
#: request made every page a database write (on SQLite, one writer at a time: under twenty
#: users the pages queued for the lock); a minute is nothing beside an idle timeout of many
#: minutes.
TOUCH_EVERY = dt.timedelta(seconds=60)


def load(db: Session, token: str | None, settings: Settings) -> LiveSession | None:
    """The live session for ``token``, touching its idle timer; ``None`` (and the row deleted)
    when it has expired, its user is disabled, or its LA role has been revoked."""
    if not token or len(token) > 200:
        return None
    row = db.get(WebSession, _hash(token))
    if row is None:
        return None
    now = clock.now()
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    absolute = dt.timedelta(hours=settings.session_absolute_hours)
    user = db.get(User, row.user_id)
    expired = (
        now - clock.as_utc(row.last_seen_at) > idle or now - clock.as_utc(row.created_at) > absolute
    )
    if expired or user is None or not user.is_active:
        db.delete(row)
        db.flush()
        return None
    memberships = active_memberships(db, user.id)
    role = None
    if row.authority_code is not None:
        role = memberships.get(row.authority_code)
        if role is None:
            # The role in this LA was revoked or expired: the session ends at once.
            db.delete(row)
            db.flush()
            return None
    if now - clock.as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        db.flush()
    return LiveSession(
        token_hash=row.token_hash,
        user=user,
        authenticated=row.authenticated,
        authority_code=row.authority_code,
        role=role,
        csrf_token=row.csrf_token,
        memberships=memberships,
    )


def mark_authenticated(db: Session, token: str, authority_code: str | None) -> None:
    """Record that the second factor was given (and the LA chosen, if only one)."""
    row = db.get(WebSession, _hash(token))
    if row is None:
        raise LookupError("no such session")
    row.authenticated = True
    row.authority_code = authority_code
    db.flush()


def choose_authority(db: Session, token: str, authority_code: str) -> None:
    """Switch the session to another of the user's LAs."""
    row = db.get(WebSession, _hash(token))
    if row is None:
        raise LookupError("no such session")
    row.authority_code = authority_code
    db.flush()


def end(db: Session, token: str) -> None:
    """End the session for ``token`` on the server."""
    db.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def end_all_for_user(db: Session, user_id: int) -> int:
    """End every session of a user (disabled, password reset, role revoked); returns count."""
    result = db.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
