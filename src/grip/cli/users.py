"""``grip users``: accounts and roles. No default accounts exist: ``create-admin``
makes the first LA admin and prints their one-time credentials once."""

from __future__ import annotations

import datetime as dt

import click
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grip import calendar
from grip.access import audit, users
from grip.access.models import Membership, User
from grip.access.roles import UnknownRole, policy
from grip.cli.common import DATE, engine_from_env
from grip.store.db import transaction

_CLI_ACTOR = audit.Actor(username="cli", source_ip="local")


def _engine() -> Engine:
    return engine_from_env()


def _show(creds: users.NewCredentials) -> None:
    click.echo(f"username:              {creds.username}")
    click.echo(f"one-time password:     {creds.password}")
    click.echo(f"authenticator secret:  {creds.totp_secret}")
    click.echo(f"authenticator URI:     {creds.totp_uri}")
    click.echo("These are shown once. The password must be changed at first sign-in.")


def _expiry(day: dt.date | None) -> dt.datetime | None:
    """Access ends at the end of the day given, in England's time (as on the web)."""
    if day is None:
        return None
    return calendar.moment_in_england(day, dt.time(23, 59))


def _user(db: Session, username: str) -> User:
    user = users.get_user(db, username)
    if user is None:
        raise click.ClickException(f"no user called {username!r}")
    return user


@click.group("users")
def users_group() -> None:
    """Manage user accounts and their roles in LAs."""


@users_group.command("create-admin")
@click.option("--username", required=True, help="The first admin's username.")
@click.option("--la", "la_code", required=True, help="LA code, e.g. 208.")
@click.option("--la-name", default=None, help="The LA's name, if it does not exist yet.")
def create_admin(username: str, la_code: str, la_name: str | None) -> None:
    """Create the first LA admin (refused once any user exists)."""
    engine = _engine()
    try:
        creds = users.create_first_admin(engine, username, la_code, la_name)
        audit.record_event(
            engine,
            action="user.create_admin",
            la_code=la_code,
            actor=_CLI_ACTOR,
            object_type="user",
            object_id=creds.username,
        )
    except users.AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    _show(creds)


@users_group.command("create")
@click.argument("username")
@click.option("--la", "la_code", required=True)
@click.option("--role", required=True, help=f"One of: {', '.join(policy().roles)}.")
@click.option("--name", "display_name", default="", help="Full name.")
@click.option(
    "--expires", default=None, type=DATE, help="Access ends on YYYY-MM-DD (inspectors: needed)."
)
def create(
    username: str, la_code: str, role: str, display_name: str, expires: dt.date | None
) -> None:
    """Create a user with a role in an LA; prints one-time credentials."""
    engine = _engine()
    try:
        with transaction(engine) as db:
            creds = users.create_by(
                db,
                users.COMMAND_LINE,
                username,
                display_name,
                la_code=la_code,
                role=role,
                expires_at=_expiry(expires),
            )
            audit.record_event(
                db,
                action="user.create",
                la_code=la_code,
                actor=_CLI_ACTOR,
                object_type="user",
                object_id=creds.username,
                detail=f"role {role}",
            )
    except (users.AccessError, UnknownRole) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    _show(creds)


@users_group.command("list")
@click.option("--la", "la_code", default=None, help="Only users with a role in this LA.")
def list_users(la_code: str | None) -> None:
    """List users, their LAs and roles."""
    engine = _engine()
    try:
        with transaction(engine) as db:
            q = select(User, Membership).join(Membership, Membership.user_id == User.id)
            if la_code:
                q = q.where(Membership.authority_code == la_code)
            for user, m in db.execute(q.order_by(User.username, Membership.authority_code)):
                status = "active" if user.is_active else "disabled"
                until = f" until {m.expires_at:%Y-%m-%d}" if m.expires_at else ""
                click.echo(f"{user.username}\t{m.authority_code}\t{m.role}{until}\t{status}")
    finally:
        engine.dispose()


def _change(
    action: str,
    username: str,
    la_code: str | None = None,
    role: str | None = None,
    expires: dt.date | None = None,
) -> users.NewCredentials | None:
    engine = _engine()
    creds = None
    try:
        with transaction(engine) as db:
            user = _user(db, username)
            # The same rules as the web's admin pages, as the platform operator (whoever runs
            # this on the server operates the platform).
            creds = users.change_by(
                db,
                users.COMMAND_LINE,
                user,
                "role" if action == "grant" else action,
                la_code=la_code,
                role=role or "",
                expires_at=_expiry(expires),
            )
            audit.record_event(
                db,
                action=f"user.{action}",
                la_code=la_code,
                actor=_CLI_ACTOR,
                object_type="user",
                object_id=user.username,
                detail=role,
            )
    except (users.AccessError, UnknownRole) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    return creds


@users_group.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable a user; their sessions end at once."""
    _change("disable", username)
    click.echo(f"{username} disabled")


@users_group.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Re-enable a disabled user."""
    _change("enable", username)
    click.echo(f"{username} enabled")


@users_group.command("grant")
@click.argument("username")
@click.option("--la", "la_code", required=True)
@click.option("--role", required=True)
@click.option(
    "--expires", default=None, type=DATE, help="Access ends on YYYY-MM-DD (inspectors: needed)."
)
def grant(username: str, la_code: str, role: str, expires: dt.date | None) -> None:
    """Give a user a role in an LA (replacing their role there)."""
    _change("grant", username, la_code, role, expires)
    click.echo(f"{username} is {role} in {la_code}")


@users_group.command("revoke")
@click.argument("username")
@click.option("--la", "la_code", required=True)
def revoke(username: str, la_code: str) -> None:
    """Remove a user's role in an LA; their sessions end at once."""
    _change("revoke", username, la_code)
    click.echo(f"{username} has no role in {la_code}")


@users_group.command("reset")
@click.argument("username")
def reset(username: str) -> None:
    """Issue new one-time credentials (lost password or device)."""
    creds = _change("reset", username)
    assert creds is not None
    _show(creds)


@users_group.command("inspection-sample")
@click.argument("username")
@click.option("--la", "la_code", required=True)
@click.argument("person_ids", nargs=-1, required=True)
def inspection_sample(username: str, la_code: str, person_ids: tuple[str, ...]) -> None:
    """Set the cases an external inspector may see in an LA."""
    engine = _engine()
    try:
        with transaction(engine) as db:
            user = _user(db, username)
            from grip.inspections.cases import unsampleable  # loaded only when run

            problems = unsampleable(db, la_code, list(person_ids))
            if problems:
                raise click.UsageError("; ".join(problems))
            users.set_inspection_sample(db, user, la_code, list(person_ids))
            audit.record_event(
                db,
                action="user.inspection_sample",
                la_code=la_code,
                actor=_CLI_ACTOR,
                object_type="user",
                object_id=user.username,
                detail=f"{len(set(person_ids))} cases",
            )
    finally:
        engine.dispose()
    click.echo(f"{username} may see {len(set(person_ids))} cases in {la_code}")
