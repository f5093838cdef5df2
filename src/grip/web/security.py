"""Route permissions, declared on every route and enforced.

Every route states the permission it needs with ``dependencies=[requires("capability:action")]``;
``tests/web/test_routes_declared.py`` walks the app and fails on a route without one. The few
public routes (sign-in, health, static files) are listed in ``PUBLIC_PATHS`` and use
``public()``.

``requires`` loads the server-side session from its cookie, ends it when it has timed out or
its user was disabled or lost their role, checks the role holds the permission in the
session's LA, and checks the CSRF token on every state-changing request. Unknown permission
names raise :class:`grip.access.roles.UnknownPermission` when the route module is imported,
so the app refuses to start.

Routes get the principal with ``principal: CurrentPrincipal`` and their one database session
with ``db: ScopedDB`` (confined to the principal's LA and the cases they may see; commits on
success, rolls back on error). Sign-in and account routes, which work before an LA is chosen,
use ``db: SystemDB``. See docs/architecture.md, "A route and its session".
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from grip import calendar
from grip.access import audit, sessions
from grip.access.principal import Principal
from grip.access.roles import policy
from grip.access.scope import UNSCOPED_KEY, scoped_session

PUBLIC_PATHS: frozenset[str] = frozenset(
    {"/healthz", "/sign-in", "/sign-in/code", "/sign-in/oidc/{la_code}", "/sign-in/oidc/callback"}
)
PERMISSION_ATTR = "grip_permission"

#: Routes a user may use before replacing a one-time password.
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/sign-out"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No valid signed-in session: HTML pages redirect to sign-in, the API answers 401."""


class PasswordChangeRequired(Exception):
    """The user must replace a one-time password before anything else."""


def client_actor(request: Request, principal: Principal | None = None) -> audit.Actor:
    """Who made the request and from where, for the audit trail."""
    return audit.Actor(
        user_id=principal.user_id if principal else None,
        username=principal.username if principal else None,
        source_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def pre_session_cookie(request: Request) -> str:
    """Name of the cookie holding the anonymous CSRF token (double submit)."""
    return "__Host-grip_csrf" if request.app.state.settings.secure_cookies else "grip_csrf"


def session_token(request: Request) -> str | None:
    """The session token from the request's cookie, if any."""
    return request.cookies.get(sessions.cookie_name(request.app.state.settings))


def anonymous_csrf_token(request: Request) -> str:
    """The CSRF token for a visitor without a session (set as a cookie by the sign-in page)."""
    token = request.cookies.get(pre_session_cookie(request))
    if not token or len(token) > 100:
        token = getattr(request.state, "new_pre_session_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_pre_session_csrf = token
    return token


async def _submitted_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403)."""
    if request.method not in UNSAFE_METHODS:
        return
    submitted = await _submitted_csrf(request)
    if not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="The form has expired; go back and try again")


def load_principal(request: Request) -> Principal | None:
    """The signed-in principal of this request (cached on ``request.state``), or ``None``."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    settings = request.app.state.settings
    principal = None
    with system_session(request) as db:
        live = sessions.load(db, session_token(request), settings)
        if live is not None:
            request.state.live_session = live
        if live is not None and live.authenticated and live.authority_code and live.role:
            perms = frozenset(
                name for name, roles in policy().permissions.items() if live.role in roles
            )
            principal = Principal(
                user_id=live.user.id,
                username=live.user.username,
                display_name=live.user.display_name,
                la_code=live.authority_code,
                role=live.role,
                permissions=perms,
                memberships=live.memberships,
                csrf_token=live.csrf_token,
                token_hash=live.token_hash,
                must_change_password=live.user.must_change_password,
            )
    request.state.principal = principal
    return principal


def requires(permission: str) -> Any:
    """Dependency declaring and enforcing that a route needs ``permission``."""
    policy().roles_for(permission)  # unknown names fail here, at import: the app cannot start

    async def check(request: Request) -> Principal:
        request.state.permission = permission
        # The session lookup is blocking database work: keep it off the event loop.
        principal = await run_in_threadpool(load_principal, request)
        if principal is None:
            raise SignInRequired()
        await check_csrf(request, principal.csrf_token)
        route = request.scope.get("route")
        route_path = getattr(route, "path", None)
        if principal.must_change_password and route_path not in PASSWORD_CHANGE_PATHS:
            raise PasswordChangeRequired()
        if not principal.can(permission):
            await run_in_threadpool(
                audit.record_event,
                request.app.state.engine,
                action="authz.denied",
                outcome="denied",
                actor=client_actor(request, principal),
                la_code=principal.la_code,
                object_type="route",
                object_id=route_path,
                detail=permission,
            )
            raise HTTPException(status_code=403, detail="You do not have access to this page")
        return principal

    dep: Callable[..., Any] = check
    setattr(dep, PERMISSION_ATTR, permission)
    return Depends(dep)


def public() -> Any:
    """Dependency declaring that a route is deliberately open (sign-in, health, assets).

    State-changing public routes still need a CSRF token: the session's, or for a visitor
    without one the double-submit cookie's.
    """

    async def check(request: Request) -> None:
        request.state.permission = "public"
        if request.method in UNSAFE_METHODS:
            await run_in_threadpool(load_principal, request)
            live = getattr(request.state, "live_session", None)
            expected = live.csrf_token if live is not None else anonymous_csrf_token(request)
            await check_csrf(request, expected)

    setattr(check, PERMISSION_ATTR, "public")
    return Depends(check)


def current_principal(request: Request) -> Principal:
    """The principal that ``requires`` admitted (use after a ``requires`` dependency)."""
    principal = load_principal(request)
    if principal is None:
        raise SignInRequired()
    return principal


SYSTEM_SESSION_REASON = "sign-in and account records, kept before and across LAs"


@contextmanager
def _committed(db: Session) -> Iterator[Session]:
    """Yield ``db``; commit if the block ends normally, roll back if it raises; close it."""
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def scoped_db(request: Request) -> Iterator[Session]:
    """The one database session of a signed-in request.

    Confined to the principal's LA and the cases they may see (``grip.access.scope``; on
    PostgreSQL each transaction also sets the LA that row-level security checks). It commits
    when the route returns and rolls back when it raises: a route that answers a bad form by
    showing it again calls ``db.rollback()`` first, so nothing half-done is kept.
    """
    principal = current_principal(request)
    with _committed(scoped_session(request.app.state.sessions, principal.scope())) as db:
        yield db


@contextmanager
def system_session(request: Request) -> Iterator[Session]:
    """The system session: for the few places that work before or across LAs (finding the
    signed-in user, sign-in, the account's own sessions and password). Not scoped to an LA,
    and marked so; commits at the end of the block, rolls back on error."""
    db = request.app.state.sessions()
    db.info[UNSCOPED_KEY] = SYSTEM_SESSION_REASON
    with _committed(db) as session:
        yield session


def system_db(request: Request) -> Iterator[Session]:
    """:func:`system_session` as a route dependency (``db: SystemDB``)."""
    with system_session(request) as db:
        yield db


#: ``principal: CurrentPrincipal`` in a route's signature gives the signed-in principal.
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
#: ``db: ScopedDB``: the signed-in LA's session; commits before the response is sent.
ScopedDB = Annotated[Session, Depends(scoped_db, scope="function")]
#: ``db: SystemDB``: the system session (sign-in and accounts only).
SystemDB = Annotated[Session, Depends(system_db, scope="function")]
#: A row id in a path (``user_id: PathId``): the id columns' range, a positive 32-bit
#: integer. A 25-digit id used to reach the database and fail there with a server error.
PathId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: A year in a path (``year: PathYear``): the years people may enter dates in.
PathYear = Annotated[int, Path(ge=calendar.EARLIEST_INPUT.year, le=calendar.LATEST_INPUT.year)]


async def submitted_form(request: Request) -> FormData:
    """The request's form, read on the event loop (the body arrives asynchronously).

    Taking the form as ``form: FormBody`` lets a route be a plain ``def``, which FastAPI runs
    in its threadpool: the route's database and file work then never holds the event loop,
    so one slow request cannot stall every other user.
    """
    return await request.form()


#: ``form: FormBody``: the submitted form of a POST route (keeps the route a plain ``def``).
FormBody = Annotated[FormData, Depends(submitted_form)]


def csrf_token(request: Request) -> str:
    """The CSRF token to put in this request's forms (``csrf_token`` field)."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return str(principal.csrf_token)
    live = getattr(request.state, "live_session", None)
    if live is not None:
        return str(live.csrf_token)
    return anonymous_csrf_token(request)


def record(
    request: Request,
    action: str,
    object_type: str | None = None,
    object_id: str | None = None,
    outcome: str = "success",
    detail: str | None = None,
    db: Session | None = None,
) -> None:
    """Record an audit event for this request's principal: call it for every
    read or change of a child's record, audit or evidence entry, and every export, e.g.
    ``record(request, "case.read", "case", person_id)``. With ``db`` the event commits with
    the route's own work; without, it is written at once in its own transaction.

    A page that only reads records its read *after* building the page, just before returning
    it: on SQLite a transaction's first write holds the database's write lock until the
    commit, so a read logged first would hold every other writer (every other page's log
    entry) for the whole of the page's build. Logged last, the lock lasts a moment; and a
    failed write still fails the request, so no page goes out without its entry."""
    principal = load_principal(request)
    audit.record_event(
        db if db is not None else request.app.state.engine,
        action=action,
        outcome=outcome,
        actor=client_actor(request, principal),
        la_code=principal.la_code if principal else None,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
