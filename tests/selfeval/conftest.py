"""A synthetic LA (grip's own generator: no real names) with a DCS and an analyst."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accounts import make_user
from grip.access import clock
from grip.access.scope import Scope, scoped_session, system_job
from grip.audits.lifecycle import As
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise

LA = "LA1"
TODAY = dt.date(2026, 10, 15)


@dataclass
class LAWorld:
    """The LA, its users and a way to open scoped sessions."""

    engine: Engine
    dcs: As
    analyst: As
    qa: As

    def session(self, actor: As) -> Session:
        """A session scoped to the LA as ``actor``."""
        return scoped_session(self.engine, Scope(LA, actor.user_id, actor.role))


@pytest.fixture
def la(engine: Engine, tmp_path: Path) -> Iterator[LAWorld]:
    """LA1 with 300 synthetic children as at TODAY, and the clock frozen at TODAY."""
    clock.freeze(dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.UTC))
    users = [make_user(engine, role, LA) for role in ("dcs", "performance_analyst", "qa_lead")]
    world = LAWorld(engine, *(As(u.id, u.role) for u in users))
    synthesise(tmp_path / "extract", 300, 21, TODAY, la_code=LA)
    with system_job("test: load a synthetic extract"):
        result = import_extract(engine, tmp_path / "extract", LA, skip_invalid=True)
    assert result.ok, result.message
    yield world
    clock.freeze(None)
