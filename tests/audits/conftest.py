"""Fixtures for the audit tests: an LA with hand-made case rows and one user per role.

Strict LA scoping is on for every test here: an unscoped query on an LA-owned
table raises, so library code that forgets the LA fails loudly; test code that truly spans
LAs says so with ``grip.access.scope.system_job``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from grip.access import clock, scope
from grip.access.scope import Scope, scoped_session
from grip.audits.lifecycle import As
from grip.casedata.models import CASE_TABLES

LA = "LA1"


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


NOW = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


def add_rows(engine: Engine, table: str, rows: list[dict[str, Any]], la: str = LA) -> None:
    """Insert hand-made rows into a case table."""
    with engine.begin() as conn:
        conn.execute(insert(CASE_TABLES[table]), [{"la_code": la, **r} for r in rows])


def add_child(
    engine: Engine,
    pid: str,
    team: str,
    *,
    dob: dt.date = dt.date(2015, 3, 1),
    sex: str = "F",
    ethnicity: str = "WBRI",
    start: dt.date = dt.date(2025, 6, 1),
    end: dt.date | None = None,
    role: str = "SW",
    worker: str = "W1",
    la: str = LA,
) -> None:
    """A child with an allocation to ``team`` (synthetic, no names)."""
    add_rows(
        engine,
        "ssd_person",
        [
            {
                "pers_person_id": pid,
                "pers_forename": "Child",
                "pers_surname": pid,
                "pers_sex": sex,
                "pers_ethnicity": ethnicity,
                "pers_dob": dob,
                "pers_is_uasc": False,
            }
        ],
        la,
    )
    add_rows(
        engine,
        "ssd_involvements",
        [
            {
                "invo_involvements_id": f"I-{pid}",
                "invo_person_id": pid,
                "invo_professional_id": worker,
                "invo_professional_role": role,
                "invo_professional_team_id": team,
                "invo_involvement_start_date": start,
                "invo_involvement_end_date": end,
            }
        ],
        la,
    )


@dataclass
class World:
    """An LA with teams and one user per role."""

    engine: Engine
    users: dict[str, As]

    def session(self, actor: As | None = None) -> Session:
        """A session scoped to the LA as ``actor`` (a system scope without one)."""
        scope = Scope(LA, actor.user_id, actor.role) if actor else Scope(LA)
        return scoped_session(self.engine, scope)

    def __getitem__(self, role: str) -> As:
        return self.users[role]


def quick_user(engine: Engine, role: str, la: str = LA) -> As:
    """A user with ``role`` in ``la``, written directly (library tests never sign in, so the
    slow password hashing of accounts is skipped; web tests use that instead)."""
    from accounts import ensure_la
    from grip.access.models import Membership, User
    from grip.store.db import transaction

    ensure_la(engine, la)
    with transaction(engine) as db:
        n = len(db.scalars(select(User.id)).all()) + 1
        user = User(
            username=f"{role}-{n}",
            display_name=f"Test {role.replace('_', ' ')} {n}",
            password_hash="!not-a-usable-hash",
            must_change_password=False,
            is_active=True,
            created_at=NOW,
        )
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, authority_code=la, role=role))
        return As(user.id, role)


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    """LA1 with two services, three teams, and a user for every role (two auditors)."""
    clock.freeze(NOW)
    users: dict[str, As] = {}
    for role in (
        "dcs",
        "head_of_service",
        "qa_lead",
        "performance_analyst",
        "team_manager",
        "auditor",
        "social_worker",
        "inspector",
        "la_admin",
    ):
        users[role] = quick_user(engine, role)
    users["auditor2"] = quick_user(engine, "auditor")
    add_rows(
        engine,
        "ssd_department",
        [
            {
                "dept_team_id": "T1",
                "dept_team_name": "Assessment 1",
                "dept_team_parent_id": "S1",
                "dept_team_parent_name": "Assessment",
            },
            {
                "dept_team_id": "T2",
                "dept_team_name": "Child protection 1",
                "dept_team_parent_id": "S1",
                "dept_team_parent_name": "Assessment",
            },
            {
                "dept_team_id": "T3",
                "dept_team_name": "Looked after 1",
                "dept_team_parent_id": "S2",
                "dept_team_parent_name": "Children in care",
            },
        ],
    )
    yield World(engine, users)
    clock.freeze(None)


def caseload(engine: Engine, per_team: int = 14, la: str = LA) -> None:
    """Teams T1-T3 with ``per_team`` allocated children each."""
    from accounts import ensure_la

    ensure_la(engine, la)
    with engine.begin() as conn:
        if not conn.execute(
            select(CASE_TABLES["ssd_department"].c.dept_team_id).where(
                CASE_TABLES["ssd_department"].c.la_code == la
            )
        ).first():
            conn.execute(
                insert(CASE_TABLES["ssd_department"]),
                [
                    {
                        "la_code": la,
                        "dept_team_id": f"T{t}",
                        "dept_team_name": f"Team {t}",
                        "dept_team_parent_id": "S1" if t < 3 else "S2",
                        "dept_team_parent_name": "Assessment" if t < 3 else "Children in care",
                    }
                    for t in (1, 2, 3)
                ],
            )
    for t in (1, 2, 3):
        for k in range(per_team):
            add_child(
                engine,
                f"C{t}{k:02}",
                f"T{t}",
                dob=dt.date(2008 + k, 1 + t, 1),
                sex="MF"[k % 2],
                start=dt.date(2024, 6, 1),
                la=la,
            )
