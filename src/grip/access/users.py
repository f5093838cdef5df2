"""Users and their roles in LAs. There are no default accounts: the first admin
comes from :func:`create_first_admin` (``grip users create-admin``), which returns a one-time
password and TOTP secret to show once.

Every change that narrows someone's access ends their sessions at once.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from grip.access import clock, passwords, sessions, totp
from grip.access.models import InspectionCase, Membership, User, WebSession
from grip.access.roles import INSPECTOR, policy
from grip.store.base import LocalAuthority
from grip.store.db import transaction

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")


class AccessError(ValueError):
    """A user-management request that cannot be done; the message says why."""


@dataclass(frozen=True)
class NewCredentials:
    """Credentials shown once to the person who created the account."""

    username: str
    password: str
    totp_secret: str
    role: str | None = None

    @property
    def totp_uri(self) -> str:
        """The ``otpauth://`` URI for an authenticator app."""
        return totp.provisioning_uri(self.totp_secret, self.username)


def one_time_password() -> str:
    """A random initial password (24 characters, ~140 bits), to be changed at first sign-in."""
    return secrets.token_urlsafe(18)


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME_RE.match(name):
        raise AccessError(
            f"username {username!r}: expected 2-100 characters: lower-case letters, digits, "
            "'.', '_', '@', '-'"
        )
    return name


def _check_la(db: Session, la_code: str) -> None:
    if db.get(LocalAuthority, la_code) is None:
        raise AccessError(f"local authority {la_code!r} does not exist")


def get_user(db: Session, username: str) -> User | None:
    """The user called ``username`` (case-insensitive), or ``None``."""
    return db.scalar(select(User).where(User.username == username.strip().lower()))


def create_user(
    db: Session,
    username: str,
    display_name: str,
    *,
    la_code: str,
    role: str,
    password: str | None = None,
    expires_at: dt.datetime | None = None,
) -> NewCredentials:
    """Create a user with ``role`` in ``la_code``. Without ``password`` a one-time one is made
    and must be changed at first sign-in."""
    name = _check_username(username)
    policy().check_role(role)
    _check_la(db, la_code)
    if role == INSPECTOR and expires_at is None:
        raise AccessError("an external inspector's access needs an expiry date")
    if get_user(db, name) is not None:
        raise AccessError(f"username {name!r} is already taken")
    initial = password is None
    pw = password if password is not None else one_time_password()
    if not initial:
        passwords.check_policy(pw, name)
    secret = totp.new_secret()
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        password_hash=passwords.hash_password(pw),
        must_change_password=initial,
        totp_secret=secret,
        totp_last_step=None,
        is_active=True,
        created_at=clock.now(),
    )
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, authority_code=la_code, role=role, expires_at=expires_at))
    db.flush()
    return NewCredentials(username=name, password=pw, totp_secret=secret, role=role)


def create_first_admin(
    engine: Engine, username: str, la_code: str, la_name: str | None = None
) -> NewCredentials:
    """Create the first LA admin (and the LA if new). Refused once any user exists."""
    with transaction(engine) as db:
        if db.scalar(select(func.count()).select_from(User)):
            raise AccessError("users already exist: use 'grip users create' as an admin")
        if db.get(LocalAuthority, la_code) is None:
            if not la_name:
                raise AccessError(f"local authority {la_code!r} does not exist; give its name")
            db.add(LocalAuthority(code=la_code, name=la_name))
            db.flush()
        return create_user(db, username, "Administrator", la_code=la_code, role="la_admin")


def grant_role(
    db: Session, user: User, la_code: str, role: str, expires_at: dt.datetime | None = None
) -> None:
    """Give ``user`` ``role`` in ``la_code`` (replacing any role there)."""
    policy().check_role(role)
    _check_la(db, la_code)
    if role == INSPECTOR and expires_at is None:
        raise AccessError("an external inspector's access needs an expiry date")
    current = db.get(Membership, (user.id, la_code))
    if current is None:
        db.add(
            Membership(user_id=user.id, authority_code=la_code, role=role, expires_at=expires_at)
        )
    else:
        narrowing = current.role != role
        current.role = role
        current.expires_at = expires_at
        if narrowing:
            sessions.end_all_for_user(db, user.id)
    db.flush()


def revoke_role(db: Session, user: User, la_code: str) -> None:
    """Remove ``user``'s role in ``la_code`` and end their sessions."""
    current = db.get(Membership, (user.id, la_code))
    if current is None:
        raise AccessError(f"{user.username} has no role in {la_code}")
    db.delete(current)
    sessions.end_all_for_user(db, user.id)
    db.flush()


def set_active(db: Session, user: User, active: bool) -> None:
    """Disable (ending every session) or re-enable ``user``."""
    user.is_active = active
    if not active:
        sessions.end_all_for_user(db, user.id)
    db.flush()


def change_password(
    db: Session, user: User, new_password: str, keep_session: str | None = None
) -> None:
    """Set the user's own new password (checked against the policy); every other session of
    theirs ends (``keep_session``: the token hash of the session making the change)."""
    passwords.check_policy(new_password, user.username)
    user.password_hash = passwords.hash_password(new_password)
    user.must_change_password = False
    db.execute(
        delete(WebSession).where(
            WebSession.user_id == user.id, WebSession.token_hash != (keep_session or "")
        )
    )
    db.flush()


def reset_credentials(db: Session, user: User) -> NewCredentials:
    """Issue a new one-time password and TOTP secret (lost device); ends every session."""
    pw = one_time_password()
    secret = totp.new_secret()
    user.password_hash = passwords.hash_password(pw)
    user.must_change_password = True
    user.totp_secret = secret
    user.totp_last_step = None
    sessions.end_all_for_user(db, user.id)
    db.flush()
    return NewCredentials(username=user.username, password=pw, totp_secret=secret)


def set_inspection_sample(db: Session, user: User, la_code: str, person_ids: list[str]) -> None:
    """Choose the cases an external inspector may see in ``la_code`` (replaces the list)."""
    for row in db.scalars(
        select(InspectionCase).where(
            InspectionCase.la_code == la_code, InspectionCase.user_id == user.id
        )
    ).all():
        db.delete(row)
    db.flush()
    for pid in sorted(set(person_ids)):
        db.add(InspectionCase(la_code=la_code, user_id=user.id, person_id=pid))
    db.flush()


DEMO_ROLES = tuple(r for r in policy().roles if r != "platform_operator")


def create_demo_users(engine: Engine, la_code: str) -> list[NewCredentials]:
    """Synthetic demo only: one user per role in ``la_code`` with a random password and TOTP
    secret, returned for the demo to print once. The inspector's access expires in 30 days.
    Never call this for a real deployment."""
    made: list[NewCredentials] = []
    with transaction(engine) as db:
        for role in DEMO_ROLES:
            username = f"demo-{role.replace('_', '-')}-{la_code.lower()}"
            expires = clock.now() + dt.timedelta(days=30) if role == INSPECTOR else None
            pw = secrets.token_urlsafe(15)
            creds = create_user(
                db,
                username,
                f"Demo {policy().roles[role].label}",
                la_code=la_code,
                role=role,
                password=pw,
                expires_at=expires,
            )
            made.append(creds)
    return made


# --- Changes made by one person to another's account -------------------------------------
#
# Policy (docs/security.md, "Accounts in several LAs"): nobody changes their own roles,
# expiries, LAs or account state; a role is given only as permissions.yaml's ``grants`` allow;
# an account that holds roles in more than one LA, or a platform operator's account, is reset,
# enabled or disabled only by a platform operator, because those actions reach every LA the
# person works in. An LA admin may change or revoke such a person's role in the admin's LA.

PLATFORM_OPERATOR = "platform_operator"
#: Actions that change the whole account rather than its role in one LA.
ACCOUNT_WIDE = frozenset({"reset", "enable", "disable"})


class Refused(AccessError):
    """The acting person may not make this change (answered 403 by the web app)."""


@dataclass(frozen=True)
class Manager:
    """Who makes a change to an account: their user id (``None`` for the platform's own
    command line, run by the platform operator on the server), role and current LA."""

    user_id: int | None
    role: str
    la_code: str | None


#: The command line on the server: whoever runs it operates the platform.
COMMAND_LINE = Manager(user_id=None, role=PLATFORM_OPERATOR, la_code=None)


def roles_by_la(db: Session, user_id: int) -> dict[str, str]:
    """Every role the user holds, expired or not: ``{la_code: role}``."""
    rows = db.scalars(select(Membership).where(Membership.user_id == user_id))
    return {m.authority_code: m.role for m in rows}


def check_may_change(db: Session, by: Manager, target: User, action: str) -> None:
    """Raise :class:`Refused` unless ``by`` may apply ``action`` (``role``, ``revoke``,
    ``reset``, ``enable``, ``disable``) to ``target``'s account."""
    if by.user_id is not None and by.user_id == target.id:
        raise Refused(
            "You cannot change your own account, roles or expiry: ask another administrator"
        )
    if by.role == PLATFORM_OPERATOR:
        return
    held = roles_by_la(db, target.id)
    if PLATFORM_OPERATOR in held.values():
        raise Refused(f"{target.username} operates the platform: only a platform operator can")
    if by.la_code not in held:
        raise Refused(f"{target.username} has no role in your LA")
    if action in ACCOUNT_WIDE and len(held) > 1:
        raise Refused(
            f"{target.username} works in more than one LA: only the platform operator can "
            f"{action} their account; you can change or revoke their role in this LA"
        )


def check_grant(by: Manager, role: str, expires_at: dt.datetime | None) -> None:
    """Raise unless ``by`` may give ``role`` (``grants`` in permissions.yaml) until
    ``expires_at``: not in the past, not beyond the role's ``max_expiry_days``."""
    spec = policy().check_role(role)
    if not policy().may_grant(by.role, role):
        raise Refused(f"A {policy().roles[by.role].label} cannot give the role {spec.label}")
    if spec.code == INSPECTOR and expires_at is None:
        raise AccessError("expires: an external inspector's access needs an expiry date")
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise AccessError(f"expires: {expires_at:%Y-%m-%d} is in the past; expected a later date")
    if spec.max_expiry_days is not None and expires_at is not None:
        latest = now + dt.timedelta(days=spec.max_expiry_days)
        if expires_at > latest:
            raise AccessError(
                f"expires: {expires_at:%Y-%m-%d} is more than {spec.max_expiry_days} days "
                f"away; a {spec.label}'s access may last until {latest:%Y-%m-%d} at the latest"
            )


def create_by(
    db: Session,
    by: Manager,
    username: str,
    display_name: str,
    *,
    la_code: str,
    role: str,
    expires_at: dt.datetime | None = None,
) -> NewCredentials:
    """:func:`create_user` on ``by``'s authority. A username already taken is refused with
    the same words wherever it is taken, so the answer does not say in which LA."""
    check_grant(by, role, expires_at)
    if by.role != PLATFORM_OPERATOR and by.la_code != la_code:
        raise Refused("You can create accounts only in your own LA")
    if get_user(db, _check_username(username)) is not None:
        raise AccessError(
            "username: this username cannot be used; choose another (a person who already "
            "has a Grip account elsewhere is given a role here by the platform operator)"
        )
    return create_user(
        db, username, display_name, la_code=la_code, role=role, expires_at=expires_at
    )


def change_by(
    db: Session,
    by: Manager,
    target: User,
    action: str,
    *,
    la_code: str | None = None,
    role: str = "",
    expires_at: dt.datetime | None = None,
) -> NewCredentials | None:
    """Apply ``action`` to ``target`` on ``by``'s authority, after :func:`check_may_change`
    (and :func:`check_grant` for a role). ``la_code`` defaults to ``by``'s LA. Returns new
    credentials for ``reset``."""
    check_may_change(db, by, target, action)
    la = la_code or by.la_code
    if action in ("role", "revoke") and (
        la is None or (by.role != PLATFORM_OPERATOR and la != by.la_code)
    ):
        raise Refused("You can change roles only in your own LA")
    if action == "role":
        check_grant(by, role, expires_at)
        assert la is not None
        grant_role(db, target, la, role, expires_at)
    elif action == "revoke":
        assert la is not None
        revoke_role(db, target, la)
    elif action in ("enable", "disable"):
        set_active(db, target, action == "enable")
    elif action == "reset":
        return reset_credentials(db, target)
    else:
        raise ValueError(f"unknown account action {action!r}")
    return None


# --- people given a job by id (penetration test, December 2026) ---------------------------------

#: The largest user id: ``app_user.id`` is a 32-bit integer on PostgreSQL. A larger id never
#: reaches the database (a 25-digit id used to fail there with a server error).
MAX_ID = 2**31 - 1


class NotEligible(AccessError):
    """A user id, taken from a form, that is not someone of the LA holding a role fit for the
    job. ``field`` names the form field, so the page can link its error message to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_assignee(
    db: Session, la_code: str, user_id: int, roles: Iterable[str], *, field: str, job: str
) -> User:
    """The user ``user_id`` if they are active and hold, in ``la_code``, an unexpired role
    among ``roles`` (those fit for the job); else :class:`NotEligible`.

    An unknown id, a person of another LA and a person without a fit role get the same answer,
    which never holds a name: allocating someone of another LA used to show that person's
    name in this LA, and an unknown id gave a server error."""
    user = db.get(User, user_id) if 0 < user_id <= MAX_ID else None
    membership = db.get(Membership, (user_id, la_code)) if user is not None else None
    fit = (
        user is not None
        and user.is_active
        and membership is not None
        and membership.role in set(roles)
        and (membership.expires_at is None or clock.as_utc(membership.expires_at) > clock.now())
    )
    if not fit or user is None:
        raise NotEligible(
            field,
            f"{job}: user {user_id} is not someone in this local authority who can be the "
            f"{job}; choose a person from the list",
        )
    return user
