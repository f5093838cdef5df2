"""Access tables: users, memberships (a role in an LA), sessions, throttling, restrictions,
break-glass and the append-only audit trail.

Tables that say which *user* may act in an LA (``membership``, ``web_session``) name the LA
``authority_code`` rather than ``la_code`` on purpose: sign-in must read them before an LA is
chosen, so they are not LA-owned data and row-level security does not apply to them.
Restrictions, access lists, inspection samples and break-glass records *are* LA-owned case
data (``LAOwned``): they are scoped like every other case table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned


class User(Base):
    """A person who signs in to Grip."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The last TOTP time step accepted: a code works once (RFC 6238 §5.2).
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    """A user's role in one LA. External inspectors' memberships expire."""

    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    authority_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("local_authority.code", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSession(Base):
    """A server-side session. Only a hash of the token is stored, so a copy of the table
    does not let anyone sign in."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    authority_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # False until the second factor has been given.
    authenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_web_session_user_id", "user_id"),)


class SignInThrottle(Base):
    """Failed sign-ins per key (a hash of the typed username, or of the client address)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseRestriction(LAOwned, Base):
    """A case restricted to an access list. ``person_id`` is the SSD person id."""

    __restriction_exempt__ = True
    __tablename__ = "case_restriction"

    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    review_date: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseAccess(LAOwned, Base):
    """A named user on a restricted case's access list."""

    __restriction_exempt__ = True
    __tablename__ = "case_access"

    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )


class InspectionCase(LAOwned, Base):
    """A case chosen for an external inspector: the only cases that inspector can see."""

    __restriction_exempt__ = True
    __tablename__ = "inspection_case"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)


class BreakGlass(LAOwned, Base):
    """Emergency access to a restricted case, with its typed reason."""

    __restriction_exempt__ = True
    __tablename__ = "break_glass"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(48))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Notification(LAOwned, Base):
    """A message for a user (e.g. the QA lead told of a break-glass access)."""

    __tablename__ = "notification"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    read: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(Base):
    """One append-only audit event: who, when, what, from where, outcome.

    Not ``LAOwned``: sign-in failures have no LA. LA admins see the events whose
    ``authority_code`` is their LA. Triggers (and on PostgreSQL, grants) refuse UPDATE and
    DELETE.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str | None] = mapped_column(String(100), nullable=True)
    authority_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))
    source_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_audit_event_authority_code_at", "authority_code", "at"),)
