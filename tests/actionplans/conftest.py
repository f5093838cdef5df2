"""Fixtures for the action plan tests: an LA with a real standard inspection whose feedback has
been given and whose report named areas for improvement, and scoped sessions per person.
Strict LA scoping is on, so library code that forgets the LA fails loudly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access import clock, scope
from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As, new_id
from grip.evidence.models import Feedback, Finding
from grip.inspections import NewInspection, create_inspection

LA = "LA1"
AREAS = (
    "Management oversight of children in need plans is not consistently recorded",
    "Care leavers' pathway plans are not updated when circumstances change",
)


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


def add_inspection(
    engine: Engine,
    user: Any,
    type_: str,
    start: dt.date,
    areas: tuple[str, ...] = (),
    la: str = LA,
    kind: str = "area-for-improvement",
) -> str:
    """A real inspection of ``type_`` whose feedback was given, with ``areas`` for improvement
    (a focused visit records them too; a standard inspection as its report's)."""
    with scoped(engine, Scope(la, user.id, user.role)) as db:
        topic = "Children in need" if type_ == "focused-visit" else None
        spec = NewInspection(
            type=type_,
            kind="real",
            fieldwork_start=start,
            topic=topic,
            title=f"{type_} {start}",
            override_reason="test",
        )
        insp = create_inspection(db, la, spec, As(user.id, user.role))
        db.add(
            Feedback(
                la_code=la,
                inspection_id=insp.id,
                attendees="DCS",
                note="",
                given_at=clock.now(),
                given_by=user.id,
            )
        )
        for text in areas:
            db.add(
                Finding(
                    la_code=la,
                    id=new_id(),
                    inspection_id=insp.id,
                    kind=kind,
                    text=text,
                    entry_ids=json.dumps([]),
                    recorded_at=clock.now(),
                )
            )
        return insp.id


@dataclass
class World:
    """An LA with a standard inspection and the people around it."""

    engine: Engine
    inspection_id: str
    qa: Any
    hos: Any
    social_worker: Any
    other_la_user: Any

    def session(self, user: Any, la: str = LA) -> Any:
        return scoped(self.engine, Scope(la_code=la, user_id=user.id, role=user.role))

    def actor(self, user: Any) -> As:
        return As(user.id, user.role)


@pytest.fixture
def world(engine: Engine, make_user: Any) -> World:
    qa = make_user("qa_lead", LA)
    hos = make_user("head_of_service", LA)
    sw = make_user("social_worker", LA)
    other = make_user("head_of_service", "LA2")
    iid = add_inspection(engine, qa, "standard", dt.date(2026, 10, 5), AREAS)
    return World(engine, iid, qa, hos, sw, other)
