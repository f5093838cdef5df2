"""LA isolation in the data layer and restricted cases (§5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, String, Text, func, insert, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accounts import add_child_record, ensure_la, make_user, plant_rows
from grip.access import restrictions, scope, users
from grip.access.models import AuditEvent, Notification
from grip.access.scope import Scope, UnscopedQuery, scoped, unscoped
from grip.casedata.models import CASE_TABLES
from grip.store.base import LAOwned, LocalAuthority
from grip.store.db import transaction


class _TestBase(DeclarativeBase):
    pass


# The test model's foreign key needs the LA table in its own metadata.
LocalAuthority.__table__.to_metadata(_TestBase.metadata)


class Note(LAOwned, _TestBase):
    """A test-only LA-owned model with a person (stands in for any case model)."""

    __tablename__ = "test_scope_note"
    note_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(48))
    text: Mapped[str] = mapped_column(Text)


scope.register_registry(_TestBase.registry)


@pytest.fixture
def notes(engine: Engine) -> Iterator[Engine]:
    for la in ("LA1", "LA2"):
        ensure_la(engine, la)
    _TestBase.metadata.create_all(engine, tables=[Note.__table__])
    with engine.begin() as conn:
        for la in ("LA1", "LA2"):
            for i, person in enumerate(("P1", "P2", "P3")):
                conn.execute(
                    insert(Note).values(
                        la_code=la, note_id=f"n{i}", person_id=person, text=f"note {la} {person}"
                    )
                )
    for la in ("LA1", "LA2"):
        for person in ("P1", "P2", "P3"):
            add_child_record(engine, la, person)  # a restriction is only for a child on record
    yield engine


@pytest.fixture
def strict() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)


def test_scoped_session_sees_only_its_la(notes: Engine) -> None:
    with scoped(notes, Scope("LA1")) as db:
        rows = db.scalars(select(Note)).all()
        assert {n.la_code for n in rows} == {"LA1"} and len(rows) == 3
        assert db.scalar(select(func.count()).select_from(Note)) == 3
        assert db.get(Note, {"la_code": "LA2", "note_id": "n0"}) is None
        # Aliased and joined queries are scoped too.
        from sqlalchemy.orm import aliased

        other = aliased(Note)
        pairs = db.execute(select(Note, other).join(other, other.person_id == Note.person_id))
        assert {(a.la_code, b.la_code) for a, b in pairs} == {("LA1", "LA1")}


def test_scoped_updates_and_deletes_stay_in_the_la(notes: Engine) -> None:
    with scoped(notes, Scope("LA1")) as db:
        db.execute(update(Note).values(text="changed"))
    with unscoped(notes, "test check") as db:
        texts = dict(db.execute(select(Note.la_code, Note.text).where(Note.note_id == "n0")).all())
    assert texts == {"LA1": "changed", "LA2": "note LA2 P1"}


def test_strict_mode_raises_on_unscoped_queries(notes: Engine, strict: None) -> None:
    with transaction(notes) as db, pytest.raises(UnscopedQuery):
        db.scalars(select(Note)).all()
    person = CASE_TABLES["ssd_person"]
    with notes.connect() as conn:
        with pytest.raises(UnscopedQuery, match="ssd_person"):
            conn.execute(select(person.c.pers_person_id))
        # A Core query that names its LA is fine.
        conn.execute(select(person.c.pers_person_id).where(person.c.la_code == "LA1"))
    with unscoped(notes, "test: a system job") as db:
        assert len(db.scalars(select(Note)).all()) == 6
    with scoped(notes, Scope("LA2")) as db:
        assert len(db.scalars(select(Note)).all()) == 3


def test_without_strict_mode_unscoped_queries_run(notes: Engine) -> None:
    scope.set_strict(False)
    with transaction(notes) as db:
        assert len(db.scalars(select(Note)).all()) == 6


def test_restricted_case_hidden_except_for_the_access_list(notes: Engine) -> None:
    listed = make_user(notes, "social_worker", "LA1")
    other = make_user(notes, "team_manager", "LA1")
    lead = make_user(notes, "qa_lead", "LA1")
    with scoped(notes, Scope("LA1")) as db:
        restrictions.restrict_case(
            db,
            Scope("LA1"),
            "P2",
            "sibling works here",
            dt.date.today() + dt.timedelta(days=90),
            [listed.id],
        )
    with scoped(notes, Scope("LA1", other.id, "team_manager")) as db:
        assert sorted(n.person_id for n in db.scalars(select(Note))) == ["P1", "P3"]
        assert db.scalar(select(func.count()).select_from(Note)) == 2
        assert not scope.can_see_case(db, Scope("LA1", other.id, "team_manager"), "P2")
    with scoped(notes, Scope("LA1", listed.id, "social_worker")) as db:
        assert sorted(n.person_id for n in db.scalars(select(Note))) == ["P1", "P2", "P3"]
    # The restriction is per LA: LA2's P2 is not restricted.
    with scoped(notes, Scope("LA2", other.id, "team_manager")) as db:
        assert len(db.scalars(select(Note)).all()) == 3
    # Statutory totals (a system scope) still count it, without a user.
    with scoped(notes, Scope("LA1")) as db:
        assert db.scalar(select(func.count()).select_from(Note)) == 3

    # Break-glass: a typed reason, logged, QA lead notified, then visible for an hour.
    s = Scope("LA1", other.id, "team_manager")
    with scoped(notes, s) as db:
        with pytest.raises(restrictions.RestrictionError, match="reason"):
            restrictions.break_glass(db, s, "P2", "urgent")
        restrictions.break_glass(db, s, "P2", "child missing tonight, police asking")
    with scoped(notes, s) as db:
        assert "P2" in {n.person_id for n in db.scalars(select(Note))}
        told = db.scalars(select(Notification.user_id)).all()
    assert told == [lead.id]
    with transaction(notes) as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.break_glass")).one()
        assert event.object_id == "P2" and event.user_id == other.id


def test_inspector_sees_only_the_sample(notes: Engine) -> None:
    insp = make_user(notes, "inspector", "LA1")
    with transaction(notes) as db:
        row = users.get_user(db, insp.username)
        assert row is not None
        users.set_inspection_sample(db, row, "LA1", ["P3"])
    with scoped(notes, Scope("LA1", insp.id, "inspector")) as db:
        assert [n.person_id for n in db.scalars(select(Note))] == ["P3"]


def test_case_filter_for_core_tables(engine: Engine) -> None:
    plant_rows(engine, "LA1", "PA", "c")
    plant_rows(engine, "LA1", "PB", "c")
    worker = make_user(engine, "social_worker", "LA1")
    with transaction(engine) as db:
        restrictions.restrict_case(
            db, Scope("LA1"), "PB", "reason text here", dt.date.today() + dt.timedelta(days=30), []
        )
    person = CASE_TABLES["ssd_person"]
    s = Scope("LA1", worker.id, "social_worker")
    with scoped(engine, s) as db:
        ids = db.scalars(
            select(person.c.pers_person_id).where(
                person.c.la_code == s.la_code, scope.case_filter(s, person.c.pers_person_id)
            )
        ).all()
    assert ids == ["PA"]


def test_audit_trail_is_append_only(engine: Engine) -> None:
    from grip.access import audit

    audit.record_event(
        engine, action="case.read", object_type="case", object_id="P1", la_code="LA1"
    )
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(update(AuditEvent).values(outcome="failure"))
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(AuditEvent.__table__.delete())
    with transaction(engine) as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_restriction_binds_an_inspector_whose_sample_includes_the_case(notes: Engine) -> None:
    insp = make_user(notes, "inspector", "LA1")
    with transaction(notes) as db:
        row = users.get_user(db, insp.username)
        assert row is not None
        users.set_inspection_sample(db, row, "LA1", ["P1", "P2"])
        restrictions.restrict_case(
            db, Scope("LA1"), "P2", "restricted case", dt.date.today() + dt.timedelta(days=30), []
        )
    s = Scope("LA1", insp.id, "inspector")
    with scoped(notes, s) as db:
        assert [n.person_id for n in db.scalars(select(Note))] == ["P1"]
        assert scope.can_see_case(db, s, "P1") and not scope.can_see_case(db, s, "P2")
        assert not scope.can_see_case(db, s, "P3")
