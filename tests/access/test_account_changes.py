"""Who may change whose account (penetration test findings: cross-LA account takeover and
self-grant). The rules live in grip.access.users (``change_by``, ``create_by``,
``check_grant``); the grant table is ``grants:`` in permissions.yaml, tested cell by cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access import clock, passwords, users
from grip.access.models import Membership, User
from grip.access.roles import INSPECTOR, policy
from grip.store.db import transaction

ROLES = list(policy().roles)
#: The grant table as the product means it: account managers only; LA admins never make
#: platform operators; nobody else gives any role.
EXPECTED_GRANTS = {
    "platform_operator": set(ROLES),
    "la_admin": set(ROLES) - {"platform_operator"},
}


@pytest.mark.parametrize("granter", ROLES)
@pytest.mark.parametrize("role", ROLES)
def test_grant_table_cell(granter: str, role: str) -> None:
    """Each cell of "what role each role may grant" (permissions.yaml ``grants``)."""
    allowed = role in EXPECTED_GRANTS.get(granter, set())
    assert policy().may_grant(granter, role) is allowed
    by = users.Manager(user_id=1, role=granter, la_code="LA1")
    expires = clock.now() + dt.timedelta(days=30) if role == INSPECTOR else None
    if allowed:
        users.check_grant(by, role, expires)
    else:
        with pytest.raises(users.Refused):
            users.check_grant(by, role, expires)


def test_expiry_in_the_past_or_beyond_the_maximum_is_refused() -> None:
    by = users.Manager(user_id=1, role="la_admin", la_code="LA1")
    now = clock.now()
    with pytest.raises(users.AccessError, match="in the past"):
        users.check_grant(by, "social_worker", now - dt.timedelta(days=1))
    with pytest.raises(users.AccessError, match="more than 90 days"):
        users.check_grant(by, INSPECTOR, now + dt.timedelta(days=91))
    with pytest.raises(users.AccessError, match="needs an expiry"):
        users.check_grant(by, INSPECTOR, None)
    users.check_grant(by, INSPECTOR, now + dt.timedelta(days=90))


def _state(engine: Engine, user_id: int) -> tuple[str, bool, str | None, dict[str, str]]:
    with transaction(engine) as db:
        user = db.get(User, user_id)
        assert user is not None
        held = {
            m.authority_code: m.role
            for m in db.query(Membership).filter(Membership.user_id == user_id)
        }
        return user.password_hash, user.is_active, user.totp_secret, held


@pytest.mark.parametrize("action", ["reset", "enable", "disable"])
def test_la_admin_cannot_take_over_a_user_who_works_in_another_la(
    engine: Engine, make_user: Any, action: str
) -> None:
    """An admin of LA1 acting on the DCS of LA2 (who also has a role in LA1): refused, and
    the account is unchanged."""
    admin = make_user("la_admin", "LA1")
    dcs = make_user("dcs", "LA2", extra={"LA1": "social_worker"})
    before = _state(engine, dcs.id)
    with pytest.raises(users.Refused, match="more than one LA"), transaction(engine) as db:
        target = db.get(User, dcs.id)
        assert target is not None
        users.change_by(db, users.Manager(admin.id, "la_admin", "LA1"), target, action)
    assert _state(engine, dcs.id) == before


def test_la_admin_may_change_only_the_role_here_of_a_two_la_user(
    engine: Engine, make_user: Any
) -> None:
    admin = make_user("la_admin", "LA1")
    dcs = make_user("dcs", "LA2", extra={"LA1": "social_worker"})
    with transaction(engine) as db:
        target = db.get(User, dcs.id)
        assert target is not None
        by = users.Manager(admin.id, "la_admin", "LA1")
        users.change_by(db, by, target, "role", role="auditor")
        with pytest.raises(users.Refused, match="only in your own LA"):
            users.change_by(db, by, target, "role", la_code="LA2", role="social_worker")
    assert _state(engine, dcs.id)[3] == {"LA1": "auditor", "LA2": "dcs"}


def test_platform_operator_account_cannot_be_changed_by_an_la_admin(
    engine: Engine, make_user: Any
) -> None:
    admin = make_user("la_admin", "LA1")
    operator = make_user("platform_operator", "LA1")
    before = _state(engine, operator.id)
    for action in ("reset", "disable", "revoke", "role"):
        with (
            pytest.raises(users.Refused, match="operates the platform"),
            transaction(engine) as db,
        ):
            target = db.get(User, operator.id)
            assert target is not None
            by = users.Manager(admin.id, "la_admin", "LA1")
            users.change_by(db, by, target, action, role="social_worker")
    assert _state(engine, operator.id) == before


def test_platform_operator_may_reset_a_two_la_user(engine: Engine, make_user: Any) -> None:
    operator = make_user("platform_operator", "LA1")
    dcs = make_user("dcs", "LA2", extra={"LA1": "social_worker"})
    with transaction(engine) as db:
        target = db.get(User, dcs.id)
        assert target is not None
        by = users.Manager(operator.id, "platform_operator", "LA1")
        creds = users.change_by(db, by, target, "reset")
    assert creds is not None
    with transaction(engine) as db:
        row = db.get(User, dcs.id)
        assert row is not None and passwords.verify_password(row.password_hash, creds.password)


@pytest.mark.parametrize("action", ["role", "revoke", "reset", "enable", "disable"])
def test_nobody_changes_their_own_account(engine: Engine, make_user: Any, action: str) -> None:
    """The self-grant: an LA admin gave themself the DCS role. Refused for every change,
    for every manager including the platform operator."""
    for role in ("la_admin", "platform_operator"):
        me = make_user(role, "LA1")
        before = _state(engine, me.id)
        with pytest.raises(users.Refused, match="your own account"), transaction(engine) as db:
            target = db.get(User, me.id)
            assert target is not None
            users.change_by(db, users.Manager(me.id, role, "LA1"), target, action, role="dcs")
        assert _state(engine, me.id) == before
