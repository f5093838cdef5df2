"""The penetration test's account attacks, replayed through the admin pages: an LA admin
resetting, enabling or disabling a user who is DCS in another LA; resetting the platform
operator; granting themself the DCS role and reading measures. Each is refused (403) and
leaves the account unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access.models import Membership, User
from grip.store.db import transaction


def _account(engine: Engine, user_id: int) -> tuple[str, bool, str | None, list[str]]:
    with transaction(engine) as db:
        user = db.get(User, user_id)
        assert user is not None
        roles = sorted(
            f"{m.authority_code}:{m.role}"
            for m in db.query(Membership).filter(Membership.user_id == user_id)
        )
        return user.password_hash, user.is_active, user.totp_secret, roles


@pytest.mark.parametrize("action", ["reset", "enable", "disable"])
def test_admin_of_la1_cannot_reset_enable_or_disable_the_dcs_of_la2(
    client: Any, engine: Engine, signed_in: Any, make_user: Any, action: str
) -> None:
    admin = signed_in("la_admin", "LA1")
    victim = make_user("dcs", "LA2", extra={"LA1": "social_worker"})
    before = _account(engine, victim.id)
    r = client.post(f"/admin/users/{victim.id}/{action}", data={"csrf_token": admin.csrf_token})
    assert r.status_code == 403
    assert "works in more than one LA" in r.text and 'id="one-time-password"' not in r.text
    assert _account(engine, victim.id) == before


def test_admin_cannot_reset_the_platform_operator(
    client: Any, engine: Engine, signed_in: Any, make_user: Any
) -> None:
    admin = signed_in("la_admin", "LA1")
    operator = make_user("platform_operator", "LA1")
    before = _account(engine, operator.id)
    r = client.post(f"/admin/users/{operator.id}/reset", data={"csrf_token": admin.csrf_token})
    assert r.status_code == 403 and 'id="one-time-password"' not in r.text
    assert _account(engine, operator.id) == before


def test_admin_cannot_grant_themself_dcs_and_read_measures(
    client: Any, engine: Engine, signed_in: Any
) -> None:
    admin = signed_in("la_admin", "LA1")
    r = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "dcs", "csrf_token": admin.csrf_token}
    )
    assert r.status_code == 403 and "your own account" in r.text
    assert _account(engine, admin.id)[3] == ["LA1:la_admin"]
    assert client.get("/measures").status_code == 403


def test_admin_may_still_change_the_two_la_users_role_here(
    client: Any, engine: Engine, signed_in: Any, make_user: Any
) -> None:
    admin = signed_in("la_admin", "LA1")
    user = make_user("dcs", "LA2", extra={"LA1": "social_worker"})
    r = client.post(
        f"/admin/users/{user.id}/role", data={"role": "auditor", "csrf_token": admin.csrf_token}
    )
    assert r.status_code == 200
    assert _account(engine, user.id)[3] == ["LA1:auditor", "LA2:dcs"]


def test_inspector_expiry_in_the_past_or_too_far_is_refused(
    client: Any, engine: Engine, signed_in: Any, make_user: Any
) -> None:
    admin = signed_in("la_admin", "LA1")
    user = make_user("social_worker", "LA1")
    for expires, words in (("2001-01-01", "in the past"), ("2099-12-31", "more than 90 days")):
        r = client.post(
            f"/admin/users/{user.id}/role",
            data={"role": "inspector", "expires": expires, "csrf_token": admin.csrf_token},
        )
        assert r.status_code == 400 and words in r.text
    assert _account(engine, user.id)[3] == ["LA1:social_worker"]


def test_create_user_does_not_say_where_a_username_is_taken(
    client: Any, signed_in: Any, make_user: Any
) -> None:
    admin = signed_in("la_admin", "LA1")
    elsewhere = make_user("dcs", "LA2")
    r = client.post(
        "/admin/users",
        data={"username": elsewhere.username, "display_name": "New Auditor", "role": "auditor",
              "csrf_token": admin.csrf_token},
    )  # fmt: skip
    assert r.status_code == 400 and "cannot be used" in r.text
    assert "LA2" not in r.text and "already taken" not in r.text
