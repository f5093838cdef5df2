"""Restricted cases: a case restricted to an access list (allocated worker, their
manager, named people), with a review date; break-glass access with a typed reason, logged
and notified to the LA's QA leads.

Who may see what is applied by the data layer (``grip.access.scope``): ORM models with a
``person_id`` column hide the case automatically; Core queries use
``scope.case_filter(scope, <person id column>)``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grip.access import audit, clock
from grip.access.models import BreakGlass, CaseAccess, CaseRestriction, Membership, Notification
from grip.access.scope import Scope
from grip.casedata.models import CASE_TABLES

#: How long a break-glass grant lasts.
BREAK_GLASS_DURATION = dt.timedelta(hours=1)
#: The shortest reason accepted: a few words, not "x".
MIN_REASON = 15


class RestrictionError(ValueError):
    """A restriction request that cannot be done; the message says why."""


def restrict_case(
    db: Session,
    scope: Scope,
    person_id: str,
    reason: str,
    review_date: dt.date,
    access_user_ids: list[int],
    actor: audit.Actor | None = None,
) -> None:
    """Restrict ``person_id`` in the scope's LA to ``access_user_ids`` (replacing any list).

    The caller names the allocated worker and their manager among ``access_user_ids``: Grip
    does not guess them, so nobody is silently left off. Someone changing the list of a case
    already restricted may not add themself to it: the way in for a person off the list is
    :func:`break_glass`, which is recorded with a reason and told to the QA leads.
    """
    if not reason.strip():
        raise RestrictionError("a restriction needs a reason")
    if review_date <= clock.now().date():
        raise RestrictionError(f"review date {review_date} must be in the future")
    la = scope.la_code
    existing = db.get(CaseRestriction, {"la_code": la, "person_id": person_id})
    if existing is None and not child_exists(db, la, person_id):
        raise RestrictionError(
            f"person: there is no child {person_id!r} in this local authority's case records"
        )
    before = set(access_list(db, la, person_id)) if existing is not None else set()
    if (
        existing is not None
        and scope.user_id is not None
        and scope.user_id in access_user_ids
        and scope.user_id not in before
    ):
        raise RestrictionError(
            "access: you are not on this case's access list and cannot add yourself; "
            "use emergency access, which is recorded and told to the QA lead"
        )
    if existing is None:
        db.add(
            CaseRestriction(
                la_code=la,
                person_id=person_id,
                reason=reason.strip(),
                review_date=review_date,
                created_by=scope.user_id,
                created_at=clock.now(),
            )
        )
    else:
        existing.reason = reason.strip()
        existing.review_date = review_date
    db.execute(
        delete(CaseAccess).where(CaseAccess.la_code == la, CaseAccess.person_id == person_id)
    )
    for uid in sorted(set(access_user_ids)):
        db.add(CaseAccess(la_code=la, person_id=person_id, user_id=uid))
    db.flush()
    audit.record_event(
        db,
        action="case.restrict",
        la_code=la,
        actor=actor or audit.Actor(user_id=scope.user_id),
        object_type="case",
        object_id=person_id,
        detail=f"review {review_date.isoformat()}; {len(set(access_user_ids))} on access list"
        + _list_change(db, before, set(access_user_ids)),
    )


def child_exists(db: Session, la_code: str, person_id: str) -> bool:
    """Whether ``person_id`` is a child in ``la_code``'s imported case records."""
    person = CASE_TABLES["ssd_person"]
    found = db.execute(
        select(person.c.pers_person_id).where(
            person.c.la_code == la_code, person.c.pers_person_id == person_id
        )
    ).first()
    return found is not None


def access_list(db: Session, la_code: str, person_id: str) -> list[int]:
    """The user ids on ``person_id``'s access list in ``la_code``."""
    return list(
        db.scalars(
            select(CaseAccess.user_id).where(
                CaseAccess.la_code == la_code, CaseAccess.person_id == person_id
            )
        )
    )


def _list_change(db: Session, before: set[int], after: set[int]) -> str:
    """``; added a, b; removed c`` by username, for the audit trail."""
    from grip.access.models import User

    def names(ids: set[int]) -> str:
        return ", ".join(sorted(db.scalars(select(User.username).where(User.id.in_(ids)))))

    added, removed = after - before, before - after
    return (f"; added {names(added)}" if added else "") + (
        f"; removed {names(removed)}" if removed else ""
    )


def lift_restriction(
    db: Session, scope: Scope, person_id: str, actor: audit.Actor | None = None
) -> None:
    """Remove the restriction on ``person_id``."""
    la = scope.la_code
    db.execute(
        delete(CaseAccess).where(CaseAccess.la_code == la, CaseAccess.person_id == person_id)
    )
    db.execute(
        delete(CaseRestriction).where(
            CaseRestriction.la_code == la, CaseRestriction.person_id == person_id
        )
    )
    audit.record_event(
        db,
        action="case.unrestrict",
        la_code=la,
        actor=actor or audit.Actor(user_id=scope.user_id),
        object_type="case",
        object_id=person_id,
    )


def restricted_ids(db: Session, la_code: str) -> set[str]:
    """The person ids restricted in ``la_code`` (for choosing samples: never a restricted
    child)."""
    return set(
        db.scalars(select(CaseRestriction.person_id).where(CaseRestriction.la_code == la_code))
    )


def is_restricted(db: Session, la_code: str, person_id: str) -> bool:
    """Whether ``person_id`` is restricted in ``la_code``."""
    return db.get(CaseRestriction, {"la_code": la_code, "person_id": person_id}) is not None


def break_glass(
    db: Session,
    scope: Scope,
    person_id: str,
    reason: str,
    actor: audit.Actor | None = None,
) -> BreakGlass:
    """Give the scope's user emergency access to a restricted case for
    :data:`BREAK_GLASS_DURATION`, with a typed reason; logged, and every QA lead of the LA is
    notified."""
    if scope.user_id is None:
        raise RestrictionError("break-glass access is for a named user")
    if len(reason.strip()) < MIN_REASON:
        raise RestrictionError(f"give the reason in at least {MIN_REASON} characters")
    if not is_restricted(db, scope.la_code, person_id):
        raise RestrictionError("this case is not restricted")
    now = clock.now()
    grant = BreakGlass(
        la_code=scope.la_code,
        id=uuid.uuid4().hex,
        person_id=person_id,
        user_id=scope.user_id,
        reason=reason.strip(),
        at=now,
        expires_at=now + BREAK_GLASS_DURATION,
    )
    db.add(grant)
    leads = db.scalars(
        select(Membership.user_id).where(
            Membership.authority_code == scope.la_code, Membership.role == "qa_lead"
        )
    ).all()
    who = actor.username if actor and actor.username else f"user {scope.user_id}"
    for lead in leads:
        db.add(
            Notification(
                la_code=scope.la_code,
                id=uuid.uuid4().hex,
                user_id=lead,
                at=now,
                text=f"Break-glass access to restricted case {person_id} by {who}: "
                f"{reason.strip()}",
                read=False,
            )
        )
    db.flush()
    audit.record_event(
        db,
        action="case.break_glass",
        la_code=scope.la_code,
        actor=actor or audit.Actor(user_id=scope.user_id),
        object_type="case",
        object_id=person_id,
        detail=reason.strip(),
    )
    return grant


def request_emergency_access(
    db: Session, scope: Scope, person_id: str, reason: str, actor: audit.Actor | None = None
) -> None:
    """:func:`break_glass` when ``person_id`` is restricted in the scope's LA; otherwise
    nothing. The reason is checked first and the caller learns nothing else either way, so
    the answer does not tell whether a case is restricted, unrestricted or absent."""
    if len(reason.strip()) < MIN_REASON:
        raise RestrictionError(f"Give the reason in at least {MIN_REASON} characters")
    if is_restricted(db, scope.la_code, person_id):
        break_glass(db, scope, person_id, reason, actor)


def reviews_due(db: Session, la_code: str, on: dt.date) -> list[CaseRestriction]:
    """The LA's restrictions whose review date is on or before ``on``."""
    return list(
        db.scalars(
            select(CaseRestriction)
            .where(CaseRestriction.la_code == la_code, CaseRestriction.review_date <= on)
            .order_by(CaseRestriction.review_date, CaseRestriction.person_id)
        )
    )
