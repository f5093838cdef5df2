"""Inspections and visits: create, read, list, and move through the state machine.

An inspection is held under a named framework (``grip.frameworks``; ILACS 2017 by default,
SIF 2013 and CP 2012 selectable, since an inadequate LA is re-inspected under the framework it
was judged under: ILACS framework (Ofsted 170040) para 22). Its kind says who runs it: a real
Ofsted inspection the LA tracks, a mock inside the LA, or a peer review. Every move is checked
against ``rules.yaml`` (who, from which state) and recorded in the audit trail; a move out of
order or by the wrong person is refused and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import audit as trail
from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.frameworks.loader import framework_ids
from grip.inspections.models import Inspection, InspectionTeamMember
from grip.inspections.rules import Transition, rules
from grip.store.base import LocalAuthority


class InspectionError(ValueError):
    """Base of the inspection errors; the message says what was wrong and what was expected."""


class InspectionNotFound(InspectionError):
    """No such inspection in this LA."""


class InspectionNotAllowed(InspectionError):
    """The actor's role (in the LA or in the team) does not allow this."""


class InvalidMove(InspectionError):
    """The inspection is not in the state the move leaves."""


class DateRefused(InspectionError):
    """A date the ILACS rules forbid, given without an override reason."""


@dataclass(frozen=True)
class NewInspection:
    """What is needed to open an inspection record."""

    type: str
    kind: str = "real"
    framework_id: str | None = None  # ILACS 2017 when not given
    title: str = ""
    topic: str | None = None
    fieldwork_start: dt.date | None = None
    override_reason: str | None = None  # typed reason to accept a date the rules forbid


def _check_framework(framework_id: str) -> str:
    known = framework_ids()
    if framework_id not in known:
        raise InspectionError(
            f"framework {framework_id!r} is not known; expected one of {', '.join(known)}"
        )
    return framework_id


def check_new(spec: NewInspection) -> list[str]:
    """Every problem with ``spec`` (empty when it may be saved), each naming the field."""
    from grip.inspections.timeline import date_problems

    r = rules()
    problems: list[str] = []
    try:
        itype = r.type(spec.type)
    except ValueError as exc:
        return [f"type: {exc}"]
    try:
        r.check_kind(spec.kind)
    except ValueError as exc:
        problems.append(f"kind: {exc}")
    try:
        _check_framework(spec.framework_id or r.default_framework)
    except ValueError as exc:
        problems.append(f"framework: {exc}")
    if itype.has_topic and not (spec.topic or "").strip():
        problems.append(
            "topic: a focused visit needs its topic (ILACS framework (Ofsted 170040) para 105)"
        )
    if spec.fieldwork_start is not None and not (spec.override_reason or "").strip():
        problems += [
            f"fieldwork_start: {p}" for p in date_problems(spec.type, spec.fieldwork_start)
        ]
    return problems


def create_inspection(db: Session, la_code: str, spec: NewInspection, actor: Actor) -> Inspection:
    """Open an inspection record in ``la_code`` in the state ``planned``.

    Refuses (:class:`InspectionError`, nothing saved) an unknown type, kind or framework, a
    focused visit without a topic, and a fieldwork start the date rules forbid unless
    ``override_reason`` is given — then the override and its reason are logged.
    """
    if db.get(LocalAuthority, la_code) is None:
        raise InspectionError(f"local authority {la_code!r} does not exist")
    problems = check_new(spec)
    if problems:
        error = DateRefused if all(p.startswith("fieldwork_start") for p in problems) else None
        raise (error or InspectionError)("; ".join(problems))
    now = clock.now()
    r = rules()
    override = (spec.override_reason or "").strip() or None
    inspection = Inspection(
        la_code=la_code,
        id=new_id(),
        type=spec.type,
        framework_id=spec.framework_id or r.default_framework,
        kind=spec.kind,
        state="planned",
        title=spec.title.strip() or r.type(spec.type).label,
        topic=(spec.topic or "").strip() or None,
        fieldwork_start=spec.fieldwork_start,
        date_override_reason=override if spec.fieldwork_start else None,
        created_at=now,
        created_by=actor.user_id,
        updated_at=now,
    )
    db.add(inspection)
    db.flush()
    log_event(db, inspection, actor, "inspection.create", f"{spec.type} {spec.kind}")
    if override and spec.fieldwork_start:
        log_event(db, inspection, actor, "inspection.date_override", override[:500])
    return inspection


def get_inspection(db: Session, la_code: str, inspection_id: str) -> Inspection:
    """The inspection, or :class:`InspectionNotFound`."""
    found = db.scalar(
        select(Inspection).where(Inspection.la_code == la_code, Inspection.id == inspection_id)
    )
    if found is None:
        raise InspectionNotFound(f"no inspection {inspection_id!r} in {la_code}")
    return found


def list_inspections(db: Session, la_code: str) -> list[Inspection]:
    """The LA's inspections, newest fieldwork first (undated ones first of all).

    A row whose type, kind or state the rules do not know (written outside Grip) is left out:
    nothing about it can be shown or done safely."""
    r = rules()
    rows = [
        i
        for i in db.scalars(select(Inspection).where(Inspection.la_code == la_code))
        if i.type in r.types and i.kind in r.kinds and i.state in r.states
    ]
    return sorted(
        rows, key=lambda i: (i.fieldwork_start or dt.date.max, i.created_at), reverse=True
    )


def team_role_of(db: Session, inspection: Inspection, user_id: int) -> str | None:
    """The team role ``user_id`` holds on ``inspection``, or ``None``."""
    member = db.get(
        InspectionTeamMember,
        {"la_code": inspection.la_code, "inspection_id": inspection.id, "user_id": user_id},
    )
    return member.team_role if member else None


def allowed_moves(db: Session, inspection: Inspection, actor: Actor) -> list[Transition]:
    """The moves ``actor`` may make on ``inspection`` now."""
    team_role = team_role_of(db, inspection, actor.user_id)
    return [
        t
        for t in rules().from_state(inspection.state)
        if _may(t, inspection.kind, actor.role, team_role)
    ]


def _may(t: Transition, kind: str, role: str, team_role: str | None) -> bool:
    return role in t.la_roles[kind] or (team_role is not None and team_role in t.team_roles[kind])


def move(db: Session, inspection: Inspection, name: str, actor: Actor) -> Inspection:
    """Make the move ``name`` (``rules.yaml`` transitions), checked and logged.

    Raises :class:`InvalidMove` when the inspection is not in the state the move leaves and
    :class:`InspectionNotAllowed` when neither the actor's role in the LA nor their role in the
    team allows it for this kind of inspection. Closing ends the team inspectors' access;
    every other move renews it (``grip.inspections.team``).
    """
    try:
        t = rules().transition(name)
    except ValueError as exc:
        raise InspectionError(str(exc)) from None
    if inspection.state != t.from_state:
        raise InvalidMove(
            f"cannot {t.label.lower()}: the inspection is "
            f"{rules().states.get(inspection.state, inspection.state)}, "
            f"and this step follows {rules().states[t.from_state]}"
        )
    if not _may(t, inspection.kind, actor.role, team_role_of(db, inspection, actor.user_id)):
        raise InspectionNotAllowed(
            f"your role does not allow you to {t.label.lower()} on a {inspection.kind} inspection"
        )
    before = inspection.state
    inspection.state = t.to
    inspection.updated_at = clock.now()
    if t.to == "closed":
        inspection.closed_at = inspection.updated_at
    db.flush()
    log_event(db, inspection, actor, f"inspection.{name}", f"{before}->{t.to}")
    from grip.inspections.team import sync_team_access

    # Closing ends the inspectors' access; any other move renews it within the policy's limit.
    sync_team_access(db, inspection)
    return inspection


def log_event(
    db: Session,
    inspection: Inspection,
    actor: Actor | None,
    action: str,
    detail: str | None,
) -> None:
    trail.record_event(
        db,
        action=action,
        actor=trail.Actor(user_id=actor.user_id) if actor else None,
        la_code=inspection.la_code,
        object_type="inspection",
        object_id=inspection.id,
        detail=detail,
    )
