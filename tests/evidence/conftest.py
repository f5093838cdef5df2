"""Fixtures for the evidence tests: an LA whose case data holds (synthetic) named children, a
mock standard inspection with its team and sample, and scoped sessions per person. Strict LA
scoping is on, so library code that forgets the LA fails loudly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from grip.access import scope
from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As
from grip.casedata.models import CASE_TABLES
from grip.evidence.name_guard import NameIndex
from grip.inspections import NewInspection, add_cases, add_member, create_inspection, move

LA = "LA1"
#: Invented names in the style of Grip's synthetic generator (never real people).
CHILDREN = {
    "P1": ("Marlia", "Elmhurst"),
    "P2": ("Kelwyn", "Thornby"),
    "P3": ("Rosora", "Quillfield"),
    "P4": ("Hope", "Wrenstead"),
    "P5": ("Tamric", "Oakdale"),
}


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


def add_children(engine: Engine, la: str = LA) -> None:
    rows = [
        {
            "la_code": la,
            "pers_person_id": pid,
            "pers_forename": fore,
            "pers_surname": sur,
            "pers_sex": "F",
            "pers_ethnicity": "WBRI",
            "pers_dob": dt.date(2015, 3, 1),
            "pers_is_uasc": False,
        }
        for pid, (fore, sur) in CHILDREN.items()
    ]
    with engine.begin() as conn:
        conn.execute(insert(CASE_TABLES["ssd_person"]), rows)


@dataclass
class Team:
    """An inspection and the people around it."""

    engine: Engine
    inspection_id: str
    lead: Any
    inspector: Any
    qa: Any
    la_staff: Any

    def session(self, user: Any) -> Any:
        return scoped(self.engine, Scope(la_code=LA, user_id=user.id, role=user.role))

    def actor(self, user: Any) -> As:
        return As(user.id, user.role)

    def names(self, db: Any) -> NameIndex:
        return NameIndex.from_store(db, LA)


def build_team(engine: Engine, make_user: Any, **spec: Any) -> Team:
    """A mock inspection (standard unless ``type`` says otherwise), its team and sample P1-P4."""
    la_staff = make_user("qa_lead", LA)
    add_children(engine)
    lead, inspector, qa = (make_user("inspector", LA) for _ in range(3))
    with scoped(engine, Scope(LA, la_staff.id, la_staff.role)) as db:
        new = NewInspection(**{"type": "standard", "kind": "mock", "fieldwork_start": None, **spec})
        actor = As(la_staff.id, la_staff.role)
        insp = create_inspection(db, LA, new, actor)
        for user, role in (
            (lead, "lead_inspector"),
            (inspector, "team_inspector"),
            (qa, "qa_manager"),
        ):
            add_member(db, insp, user.username, role, actor)
        add_cases(
            db, insp, [(p, "sampled") for p in ("P1", "P2", "P3", "P4")], "inspector-sample", actor
        )
        move(db, insp, "notify", actor)
        move(db, insp, "arrive", actor)
        iid = insp.id
    return Team(engine, iid, lead, inspector, qa, la_staff)


@pytest.fixture
def team(engine: Engine, make_user: Any) -> Team:
    return build_team(engine, make_user)
