"""The inspection team, and the inspector access that membership grants.

Adding an inspecting member (lead, team or shadowing inspector, quality assurance manager) to
an inspection is the only set-up inspector access needs: they get Grip's existing external
inspector role in the LA (read-only, sample-scoped, time-limited; ``grip.access``), its expiry
set to the end of the inspection's timeline, and their sample is exactly the cases of the open
inspections they are on. Leaving the team, or the inspection closing, takes it away again.
Someone who already holds another role in the LA (the LA's own staff in a mock inspection)
keeps that role: membership never raises or lowers an LA role.

The LA's link person and the DCS (ILACS framework (Ofsted 170040) paras 73-76) must already
hold a role in the LA; they are named on the team so the team knows who answers requests.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grip import calendar
from grip.access import clock
from grip.access.models import InspectionCase, Membership, User
from grip.access.roles import INSPECTOR, policy
from grip.access.users import MAX_ID, grant_role, revoke_role, set_inspection_sample
from grip.audits.lifecycle import Actor
from grip.inspections.models import Inspection, InspectionSampleCase, InspectionTeamMember
from grip.inspections.records import InspectionError, log_event
from grip.inspections.rules import rules

#: Access lasts this long after an undated inspection is set up (until its dates are known).
UNDATED_ACCESS = dt.timedelta(days=30)


def team(db: Session, inspection: Inspection) -> list[tuple[InspectionTeamMember, User]]:
    """The team, with each member's user, in the order of ``rules.yaml``'s team roles."""
    order = list(rules().team_roles)
    rows = db.execute(
        select(InspectionTeamMember, User)
        .join(User, User.id == InspectionTeamMember.user_id)
        .where(
            InspectionTeamMember.la_code == inspection.la_code,
            InspectionTeamMember.inspection_id == inspection.id,
        )
    ).all()
    pairs = [(m, u) for m, u in rows]
    return sorted(pairs, key=lambda p: (order.index(p[0].team_role), p[1].display_name))


def add_member(
    db: Session, inspection: Inspection, username: str, team_role: str, actor: Actor
) -> InspectionTeamMember:
    """Put ``username`` on the team as ``team_role`` and grant what that role brings.

    Refuses an unknown person or team role, a second lead inspector, someone already on the
    team, a closed inspection, and an LA-side role (link person, DCS) for someone with no role
    in the LA.
    """
    try:
        role = rules().team_role(team_role)
    except ValueError as exc:
        raise InspectionError(f"team role: {exc}") from None
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        raise InspectionError(f"person: no active Grip user called {username!r}")
    if inspection.state not in rules().open_states:
        raise InspectionError("the inspection is closed: its team can no longer change")
    members = {m.user_id: m.team_role for m, _ in team(db, inspection)}
    if user.id in members:
        raise InspectionError(f"person: {user.username} is already on the team")
    if team_role == "lead_inspector" and "lead_inspector" in members.values():
        raise InspectionError("team role: the inspection already has a lead inspector")
    la_role = _la_role(db, inspection.la_code, user.id)
    if not role.inspecting and (la_role is None or la_role == INSPECTOR):
        raise InspectionError(
            f"person: {user.username} holds no role in {inspection.la_code}; the "
            f"{role.label.lower()} is one of the local authority's own staff"
        )
    member = InspectionTeamMember(
        la_code=inspection.la_code,
        inspection_id=inspection.id,
        user_id=user.id,
        team_role=team_role,
        added_at=clock.now(),
        added_by=actor.user_id,
    )
    db.add(member)
    db.flush()
    log_event(db, inspection, actor, "inspection.team_add", f"user {user.id} as {team_role}")
    sync_user_access(db, inspection.la_code, user.id)
    return member


def remove_member(db: Session, inspection: Inspection, user_id: int, actor: Actor) -> None:
    """Take ``user_id`` off the team; their inspector access is recomputed at once."""
    if not 0 < user_id <= MAX_ID:  # a 25-digit id used to fail in the database
        raise InspectionError(f"person: user {user_id} is not on the team")
    member = db.get(
        InspectionTeamMember,
        {"la_code": inspection.la_code, "inspection_id": inspection.id, "user_id": user_id},
    )
    if member is None:
        raise InspectionError(f"person: user {user_id} is not on the team")
    db.delete(member)
    db.flush()
    log_event(db, inspection, actor, "inspection.team_remove", f"user {user_id}")
    sync_user_access(db, inspection.la_code, user_id)


def _la_role(db: Session, la_code: str, user_id: int) -> str | None:
    membership = db.get(Membership, (user_id, la_code))
    return membership.role if membership else None


def access_until(inspection: Inspection) -> dt.datetime:
    """When an inspector's access from ``inspection`` ends: midnight in England after the last
    date of its timeline (the report's publication), or 30 days from now while it has no
    timeline."""
    from grip.inspections.checklist import timeline_of

    timeline = timeline_of(inspection)
    if timeline is None:
        return clock.now() + UNDATED_ACCESS
    last = max(m.date for m in timeline.milestones)
    return calendar.moment_in_england(last + dt.timedelta(days=1), dt.time())


def _longest_grant() -> dt.datetime:
    """The latest expiry the access policy allows for an inspector granted now (the role's
    ``max_expiry_days`` in permissions.yaml, when it sets one). Each move of the inspection
    grants again, so a long inspection keeps its inspectors while it runs."""
    days = getattr(policy().roles[INSPECTOR], "max_expiry_days", None)
    return clock.now() + dt.timedelta(days=days) if days else dt.datetime.max.replace(tzinfo=dt.UTC)


def sync_team_access(db: Session, inspection: Inspection) -> None:
    """Recompute the inspector access of everyone on ``inspection``'s team."""
    for member, _ in team(db, inspection):
        sync_user_access(db, inspection.la_code, member.user_id)


def sync_user_access(db: Session, la_code: str, user_id: int) -> None:
    """Make ``user_id``'s inspector access in ``la_code`` match the open inspections whose team
    they are on as an inspecting member: the union of those inspections' cases, until the
    latest of their ends. With none left, the inspector role and its sample go."""
    inspecting = [k for k, r in rules().team_roles.items() if r.inspecting]
    inspections = db.scalars(
        select(Inspection)
        .join(
            InspectionTeamMember,
            (InspectionTeamMember.la_code == Inspection.la_code)
            & (InspectionTeamMember.inspection_id == Inspection.id),
        )
        .where(
            Inspection.la_code == la_code,
            InspectionTeamMember.user_id == user_id,
            InspectionTeamMember.team_role.in_(inspecting),
            Inspection.state.in_(rules().open_states),
        )
    ).all()
    role = _la_role(db, la_code, user_id)
    if role is not None and role != INSPECTOR:
        return  # the LA's own staff: their role already decides what they see
    user = db.get(User, user_id)
    assert user is not None
    if not inspections:
        db.execute(
            delete(InspectionCase).where(
                InspectionCase.la_code == la_code, InspectionCase.user_id == user_id
            )
        )
        if role == INSPECTOR:
            revoke_role(db, user, la_code)
        return
    until = min(max(access_until(i) for i in inspections), _longest_grant())
    grant_role(db, user, la_code, INSPECTOR, expires_at=until)
    set_inspection_sample(db, user, la_code, _case_ids(db, la_code, [i.id for i in inspections]))


def _case_ids(db: Session, la_code: str, inspection_ids: list[str]) -> list[str]:
    # Core on the session's connection: the acting user's own sample must not narrow the list
    # (a lead inspector adding a colleague sees only their own sample through the ORM).
    t = InspectionSampleCase.__table__
    stmt = select(t.c.person_id).where(
        t.c.la_code == la_code, t.c.inspection_id.in_(inspection_ids)
    )
    return sorted(set(db.connection().scalars(stmt)))
