"""Sign-in (password, then TOTP), sign-out, the account page and password change.

Unknown and known usernames get identical answers (same page, same words, same status; the
password is hashed against a dummy for unknown names so timing matches too). Failures are
throttled per typed username and per client address. Each sign-in step issues a new session
token.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import audit, clock, oidc, passwords, sessions, throttle, totp, users
from grip.access.models import Notification, User
from grip.access.principal import Principal
from grip.access.roles import policy
from grip.store.base import LocalAuthority
from grip.web import forms, navigation
from grip.web.deps import render
from grip.web.middleware import error_response
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    ScopedDB,
    SystemDB,
    client_actor,
    csrf_token,
    load_principal,
    pre_session_cookie,
    public,
    requires,
    session_token,
)

router = APIRouter()

BAD_CREDENTIALS = "Enter a correct username and password"
THROTTLED = "Too many failed attempts. Wait a few minutes, then try again"
BAD_CODE = "Enter the current code from your authenticator app"
TOTP_LIMIT = 5


class SignIn(forms.Form):
    """The sign-in form's username; the password is read as typed (:func:`_secret`)."""

    username: Annotated[str, Field(title="Username")]


class Code(forms.Form):
    code: Annotated[str, Field(title="The 6-digit code from your authenticator app")]


def _secret(form: FormBody, name: str) -> str:
    """A password field exactly as typed (spaces are part of a password, so no trimming), cut
    to a length no real password reaches. Never put back in the page: ``values`` leaves it out."""
    value = form.get(name)
    return value[: passwords.MAX_LENGTH * 4] if isinstance(value, str) else ""


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        sessions.cookie_name(settings),
        token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


def _clear_session_cookie(request: Request, response: Response) -> None:
    settings = request.app.state.settings
    response.delete_cookie(
        sessions.cookie_name(settings),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response = render(
        request, template, status_code=status, csrf_token=csrf_token(request), **context
    )
    new = getattr(request.state, "new_pre_session_csrf", None)
    if new:
        settings = request.app.state.settings
        response.set_cookie(
            pre_session_cookie(request),
            new,
            httponly=True,
            secure=settings.secure_cookies,
            samesite="strict",
            path="/",
        )
    return response


def _home(request: Request) -> str:
    """Where a person goes once signed in: the page they asked for, or their home page."""
    return navigation.safe_return_path(request.cookies.get(navigation.RETURN_COOKIE)) or "/"


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/sign-in", dependencies=[public()])
def sign_in_form(request: Request) -> Response:
    """The sign-in page."""
    return _page(request, "auth/sign_in.html", title="Sign in", oidc_las=_oidc_las(request))


def _oidc_las(request: Request) -> list[Any]:
    return oidc.configured_authorities(request.app.state.settings)


OIDC_COOKIE = "grip_oidc"
OIDC_MAX_AGE = 600
OIDC_FAILED = "Signing in through your council's account did not work. Try again, or sign in here"


def _oidc_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt="grip-oidc")


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _oidc_refused(
    request: Request,
    db: Session,
    actor: audit.Actor,
    la_code: str | None,
    outcome: str,
    detail: str,
) -> Response:
    """A failed or refused sign-in through the LA's provider: recorded in the audit trail, and
    the sign-in page again with the pending sign-in's cookie removed."""
    audit.record_event(
        db, action="signin.failure", outcome=outcome, actor=actor, la_code=la_code, detail=detail
    )
    response = _page(
        request,
        "auth/sign_in.html",
        status=400,
        errors=_problem("username", OIDC_FAILED),
        title="Sign in",
        oidc_las=_oidc_las(request),
    )
    response.delete_cookie(OIDC_COOKIE, path="/")
    return response


@router.get("/sign-in/oidc/callback", dependencies=[public()], name="oidc_callback")
def oidc_callback(request: Request, db: SystemDB, code: str = "", state: str = "") -> Response:
    """Back from the LA's identity provider: check the ID token and start a signed-in session."""
    actor = client_actor(request)
    raw = request.cookies.get(OIDC_COOKIE, "")
    la_code = None
    try:
        data = _oidc_serializer(request).loads(raw, max_age=OIDC_MAX_AGE)
        pending = oidc.Pending(**data)
        la_code = pending.la_code
        authority = oidc.load_config(request.app.state.settings).get(la_code)
        if authority is None:
            raise oidc.OidcError("LA no longer configured")
        username = oidc.finish(authority, pending, code[:2000], state[:200], _redirect_uri(request))
    except (BadData, TypeError, oidc.OidcError, OSError, ValueError) as exc:
        return _oidc_refused(request, db, actor, la_code, "failure", f"oidc: {exc}"[:500])
    user = users.get_user(db, username)
    ok = user is not None and user.is_active and la_code in sessions.active_memberships(db, user.id)
    if not ok or user is None or la_code is None:
        detail = "oidc: no active user with a role in this LA"
        return _oidc_refused(request, db, actor, la_code, "denied", detail)
    old = session_token(request)
    if old:
        sessions.end(db, old)
    token = sessions.start_session(db, user.id)
    # The LA's provider did the second factor.
    sessions.mark_authenticated(db, token, la_code)
    audit.record_event(
        db,
        action="signin.success",
        la_code=la_code,
        actor=audit.Actor(user.id, user.username, actor.source_ip, actor.user_agent),
        detail="oidc",
    )
    response = RedirectResponse(_home(request), status_code=303)
    _set_session_cookie(request, response, token)
    response.delete_cookie(OIDC_COOKIE, path="/")
    return response


@router.get("/sign-in/oidc/{la_code}", dependencies=[public()])
def oidc_start(request: Request, la_code: str) -> Response:
    """Send the browser to the LA's identity provider (404 for an LA without one)."""
    authority = oidc.load_config(request.app.state.settings).get(la_code)
    if authority is None:
        return error_response(request, 404)
    try:
        url, pending = oidc.start(authority, _redirect_uri(request))
    except (oidc.OidcError, OSError, ValueError) as exc:
        audit.record_event(
            request.app.state.engine,
            action="signin.failure",
            outcome="failure",
            actor=client_actor(request),
            la_code=la_code,
            detail=f"oidc discovery: {exc}"[:500],
        )
        return error_response(request, 502, "The council's sign-in service did not answer")
    response = RedirectResponse(url, status_code=303)
    settings = request.app.state.settings
    response.set_cookie(
        OIDC_COOKIE,
        _oidc_serializer(request).dumps(pending.__dict__),
        max_age=OIDC_MAX_AGE,
        httponly=True,
        secure=settings.secure_cookies,
        # Lax: the provider's redirect back is a cross-site top-level GET.
        samesite="lax",
        path="/",
    )
    return response


def _problem(field: str, message: str) -> forms.FormErrors:
    errors = forms.FormErrors()
    errors.add(field, message)
    return errors


def _sign_in_page(request: Request, errors: forms.FormErrors, username: str = "") -> Response:
    """The sign-in page again with what was wrong; only the username is put back."""
    return _page(
        request,
        "auth/sign_in.html",
        status=400,
        errors=errors,
        values={"username": username},
        title="Sign in",
        oidc_las=_oidc_las(request),
    )


@router.post("/sign-in", dependencies=[public()])
def sign_in(request: Request, db: SystemDB, form: FormBody) -> Response:
    """Check username and password; on success start a session awaiting the second factor."""
    data, errors = forms.parse(SignIn, form)
    password = _secret(form, "password")
    if not password:
        errors.add("password", "Enter your password")
    if data is None or errors:
        return _sign_in_page(request, errors, str(form.get("username") or "")[:200])
    username = data.username[:200]
    keys = [throttle.username_key(username), throttle.address_key(_address(request))]
    actor = client_actor(request)
    locked = throttle.locked_until(db, keys)
    user = users.get_user(db, username)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    ok = ok and bool(user and sessions.active_memberships(db, user.id))
    if locked is None and ok and user is not None:
        return _password_passed(request, db, user, password, keys[0])
    if locked is None:
        throttle.record_failure(db, keys[0], throttle.USER_LIMIT)
        throttle.record_failure(db, keys[1], throttle.ADDRESS_LIMIT)
    _record_failure(
        db,
        "signin.failure",
        "denied" if locked is not None else "failure",
        audit.Actor(
            user.id if user else None,
            user.username if user else None,
            actor.source_ip,
            actor.user_agent,
        ),
        "throttled" if locked is not None else "bad credentials",
    )
    message = THROTTLED if locked is not None else BAD_CREDENTIALS
    return _sign_in_page(request, _problem("username", message), username)


def _password_passed(
    request: Request, db: Session, user: User, password: str, user_key: str
) -> Response:
    """The password was right: a new session that waits for the security code."""
    actor = client_actor(request)
    throttle.clear(db, user_key)
    old = session_token(request)
    if old:
        sessions.end(db, old)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    token = sessions.start_session(db, user.id)
    response = RedirectResponse("/sign-in/code", status_code=303)
    _set_session_cookie(request, response, token)
    audit.record_event(
        db,
        action="signin.password",
        actor=audit.Actor(user.id, user.username, actor.source_ip, actor.user_agent),
    )
    return response


def _record_failure(
    db: Session, action: str, outcome: str, actor: audit.Actor, detail: str | None = None
) -> None:
    """A failed sign-in goes into the trail of each LA the user holds a role in (expired ones
    too), so every LA admin sees attempts on their own users; an unknown username belongs to no
    LA and is seen by the platform operator only."""
    las: list[str | None] = []
    if actor.user_id is not None:
        las += sorted(users.roles_by_la(db, actor.user_id))
    for la_code in las or [None]:
        audit.record_event(
            db, action=action, outcome=outcome, actor=actor, la_code=la_code, detail=detail
        )


@router.get("/sign-in/code", dependencies=[public()])
def code_form(request: Request) -> Response:
    """The second-factor page, for a session that has passed the password step."""
    load_principal(request)
    live = getattr(request.state, "live_session", None)
    if live is None or live.authenticated:
        return RedirectResponse("/sign-in" if live is None else _home(request), status_code=303)
    return _page(request, "auth/code.html", title="Security code")


@router.post("/sign-in/code", dependencies=[public()])
def code(request: Request, db: SystemDB, form: FormBody) -> Response:
    """Check the TOTP code; on success the session is signed in (with a new token)."""
    load_principal(request)
    live = getattr(request.state, "live_session", None)
    token = session_token(request)
    if live is None or token is None:
        return RedirectResponse("/sign-in", status_code=303)
    data, errors = forms.parse(Code, form)
    if data is None:
        return _code_page(request, errors, form)
    code = data.code
    actor = client_actor(request)
    user_key = f"t:{live.user.id}"
    user = db.get(User, live.user.id)
    assert user is not None
    locked = throttle.locked_until(db, [user_key])
    step = None
    if locked is None and user.totp_secret:
        step = totp.verify(user.totp_secret, code[:20], clock.now(), user.totp_last_step)
    if step is None:
        throttle.record_failure(db, user_key, TOTP_LIMIT)
        if locked is not None or throttle.locked_until(db, [user_key]) is not None:
            # Too many wrong codes: this half-signed-in session ends.
            sessions.end(db, token)
        _record_failure(
            db,
            "signin.totp_failure",
            "failure",
            audit.Actor(user.id, user.username, actor.source_ip, actor.user_agent),
        )
        ended = locked is not None or throttle.locked_until(db, [user_key]) is not None
    else:
        ended = False
        user.totp_last_step = step
        throttle.clear(db, user_key)
        new = sessions.rotate(db, token)
        memberships = sessions.active_memberships(db, user.id)
        la = sorted(memberships)[0] if memberships else None
        sessions.mark_authenticated(db, new, la)
        audit.record_event(
            db,
            action="signin.success",
            la_code=la,
            actor=audit.Actor(user.id, user.username, actor.source_ip, actor.user_agent),
        )
        target = "/account/password" if user.must_change_password else _home(request)
        response = RedirectResponse(target, status_code=303)
        _set_session_cookie(request, response, new)
        if not user.must_change_password:
            response.delete_cookie(navigation.RETURN_COOKIE)
        return response
    if ended:
        response = RedirectResponse("/sign-in", status_code=303)
        _clear_session_cookie(request, response)
        return response
    return _code_page(request, _problem("code", BAD_CODE), form)


def _code_page(request: Request, errors: forms.FormErrors, form: FormBody) -> Response:
    return _page(
        request,
        "auth/code.html",
        status=400,
        errors=errors,
        values=forms.values(form),
        title="Security code",
    )


@router.post("/sign-out", dependencies=[requires("account:self")])
def sign_out(request: Request, principal: CurrentPrincipal, db: SystemDB) -> Response:
    """End the session on the server and clear the cookie."""
    token = session_token(request)
    if token:
        sessions.end(db, token)
    audit.record_event(
        db, action="signout", la_code=principal.la_code, actor=client_actor(request, principal)
    )
    response = RedirectResponse("/sign-in", status_code=303)
    _clear_session_cookie(request, response)
    return response


@router.get("/account", dependencies=[requires("account:self")])
def account(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """Who you are signed in as, in which LA and role; switch LA; sign out."""
    notes = db.scalars(
        select(Notification)
        .where(Notification.user_id == principal.user_id)
        .order_by(Notification.at.desc())
        .limit(20)
    ).all()
    return _page(
        request,
        "auth/account.html",
        title="Your account",
        principal=principal,
        role_label=getattr(policy().roles.get(principal.role), "label", principal.role),
        notifications=notes,
        authorities=_authority_names(db, principal.memberships),
        values={"la_code": principal.la_code},
    )


def _authority_names(db: Session, codes: Iterable[str]) -> list[tuple[str, str]]:
    """Each of the person's LAs as (code, "Name (code)"), by name."""
    named = dict(
        db.execute(
            select(LocalAuthority.code, LocalAuthority.name).where(LocalAuthority.code.in_(codes))
        ).all()
    )
    return sorted(((c, f"{named.get(c, c)} ({c})") for c in codes), key=lambda pair: pair[1])


@router.post("/account/la", dependencies=[requires("account:self")])
def switch_la(
    request: Request,
    principal: CurrentPrincipal,
    db: SystemDB,
    form: FormBody,
) -> Response:
    """Work in another of your LAs (404 for one you have no role in)."""
    la_code = str(form.get("la_code") or "")
    token = session_token(request)
    if la_code not in principal.memberships or token is None:
        return error_response(request, 404)
    new = sessions.rotate(db, token)
    sessions.choose_authority(db, new, la_code)
    audit.record_event(
        db, action="session.switch_la", la_code=la_code, actor=client_actor(request, principal)
    )
    response = RedirectResponse("/account", status_code=303)
    _set_session_cookie(request, response, new)
    return response


@router.get("/account/password", dependencies=[requires("account:self")])
def password_form(request: Request, principal: CurrentPrincipal) -> Response:
    """The change-password page."""
    return _page(
        request,
        "auth/password.html",
        title="Change your password",
        must_change=principal.must_change_password,
    )


@router.post("/account/password", dependencies=[requires("account:self")])
def change_password(
    request: Request, principal: CurrentPrincipal, db: SystemDB, form: FormBody
) -> Response:
    """Change your password: the current one is needed; other sessions end. No password typed
    is ever put back in the page."""
    user = db.get(User, principal.user_id)
    assert user is not None
    errors = _password_problems(request, db, principal, user, form)
    if errors:
        return _page(
            request,
            "auth/password.html",
            status=400,
            errors=errors,
            values={},
            title="Change your password",
            must_change=principal.must_change_password,
        )
    audit.record_event(
        db,
        action="account.password_changed",
        la_code=principal.la_code,
        actor=client_actor(request, principal),
    )
    response = RedirectResponse(_home(request), status_code=303)
    response.delete_cookie(navigation.RETURN_COOKIE)
    return response


def _password_problems(
    request: Request, db: Session, principal: Principal, user: User, form: FormBody
) -> forms.FormErrors:
    """What stops the change, beside the field it is about; none when the password changed."""
    current, new = _secret(form, "current"), _secret(form, "new")
    errors = forms.FormErrors()
    # Throttled as sign-in is, on the same counters: the form must not let someone at an
    # unattended session guess the password faster than the sign-in page would.
    keys = [throttle.username_key(user.username), throttle.address_key(_address(request))]
    if throttle.locked_until(db, keys) is not None:
        errors.add("current", THROTTLED)
    elif not passwords.verify_password(user.password_hash, current[:1000]):
        throttle.record_failure(db, keys[0], throttle.USER_LIMIT)
        throttle.record_failure(db, keys[1], throttle.ADDRESS_LIMIT)
        errors.add("current", "Your current password is wrong")
    elif new != _secret(form, "confirm"):
        errors.add("confirm", "The new passwords do not match")
    else:
        try:
            users.change_password(db, user, new, keep_session=principal.token_hash)
            throttle.clear(db, keys[0])
        except passwords.WeakPassword as exc:
            errors.add("new", str(exc))
    return errors
