"""LA admin pages: the LA's users and roles, and its audit trail (view, filter, export).

Users of other LAs answer 404, never 403: an LA admin cannot learn who works elsewhere. What
an admin may change is decided by grip.access.users (change_by): never their own account, a
role only as permissions.yaml's ``grants`` allow, and the account of someone who works in
another LA only through their role here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip import calendar
from grip.access import audit, clock, users
from grip.access.models import Membership, User
from grip.access.principal import Principal
from grip.access.roles import UnknownRole, policy
from grip.documents import safe
from grip.web import forms
from grip.web.deps import render
from grip.web.middleware import error_response
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    PathId,
    ScopedDB,
    client_actor,
    csrf_token,
    requires,
)

router = APIRouter()


def _members(db: Session, la_code: str) -> list[tuple[User, Membership]]:
    rows = db.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.authority_code == la_code)
        .order_by(User.username)
    ).all()
    return [(u, m) for u, m in rows]


def _page(
    request: Request, db: Session, principal: Principal, status: int = 200, **ctx: object
) -> Response:
    members = _members(db, principal.la_code)
    grantable = policy().grants.get(principal.role, frozenset())
    return render(
        request,
        "admin/users.html",
        status_code=status,
        title="Users",
        principal=principal,
        members=members,
        roles=policy().roles,
        grantable=grantable,
        grantable_choices=[(c, r.label) for c, r in policy().roles.items() if c in grantable],
        default_role=policy().least_privileged(grantable),
        csrf_token=csrf_token(request),
        **({"values": {"role": policy().least_privileged(grantable)}} | ctx),
    )


@router.get("/admin/users", dependencies=[requires("admin:users")])
def users_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's users and their roles."""
    return _page(request, db, principal)


def _expiry(day: dt.date | None) -> dt.datetime | None:
    """Access ends at the end of the day chosen, in England's time."""
    if day is None:
        return None
    return calendar.moment_in_england(day, dt.time(23, 59))


class NewUser(forms.Form):
    """A person given an account and a role in this LA."""

    username: Annotated[str, Field(title="Username", max_length=100)]
    display_name: Annotated[str, Field(title="Full name", max_length=200)]
    role: Annotated[str, Field(title="Role", max_length=60)]
    expires: Annotated[dt.date | None, Field(title="Access ends")] = None


class RoleChange(forms.Form):
    """A new role for someone in this LA, and when their access ends."""

    role: Annotated[str, Field(title="Role", max_length=60)]
    expires: Annotated[dt.date | None, Field(title="Access ends")] = None


_REFUSALS = (users.AccessError, UnknownRole, ValueError)


def _refused(errors: forms.FormErrors, model: type[forms.Form], exc: Exception) -> int:
    """The library's refusal beside its field; 403 when the person may not do it, else 400."""
    field = "expires" if "expir" in str(exc).lower() else None
    forms.refuse(errors, model, str(exc), field)
    return 403 if isinstance(exc, users.Refused) else 400


@router.post("/admin/users", dependencies=[requires("admin:users")])
def create_user(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Create a user in the admin's LA; the one-time password and TOTP secret show once."""
    data, errors = forms.parse(NewUser, form)
    status = 400
    if data is not None:
        try:
            creds = users.create_by(db, _manager(principal), data.username, data.display_name,
                                    la_code=principal.la_code, role=data.role,
                                    expires_at=_expiry(data.expires))  # fmt: skip
            audit.record_event(db, action="user.create", la_code=principal.la_code,
                               actor=client_actor(request, principal), object_type="user",
                               object_id=creds.username, detail=f"role {data.role}")  # fmt: skip
            return _page(request, db, principal, created=creds)
        except _REFUSALS as exc:
            status = _refused(errors, NewUser, exc)
        db.rollback()
    return _page(request, db, principal, status, errors=errors, values=forms.values(form))


def other_member(user_id: PathId, principal: CurrentPrincipal, db: ScopedDB) -> User:
    """The member of this LA the address names, never the administrator themself: another
    administrator changes one's own account, so nobody raises their own access."""
    user = db.get(User, user_id)
    if user is None or db.get(Membership, (user_id, principal.la_code)) is None:
        raise HTTPException(404, "No such user in this local authority.")
    if user_id == principal.user_id:
        raise HTTPException(403, "Another administrator changes your own account.")
    return user


OtherMember = Annotated[User, Depends(other_member)]


def _manager(principal: Principal) -> users.Manager:
    return users.Manager(principal.user_id, principal.role, principal.la_code)


_MESSAGES = {
    "disable": "{u} is disabled and signed out",
    "enable": "{u} is enabled",
    "role": "{u} now has the role {role}",
    "revoke": "{u} no longer has a role here and is signed out",
    "reset": "new one-time credentials for {u}",
}


def _action(
    request: Request,
    db: Session,
    principal: Principal,
    user: User,
    action: str,
    change: RoleChange | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    """One change to ``user`` (:data:`OtherMember`), on the rules of
    :func:`grip.access.users.change_by`: refusals answer 403, bad values 400, on the page the
    change was asked on."""
    role = change.role if change else ""
    expires_at = _expiry(change.expires if change else None)
    try:
        created = users.change_by(
            db, _manager(principal), user, action, role=role, expires_at=expires_at
        )
        label = policy().roles[role].label if action == "role" else ""
    except _REFUSALS as exc:
        db.rollback()
        errors = forms.FormErrors()
        status = _refused(errors, RoleChange, exc)
        if change is not None:
            return _role_page(request, db, principal, user, status, errors=errors, values=typed)
        return _page(request, db, principal, status, errors=errors)
    audit.record_event(db, action=f"user.{action}", la_code=principal.la_code,
                       actor=client_actor(request, principal), object_type="user",
                       object_id=user.username, detail=role or None)  # fmt: skip
    message = _MESSAGES[action].format(u=user.username, role=label)
    return _page(request, db, principal, message=message, created=created)


#: What each action on a user's row does, said before it is done (GOV.UK: ask people to
#: confirm an action they cannot easily undo).
CONSEQUENCES = {
    "revoke": (
        "Remove {name}'s role",
        "{name} loses their role in this local authority at once: their sessions here end and "
        "they can no longer sign in to it. Their name stays on what they recorded.",
    ),
    "disable": (
        "Disable {name}'s account",
        "{name} is signed out everywhere and cannot sign in until an administrator enables the "
        "account again.",
    ),
    "reset": (
        "Reset {name}'s credentials",
        "{name}'s password and authenticator stop working at once and their sessions end. You "
        "will be shown a one-time password and authenticator secret to give them securely.",
    ),
}


@router.get("/admin/users/{user_id}/confirm", dependencies=[requires("admin:users")])
def confirm_page(
    request: Request, principal: CurrentPrincipal, member: OtherMember, action: str = ""
) -> Response:
    """Ask the administrator to confirm removing a role, disabling an account or resetting
    credentials, saying what happens."""
    if action not in CONSEQUENCES:
        choices = ", ".join(CONSEQUENCES)
        return error_response(request, 400, f"action {action[:40]!r}: expected one of {choices}")
    heading, consequence = (t.format(name=member.display_name) for t in CONSEQUENCES[action])
    return render(
        request,
        "admin/confirm.html",
        title=heading,
        principal=principal,
        heading=heading,
        consequence=consequence,
        action=f"/admin/users/{member.id}/{action}",
        csrf_token=csrf_token(request),
    )


#: The changes to a user made by one button, each its own address, with what it does.
USER_ACTIONS = {
    "disable": "Disable a user: their sessions end at once.",
    "enable": "Re-enable a disabled user.",
    "revoke": "Remove a user's role in this LA: their sessions end at once.",
    "reset": "New one-time password and TOTP secret (lost device); their sessions end.",
}


def _user_action_route(action: str, doc: str) -> None:
    def route(
        request: Request, principal: CurrentPrincipal, db: ScopedDB, user: OtherMember
    ) -> Response:
        return _action(request, db, principal, user, action)

    route.__doc__ = doc
    route.__name__ = action
    router.post(f"/admin/users/{{user_id}}/{action}", dependencies=[requires("admin:users")])(route)


for _name, _doc in USER_ACTIONS.items():
    _user_action_route(_name, _doc)


def _given(ctx: dict[str, object]) -> dict[str, object]:
    """The page context a caller gave, leaving out what it passed as None (the default stands)."""
    return {k: v for k, v in ctx.items() if v is not None}


def _role_page(
    request: Request,
    db: Session,
    principal: Principal,
    user: User,
    status: int = 200,
    **ctx: object,
) -> Response:
    membership = db.get(Membership, (user.id, principal.la_code))
    grantable = policy().grants.get(principal.role, frozenset())
    current = membership.role if membership else ""
    choices = [(c, r.label) for c, r in policy().roles.items() if c in grantable or c == current]
    return render(
        request,
        "admin/role.html",
        status_code=status,
        title=f"Change {user.display_name}'s role",
        principal=principal,
        member=user,
        choices=choices,
        csrf_token=csrf_token(request),
        **({"errors": forms.FormErrors(), "values": {"role": current}} | _given(ctx)),
    )


@router.get("/admin/users/{user_id}/role", dependencies=[requires("admin:users")])
def role_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, user: OtherMember
) -> Response:
    """Ask for a user's new role and, for an inspector, when their access ends."""
    return _role_page(request, db, principal, user)


@router.post("/admin/users/{user_id}/role", dependencies=[requires("admin:users")])
def set_role(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, user: OtherMember, form: FormBody
) -> Response:
    """Change a user's role in this LA (a change ends their sessions)."""
    data, errors = forms.parse(RoleChange, form)
    if data is None:
        return _role_page(
            request, db, principal, user, 400, errors=errors, values=forms.values(form)
        )
    return _action(request, db, principal, user, "role", data, forms.values(form))


class TrailDates(forms.Form):
    """The days the audit trail is filtered to (both optional, both included)."""

    since: Annotated[dt.date | None, Field(title="From")] = None
    until: Annotated[dt.date | None, Field(title="To")] = None


def _filter(
    principal: Principal,
    username: str,
    action: str,
    outcome: str,
    object_id: str,
    query: Mapping[str, str],
) -> tuple[audit.EventFilter, forms.FormErrors]:
    """The trail's filter from the query string; a date typed wrong (31 February, a 'from'
    after the 'to') is an error beside its field and the filter leaves that date out."""
    dates, errors = forms.parse(TrailDates, query)
    if dates and dates.since and dates.until and dates.since > dates.until:
        errors.add("since", "The ‘from’ date must be on or before the ‘to’ date", "since-day")
        dates = None
    dates = dates or TrailDates()
    return audit.EventFilter(
        la_code=principal.la_code,
        username=username or None,
        action=action or None,
        outcome=outcome or None,
        object_id=object_id or None,
        since=_day_start(dates.since),
        until=_day_start(dates.until + dt.timedelta(days=1) if dates.until else None),
    ), errors


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight at the start of ``day`` in England (the day the trail's times are shown on)."""
    return None if day is None else calendar.moment_in_england(day, dt.time())


@router.get("/admin/audit-trail", dependencies=[requires("admin:audit_trail")])
def audit_trail(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    username: str = Query("", max_length=100),
    action: str = Query("", max_length=60),
    outcome: str = Query("", max_length=20),
    object_id: str = Query("", max_length=100),
) -> Response:
    """The LA's audit trail, newest first, filtered; a date typed wrong is shown in place."""
    query = request.query_params
    f, errors = _filter(principal, username, action, outcome, object_id, query)
    events = audit.find_events(db, f)
    return render(
        request,
        "admin/audit_trail.html",
        status_code=400 if errors else 200,
        title="Audit trail",
        errors=errors,
        values=forms.values(query),
        events=events,
        f=f,
        query=request.url.query,
        outcomes=sorted(audit.OUTCOMES),
    )


@router.get("/admin/audit-trail/export", dependencies=[requires("admin:audit_trail")])
def audit_trail_export(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    format: str = Query("csv", pattern="^(csv|xlsx)$"),
    username: str = Query("", max_length=100),
    action: str = Query("", max_length=60),
    outcome: str = Query("", max_length=20),
    object_id: str = Query("", max_length=100),
) -> Response:
    """The filtered trail as CSV or XLSX (through the safe export module); the export itself
    is recorded."""
    f, errors = _filter(principal, username, action, outcome, object_id, request.query_params)
    if errors:  # only a link built by hand gets here: the page's own links come from its form
        return error_response(request, 400, " ".join(errors.values()))
    rows = audit.event_rows(audit.find_events(db, f, limit=100_000))
    audit.record_event(
        db,
        action=f"export.{format}",
        la_code=principal.la_code,
        actor=client_actor(request, principal),
        object_type="audit_trail",
        detail=f"{len(rows)} events",
    )
    if format == "xlsx":
        body = safe.xlsx_bytes([safe.Sheet("Audit trail", audit.EXPORT_COLUMNS, rows)])
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = safe.csv_bytes(audit.EXPORT_COLUMNS, rows)
        media = "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="audit-trail.{format}"'},
    )


@router.get("/admin/restrictions", dependencies=[requires("casedata:restrict")])
def restrictions_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's restricted cases, their access lists and review dates."""
    return _restrictions(request, db, principal)


def _restrictions(
    request: Request, db: Session, principal: Principal, status: int = 200, **ctx: object
) -> Response:
    from grip.access.models import CaseAccess, CaseRestriction

    rows = db.scalars(select(CaseRestriction).order_by(CaseRestriction.review_date)).all()
    lists: dict[str, list[str]] = {}
    for access, name in db.execute(
        select(CaseAccess, User.username).join(User, User.id == CaseAccess.user_id)
    ):
        lists.setdefault(access.person_id, []).append(name)
    return render(
        request,
        "admin/restrictions.html",
        status_code=status,
        title="Restricted cases",
        restrictions=rows,
        lists=lists,
        today=clock.now().date(),
        csrf_token=csrf_token(request),
        **({"errors": forms.FormErrors(), "values": {}} | _given(ctx)),
    )


class Restriction(forms.Form):
    """A case restricted to the people on its access list, with a reason and a review date."""

    person_id: Annotated[str, Field(title="Person id", max_length=48)] = ""
    reason: Annotated[str, Field(title="Reason", max_length=2000)] = ""
    review_date: Annotated[dt.date | None, Field(title="Review by")] = None
    access: Annotated[str, Field(title="Access list", max_length=4000)] = ""
    confirm_audits: Annotated[str | None, Field(title="Audits under way", max_length=3)] = None


@router.post("/admin/restrictions", dependencies=[requires("casedata:restrict")])
def restrict(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Restrict a case to named users (usernames separated by commas or spaces); an audit of
    the child under way is said first, and the restriction waits for a confirmation."""
    from grip.access import restrictions

    data, errors = forms.parse(Restriction, form)
    audits: list[Any] = []
    if data is not None:
        ids = _access_ids(db, principal, data.access, errors)
        if not data.person_id:
            errors.add("person_id", "Enter the person id of the case")
        if data.review_date is None:
            errors.add("review_date", "Enter the review date", "review_date-day")
        audits = _audits_left_out(db, principal, data.person_id, ids)
        if audits and not data.confirm_audits and not errors:
            errors.add("confirm_audits", "Confirm you have read what happens to the audits "
                       "under way, or add their auditors to the access list")  # fmt: skip
        if not errors and data.review_date is not None:
            try:
                restrictions.restrict_case(db, principal.scope(), data.person_id, data.reason,
                                           data.review_date, ids,
                                           actor=client_actor(request, principal))  # fmt: skip
                return _restrictions(
                    request, db, principal, message=f"{data.person_id} is restricted"
                )
            except restrictions.RestrictionError as exc:
                forms.refuse(errors, Restriction, str(exc))
    db.rollback()
    return _restrictions(
        request, db, principal, 400, errors=errors, values=forms.values(form), audits=audits
    )


def _access_ids(
    db: Session, principal: Principal, access: str, errors: forms.FormErrors
) -> list[int]:
    """The user ids of the usernames typed; each one not of this LA is an error."""
    ids, unknown = [], []
    for name in [n for n in access.replace(",", " ").split() if n]:
        user = users.get_user(db, name)
        if user is None or db.get(Membership, (user.id, principal.la_code)) is None:
            unknown.append(name)
        else:
            ids.append(user.id)
    if unknown:
        errors.add("access", f"Access list: no such user in this LA: {', '.join(unknown)}")
    return ids


def _audits_left_out(
    db: Session, principal: Principal, person_id: str, ids: list[int]
) -> list[Any]:
    """The child's audits under way whose auditor or moderator is not on the access list (they
    would no longer see the audit once the case is restricted)."""
    from grip.audits import lifecycle as lc

    if not person_id:
        return []
    out = []
    for row in lc.under_way(db, principal.la_code, person_id):
        mod = lc.moderation_of(db, row)
        people = {row.auditor_id, mod.moderator_id if mod else None} - {None}
        if people - set(ids):
            out.append(row)
    return out


@router.post("/admin/restrictions/{person_id}/lift", dependencies=[requires("casedata:restrict")])
def lift(request: Request, principal: CurrentPrincipal, db: ScopedDB, person_id: str) -> Response:
    """Lift a restriction (404 when the case is not restricted in this LA)."""
    from grip.access import restrictions

    if not restrictions.is_restricted(db, principal.la_code, person_id):
        return error_response(request, 404)
    restrictions.lift_restriction(
        db, principal.scope(), person_id, actor=client_actor(request, principal)
    )
    return _restrictions(request, db, principal, message=f"{person_id} is no longer restricted")


def _break_glass_page(
    request: Request, person_id: str, status: int = 200, **ctx: object
) -> Response:
    return render(
        request,
        "admin/break_glass.html",
        status_code=status,
        title="Emergency access",
        person_id=person_id,
        csrf_token=csrf_token(request),
        **ctx,
    )


# Both break-glass routes answer alike for a restricted case, an unrestricted one, one of
# another LA and an id that does not exist: whether a case is restricted is itself something
# a person off its access list must not learn (penetration test, December 2026).


@router.get("/break-glass/{person_id}", dependencies=[requires("casedata:break_glass")])
def break_glass_form(request: Request, principal: CurrentPrincipal, person_id: str) -> Response:
    """Ask for emergency access to a case (the same form for any id)."""
    return _break_glass_page(request, person_id)


class EmergencyAccess(forms.Form):
    reason: Annotated[str, Field(title="Why do you need access now?", max_length=2000)] = ""


@router.post("/break-glass/{person_id}", dependencies=[requires("casedata:break_glass")])
def break_glass(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, person_id: str, form: FormBody
) -> Response:
    """Grant emergency access for an hour with a typed reason when the case is restricted
    here; logged; QA leads notified. Every id gets the same answer."""
    from grip.access import restrictions

    data, errors = forms.parse(EmergencyAccess, form)
    if data is not None:
        try:
            restrictions.request_emergency_access(
                db,
                principal.scope(),
                person_id,
                data.reason,
                actor=client_actor(request, principal),
            )
            return _break_glass_page(request, person_id, granted=True)
        except restrictions.RestrictionError as exc:
            db.rollback()
            forms.refuse(errors, EmergencyAccess, str(exc), "reason")
    return _break_glass_page(request, person_id, 400, errors=errors, values=forms.values(form))
