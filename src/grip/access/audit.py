"""The audit trail: one append-only event for each read or change of a child's
record, audit, evidence entry and export, plus sign-ins and authorisation failures.

Call :func:`record_event` with an ORM session (the event commits with the caller's work) or
with an engine (the event is written in its own transaction, so it survives the caller's
rollback — use this for failures and denials). Never put child data (names, notes) in
``detail``: ids and reasons only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.events import describe, outcome_words
from grip.access.models import AuditEvent
from grip.store.db import transaction

#: Outcomes an event may have.
OUTCOMES = frozenset({"success", "failure", "denied", "not_found"})


@dataclass(frozen=True)
class Actor:
    """Who acted and from where."""

    user_id: int | None = None
    username: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None


def record_event(
    target: Session | Engine,
    *,
    action: str,
    outcome: str = "success",
    actor: Actor | None = None,
    la_code: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one event. ``action`` is ``"<thing>.<verb>"``, e.g. ``"case.read"``,
    ``"export.xlsx"``, ``"signin.failure"``."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {sorted(OUTCOMES)}")
    actor = actor or Actor()
    event = AuditEvent(
        at=clock.now(),
        user_id=actor.user_id,
        username=actor.username,
        authority_code=la_code,
        action=action[:60],
        object_type=object_type,
        object_id=object_id[:100] if object_id else None,
        outcome=outcome,
        source_ip=actor.source_ip[:64] if actor.source_ip else None,
        user_agent=actor.user_agent[:200] if actor.user_agent else None,
        detail=detail,
    )
    if isinstance(target, Session):
        target.add(event)
        target.flush()
        return
    with transaction(target) as db:
        db.add(event)


@dataclass(frozen=True)
class EventFilter:
    """Filters for the LA admin's view of the trail."""

    la_code: str
    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    object_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _query(f: EventFilter) -> Select[AuditEvent]:
    q = select(AuditEvent).where(AuditEvent.authority_code == f.la_code)
    if f.username:
        q = q.where(AuditEvent.username == f.username)
    if f.action:
        q = q.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.outcome:
        q = q.where(AuditEvent.outcome == f.outcome)
    if f.object_id:
        q = q.where(AuditEvent.object_id == f.object_id)
    if f.since:
        q = q.where(AuditEvent.at >= f.since)
    if f.until:
        q = q.where(AuditEvent.at < f.until)
    return q.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def find_events(db: Session, f: EventFilter, limit: int = 500) -> Sequence[AuditEvent]:
    """The LA's events matching ``f``, newest first."""
    return db.scalars(_query(f).limit(limit)).all()


EXPORT_COLUMNS = (
    "id",
    "at",
    "user_id",
    "username",
    "authority_code",
    "action",
    "event",
    "object_type",
    "object_id",
    "outcome",
    "result",
    "source_ip",
    "user_agent",
    "detail",
)


def event_rows(events: Iterable[AuditEvent]) -> list[list[str | int | None]]:
    """Events as rows of :data:`EXPORT_COLUMNS` (for safe CSV/XLSX export): each action and
    outcome as its code, for filtering, and in words (``event``, ``result``), for reading."""
    return [
        [
            e.id,
            clock.as_utc(e.at).isoformat(),
            e.user_id,
            e.username,
            e.authority_code,
            e.action,
            describe(e.action),
            e.object_type,
            e.object_id,
            e.outcome,
            outcome_words(e.outcome),
            e.source_ip,
            e.user_agent,
            e.detail,
        ]
        for e in events
    ]
