"""LA admin pages: the LA's users and roles, and its audit trail (view, filter, export).

Users of other LAs answer 404, never 403 (issue 4 §3): an LA admin cannot learn who works
elsewhere. Disabling a user who also works in another LA is refused: revoke the role here.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import audit, users
from grip.access.models import Membership, User
from grip.access.principal import Principal
from grip.access.roles import UnknownRole, policy
from grip.documents import safe
from grip.web.deps import render
from grip.web.middleware import error_response
from grip.web.security import CurrentPrincipal, ScopedDB, client_actor, csrf_token, requires

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
    return render(
        request,
        "admin/users.html",
        status_code=status,
        title="Users",
        principal=principal,
        members=members,
        roles=policy().roles,
        csrf_token=csrf_token(request),
        **ctx,
    )


@router.get("/admin/users", dependencies=[requires("admin:users")])
def users_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's users and their roles."""
    return _page(request, db, principal)


def _expiry(value: str) -> dt.datetime | None:
    if not value:
        return None
    day = dt.date.fromisoformat(value)
    return dt.datetime(day.year, day.month, day.day, 23, 59, tzinfo=dt.UTC)


@router.post("/admin/users", dependencies=[requires("admin:users")])
def create_user(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    username: str = Form(""),
    display_name: str = Form(""),
    role: str = Form(""),
    expires: str = Form(""),
) -> Response:
    """Create a user in the admin's LA; the one-time password and TOTP secret show once."""
    if not _may_grant(principal, role):
        return _page(request, db, principal, status=400, errors=[_GRANT_REFUSED])
    try:
        expires_at = _expiry(expires)
        creds = users.create_user(
            db,
            username,
            display_name,
            la_code=principal.la_code,
            role=role,
            expires_at=expires_at,
        )
        audit.record_event(
            db,
            action="user.create",
            la_code=principal.la_code,
            actor=client_actor(request, principal),
            object_type="user",
            object_id=creds.username,
            detail=f"role {role}",
        )
    except (users.AccessError, UnknownRole, ValueError) as exc:
        db.rollback()
        return _page(request, db, principal, status=400, errors=[str(exc)])
    return _page(request, db, principal, created=creds)


_GRANT_REFUSED = "Only a platform operator can give the platform operator role"


def _may_grant(principal: Principal, role: str) -> bool:
    """An LA admin cannot make anyone a platform operator (a service-wide role)."""
    return role != "platform_operator" or principal.role == "platform_operator"


def _member_or_404(db: Session, principal: Principal, user_id: int) -> User | None:
    user = db.get(User, user_id)
    if user is None or db.get(Membership, (user_id, principal.la_code)) is None:
        return None
    return user


def _action(
    request: Request, db: Session, principal: Principal, user_id: int, action: str, **kw: str
) -> Response:
    message = ""
    created = None
    user = _member_or_404(db, principal, user_id)
    if user is None:
        return error_response(request, 404)
    try:
        if action == "disable":
            others = [
                m.authority_code
                for m in db.scalars(select(Membership).where(Membership.user_id == user.id))
                if m.authority_code != principal.la_code
            ]
            if others:
                raise users.AccessError(
                    f"{user.username} also works in another LA: revoke their role here instead"
                )
            if user.id == principal.user_id:
                raise users.AccessError("you cannot disable yourself")
            users.set_active(db, user, False)
            message = f"{user.username} is disabled and signed out"
        elif action == "enable":
            users.set_active(db, user, True)
            message = f"{user.username} is enabled"
        elif action == "role":
            role = kw.get("role", "")
            if not _may_grant(principal, role):
                raise users.AccessError(_GRANT_REFUSED)
            users.grant_role(db, user, principal.la_code, role, _expiry(kw.get("expires", "")))
            message = f"{user.username} is now {policy().check_role(role).label}"
        elif action == "revoke":
            users.revoke_role(db, user, principal.la_code)
            message = f"{user.username} no longer has a role here and is signed out"
        elif action == "reset":
            created = users.reset_credentials(db, user)
            message = f"new one-time credentials for {user.username}"
    except (users.AccessError, UnknownRole, ValueError) as exc:
        db.rollback()
        return _page(request, db, principal, status=400, errors=[str(exc)])
    audit.record_event(
        db,
        action=f"user.{action}",
        la_code=principal.la_code,
        actor=client_actor(request, principal),
        object_type="user",
        object_id=user.username,
        detail=kw.get("role"),
    )
    return _page(request, db, principal, message=message, created=created)


@router.post("/admin/users/{user_id}/disable", dependencies=[requires("admin:users")])
def disable(request: Request, principal: CurrentPrincipal, db: ScopedDB, user_id: int) -> Response:
    """Disable a user: their sessions end at once."""
    return _action(request, db, principal, user_id, "disable")


@router.post("/admin/users/{user_id}/enable", dependencies=[requires("admin:users")])
def enable(request: Request, principal: CurrentPrincipal, db: ScopedDB, user_id: int) -> Response:
    """Re-enable a disabled user."""
    return _action(request, db, principal, user_id, "enable")


@router.post("/admin/users/{user_id}/role", dependencies=[requires("admin:users")])
def set_role(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    user_id: int,
    role: str = Form(""),
    expires: str = Form(""),
) -> Response:
    """Change a user's role in this LA (a change ends their sessions)."""
    return _action(request, db, principal, user_id, "role", role=role, expires=expires)


@router.post("/admin/users/{user_id}/revoke", dependencies=[requires("admin:users")])
def revoke(request: Request, principal: CurrentPrincipal, db: ScopedDB, user_id: int) -> Response:
    """Remove a user's role in this LA: their sessions end at once."""
    return _action(request, db, principal, user_id, "revoke")


@router.post("/admin/users/{user_id}/reset", dependencies=[requires("admin:users")])
def reset(request: Request, principal: CurrentPrincipal, db: ScopedDB, user_id: int) -> Response:
    """New one-time password and TOTP secret (lost device); their sessions end."""
    return _action(request, db, principal, user_id, "reset")


def _filter(
    principal: Principal,
    username: str,
    action: str,
    outcome: str,
    object_id: str,
    since: str,
    until: str,
) -> audit.EventFilter:
    def day(value: str) -> dt.datetime | None:
        if not value:
            return None
        d = dt.date.fromisoformat(value)
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)

    until_at = day(until)
    return audit.EventFilter(
        la_code=principal.la_code,
        username=username or None,
        action=action or None,
        outcome=outcome or None,
        object_id=object_id or None,
        since=day(since),
        until=until_at + dt.timedelta(days=1) if until_at else None,
    )


@router.get("/admin/audit-trail", dependencies=[requires("admin:audit_trail")])
def audit_trail(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    username: str = Query("", max_length=100),
    action: str = Query("", max_length=60),
    outcome: str = Query("", max_length=20),
    object_id: str = Query("", max_length=100),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
) -> Response:
    """The LA's audit trail, newest first, filtered."""
    try:
        f = _filter(principal, username, action, outcome, object_id, since, until)
    except ValueError:
        return error_response(request, 400, "Dates must be written as YYYY-MM-DD")
    events = audit.find_events(db, f)
    return render(
        request,
        "admin/audit_trail.html",
        title="Audit trail",
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
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
) -> Response:
    """The filtered trail as CSV or XLSX (through the safe export module); the export itself
    is recorded."""
    try:
        f = _filter(principal, username, action, outcome, object_id, since, until)
    except ValueError:
        return error_response(request, 400, "Dates must be written as YYYY-MM-DD")
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
    """The LA's restricted cases, their access lists and review dates (issue 4 §5)."""
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
        today=dt.date.today(),
        csrf_token=csrf_token(request),
        **ctx,
    )


@router.post("/admin/restrictions", dependencies=[requires("casedata:restrict")])
def restrict(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    person_id: str = Form("", max_length=48),
    reason: str = Form("", max_length=2000),
    review_date: str = Form(""),
    access: str = Form("", max_length=4000),
) -> Response:
    """Restrict a case to named users (usernames separated by commas or spaces)."""
    from grip.access import restrictions

    errors: list[str] = []
    try:
        review = dt.date.fromisoformat(review_date)
    except ValueError:
        return _restrictions(request, db, principal, 400, errors=["Review date must be YYYY-MM-DD"])
    names = [n for n in access.replace(",", " ").split() if n]
    ids = []
    for name in names:
        user = users.get_user(db, name)
        if user is None or db.get(Membership, (user.id, principal.la_code)) is None:
            errors.append(f"{name}: no such user in this LA")
        else:
            ids.append(user.id)
    if not person_id.strip():
        errors.append("Enter the person id of the case")
    if not errors:
        try:
            restrictions.restrict_case(
                db,
                principal.scope(),
                person_id.strip(),
                reason,
                review,
                ids,
                actor=client_actor(request, principal),
            )
        except restrictions.RestrictionError as exc:
            errors.append(str(exc))
    if errors:
        db.rollback()
        return _restrictions(request, db, principal, 400, errors=errors)
    return _restrictions(request, db, principal, message=f"{person_id.strip()} is restricted")


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


@router.get("/break-glass/{person_id}", dependencies=[requires("casedata:break_glass")])
def break_glass_form(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, person_id: str
) -> Response:
    """Ask for emergency access to a restricted case (404 unless it is restricted here)."""
    from grip.access import restrictions

    # Scoped like the POST: on PostgreSQL the app's role sees the LA's restrictions only
    # with its LA set (row-level security).
    if not restrictions.is_restricted(db, principal.la_code, person_id):
        return error_response(request, 404)
    return render(
        request,
        "admin/break_glass.html",
        title="Emergency access",
        person_id=person_id,
        csrf_token=csrf_token(request),
    )


@router.post("/break-glass/{person_id}", dependencies=[requires("casedata:break_glass")])
def break_glass(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    person_id: str,
    reason: str = Form("", max_length=2000),
) -> Response:
    """Grant emergency access for an hour with a typed reason; logged; QA leads notified."""
    from grip.access import restrictions

    if not restrictions.is_restricted(db, principal.la_code, person_id):
        return error_response(request, 404)
    try:
        restrictions.break_glass(
            db, principal.scope(), person_id, reason, actor=client_actor(request, principal)
        )
    except restrictions.RestrictionError as exc:
        db.rollback()
        return render(
            request,
            "admin/break_glass.html",
            status_code=400,
            title="Emergency access",
            person_id=person_id,
            errors=[str(exc)],
            csrf_token=csrf_token(request),
        )
    return render(
        request,
        "admin/break_glass.html",
        title="Emergency access",
        person_id=person_id,
        granted=True,
        csrf_token=csrf_token(request),
    )
