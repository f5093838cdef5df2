"""Row-level security on PostgreSQL: every LA-owned table has RLS enabled
and forced; the app role sees only the scoped LA and cannot alter the audit trail. On SQLite
``apply_rls`` does nothing and isolation rests on the data layer (tests/access/test_scope.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from accounts import plant_rows
from grip.access import audit
from grip.access.models import AuditEvent
from grip.access.rls import APP_ROLE, apply_rls, forced_tables
from grip.access.scope import Scope, scoped, system_job
from grip.casedata.models import CASE_TABLES
from grip.store.base import la_owned_tables
from grip.store.db import make_engine


def test_every_la_owned_table_has_rls_forced(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name != "postgresql":
            assert apply_rls(conn) == []
            return
        assert forced_tables(conn) == set(la_owned_tables())
        assert set(la_owned_tables()) >= {"ssd_person", "case_restriction"}


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    """An engine logged in as a member of grip_app (PostgreSQL), else the test engine."""
    if engine.dialect.name != "postgresql":
        yield engine
        return
    login = f"grip_web_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {APP_ROLE}"))
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username=login)
    eng = make_engine(url.render_as_string(hide_password=False))
    yield eng
    eng.dispose()
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE {login}"))


def test_app_role_sees_only_the_scoped_la(engine: Engine, app_engine: Engine) -> None:
    plant_rows(engine, "LA1", "P1", "one")
    plant_rows(engine, "LA2", "P2", "two")
    person = CASE_TABLES["ssd_person"]
    with scoped(app_engine, Scope("LA1")) as db:
        ids = db.scalars(select(person.c.pers_person_id).where(person.c.la_code == "LA1")).all()
        assert ids == ["P1"]
    if engine.dialect.name != "postgresql":
        return
    # Unfiltered on purpose, to show the database's own isolation (strict mode would refuse).
    with system_job("test: row-level security alone"), app_engine.connect() as conn:
        # Without the LA setting the database itself shows nothing.
        assert conn.scalar(select(func.count()).select_from(person)) == 0
        conn.execute(text("SELECT set_config('grip.la_code', 'LA1', false)"))
        assert conn.scalars(select(person.c.pers_person_id)).all() == ["P1"]
        # Updating a visible row works; writing a row of another LA is refused by the policy.
        conn.execute(person.update().values(pers_forename="x"))
        with pytest.raises(Exception, match="row-level security"):
            conn.execute(
                person.insert().values(
                    la_code="LA2",
                    pers_person_id="P9",
                    pers_forename="a",
                    pers_surname="b",
                    pers_sex="M",
                    pers_ethnicity="WBRI",
                    pers_dob=dt.date(2015, 1, 1),
                )
            )
        conn.rollback()


def test_app_role_cannot_alter_the_audit_trail(engine: Engine, app_engine: Engine) -> None:
    audit.record_event(app_engine, action="case.read", la_code="LA1", object_id="P1")
    # PostgreSQL: the app role has no UPDATE/DELETE grant; SQLite: the trigger refuses.
    refusal = "permission denied" if engine.dialect.name == "postgresql" else "append-only"
    with pytest.raises(Exception, match=refusal), app_engine.begin() as c:
        c.execute(AuditEvent.__table__.update().values(outcome="failure"))
    with pytest.raises(Exception, match=refusal), app_engine.begin() as c:
        c.execute(AuditEvent.__table__.delete())
    with app_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_la_engine_reads_its_la_through_rls(engine: Engine, app_engine: Engine) -> None:
    """Core readers that open their own connections (measures, Annex A) see their LA's rows
    under forced row-level security when given ``la_engine`` — and none without it."""
    from grip.store.db import la_engine

    plant_rows(engine, "LA1", "P1", "one")
    plant_rows(engine, "LA2", "P2", "two")
    person = CASE_TABLES["ssd_person"]
    query = select(person.c.la_code, person.c.pers_person_id)
    with la_engine(app_engine, "LA1").connect() as conn:
        rows = conn.execute(query.where(person.c.la_code == "LA1")).all()
        assert rows == [("LA1", "P1")]
        if engine.dialect.name == "postgresql":
            # Even a query that forgets its LA filter sees only the LA's own rows.
            with system_job("test: the database's own isolation, without the data layer's"):
                assert conn.execute(query).all() == [("LA1", "P1")]
    if engine.dialect.name == "postgresql":
        with system_job("test: app role without an LA"), app_engine.connect() as conn:
            assert conn.execute(query).all() == []
