"""Fixtures for the inspection tests: an LA with a few synthetic children, and helpers to make
users and open scoped sessions. Strict LA scoping is on, so library code that forgets the LA
fails loudly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from grip.access import scope
from grip.access.scope import Scope, scoped
from grip.casedata.models import CASE_TABLES

LA = "LA1"


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


def add_children(engine: Engine, ids: list[str], la: str = LA) -> None:
    """Synthetic children (no names: the surname is the id) in ``la``'s case data."""
    rows = [
        {
            "la_code": la,
            "pers_person_id": pid,
            "pers_forename": "Child",
            "pers_surname": pid,
            "pers_sex": "F",
            "pers_ethnicity": "WBRI",
            "pers_dob": dt.date(2015, 3, 1),
            "pers_is_uasc": False,
        }
        for pid in ids
    ]
    with engine.begin() as conn:
        conn.execute(insert(CASE_TABLES["ssd_person"]), rows)


@pytest.fixture
def children(engine: Engine, make_user: Any) -> list[str]:
    """Five children in LA1 (the LA is made with its first user)."""
    make_user("la_admin", LA)
    ids = [f"P{i}" for i in range(1, 6)]
    add_children(engine, ids)
    return ids


@pytest.fixture
def session_as(engine: Engine) -> Any:
    """``with session_as(user) as db:`` a session scoped as that test user in their LA."""

    def open_(user: Any, la: str = LA) -> Any:
        return scoped(engine, Scope(la_code=la, user_id=user.id, role=user.role))

    return open_


def add_audit(
    engine: Engine,
    person_id: str,
    auditor_id: int,
    submitted: dt.datetime,
    *,
    state: str = "closed",
    grade: str = "good",
    la: str = LA,
) -> str:
    """A completed case audit of ``person_id``, written directly (only what selection reads)."""
    from grip.audits.models import Audit
    from grip.store.db import transaction

    aid = f"A-{person_id}-{submitted:%Y%m%d}"
    with scope.system_job("test data"), transaction(engine) as db:
        db.add(
            Audit(
                la_code=la, id=aid, template_id="core", template_version=1,
                theme="Child protection planning", person_id=person_id, month=f"{submitted:%Y-%m}",
                state=state, auditor_id=auditor_id, allocated_at=submitted,
                due_date=submitted.date(), period_start=submitted.date(),
                period_end=submitted.date(), submitted_at=submitted, final_grade=grade,
                updated_at=submitted, chase_count=0,
            )
        )  # fmt: skip
    return aid


def add_allocation(engine: Engine, pid: str, team: str, start: dt.date, la: str = LA) -> None:
    """An open social-work allocation of ``pid`` in ``team`` (what the audit sampler reads)."""
    with engine.begin() as conn:
        conn.execute(
            insert(CASE_TABLES["ssd_involvements"]),
            [{"la_code": la, "invo_involvements_id": f"I-{pid}", "invo_person_id": pid,
              "invo_professional_id": "W1", "invo_professional_role": "SW",
              "invo_professional_team_id": team, "invo_involvement_start_date": start,
              "invo_involvement_end_date": None}],
        )  # fmt: skip
