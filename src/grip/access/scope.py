"""LA isolation and restricted cases in the data layer.

Open sessions with :func:`scoped` (or :func:`scoped_session`): every ORM query on an
``LAOwned`` model then carries ``la_code = <the LA>`` automatically (``with_loader_criteria``
in a ``do_orm_execute`` hook), and every model with a ``person_id`` column also hides the
restricted cases the user is not entitled to see — or, for an external inspector, every case
outside their inspection sample. On PostgreSQL the LA is also set as ``grip.la_code`` for the
transaction, which row-level security policies check (``grip.access.rls``).

System jobs that truly work across LAs (migrations, the demo builder) say so with
:func:`unscoped`. In strict mode (tests: ``set_strict(True)``; or ``GRIP_STRICT_SCOPING=1``)
an ORM query touching an LA-owned table in a session that is neither raises
:class:`UnscopedQuery`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Delete, Engine, Select, Update, event, select, text, true
from sqlalchemy.orm import ORMExecuteState, Session, registry, sessionmaker, with_loader_criteria
from sqlalchemy.sql import ColumnElement, operators, visitors
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.util import find_tables

from grip.access import clock
from grip.access.roles import INSPECTOR
from grip.store.base import Base, LAOwned

SCOPE_KEY = "grip_scope"
UNSCOPED_KEY = "grip_unscoped"

_strict = os.environ.get("GRIP_STRICT_SCOPING", "") == "1"
_registries: list[registry] = [Base.registry]


class UnscopedQuery(RuntimeError):
    """An LA-owned table was queried without an LA scope (strict mode)."""


def set_strict(on: bool) -> None:
    """Turn strict mode on or off (tests switch it on)."""
    global _strict
    _strict = on


def is_strict() -> bool:
    """Whether strict mode is on."""
    return _strict


def register_registry(reg: registry) -> None:
    """Also scope the models of another declarative registry (tests' own models)."""
    if reg not in _registries:
        _registries.append(reg)


@dataclass(frozen=True)
class Scope:
    """Who is asking, in which LA: what the data layer filters by."""

    la_code: str
    user_id: int | None = None
    role: str | None = None
    # No role sees every case regardless: a restriction binds everyone not on the access
    # list. System scopes (user_id None) are for statutory totals and imports
    # and see every row of the LA.

    @property
    def is_system(self) -> bool:
        """A scope with no user: imports and statutory totals, which see every LA row."""
        return self.user_id is None


def _la_owned_classes() -> list[type[Any]]:
    classes: list[type[Any]] = []
    for reg in _registries:
        for mapper in reg.mappers:
            cls = mapper.class_
            if isinstance(cls, type) and issubclass(cls, LAOwned):
                classes.append(cls)
    return classes


def hidden_person_ids(scope: Scope) -> Any:
    """A subquery of the person ids in the LA that ``scope``'s user may not see: restricted
    cases they are not on the access list for and hold no live break-glass grant to."""
    from grip.access.models import BreakGlass, CaseAccess, CaseRestriction

    listed = select(CaseAccess.person_id).where(
        CaseAccess.la_code == scope.la_code, CaseAccess.user_id == scope.user_id
    )
    glass = select(BreakGlass.person_id).where(
        BreakGlass.la_code == scope.la_code,
        BreakGlass.user_id == scope.user_id,
        BreakGlass.expires_at > clock.now(),
    )
    return select(CaseRestriction.person_id).where(
        CaseRestriction.la_code == scope.la_code,
        CaseRestriction.person_id.not_in(listed),
        CaseRestriction.person_id.not_in(glass),
    )


def sample_person_ids(scope: Scope) -> Any:
    """A subquery of the person ids in an inspector's sample."""
    from grip.access.models import InspectionCase

    return select(InspectionCase.person_id).where(
        InspectionCase.la_code == scope.la_code, InspectionCase.user_id == scope.user_id
    )


def case_filter(scope: Scope, person_id: Any) -> ColumnElement[bool]:
    """A WHERE clause on a ``person_id`` column keeping only the cases ``scope`` may see.

    Applied automatically to every LA-owned model with a ``person_id`` column; call it
    yourself for tables that reach a person another way.
    """
    if scope.is_system:
        return true()
    visible = person_id.not_in(hidden_person_ids(scope))
    if scope.role == INSPECTOR:
        return person_id.in_(sample_person_ids(scope)) & visible  # type: ignore[no-any-return]
    return visible  # type: ignore[no-any-return]


def _person_criteria(cls: type[Any], scope: Scope) -> Any:
    """Loader criteria hiding the cases ``scope`` may not see, for model ``cls``.

    Written out as lambdas whose closure holds only plain values (LA, user, time), so
    SQLAlchemy caches the SQL per code location and binds the values as parameters — and
    adapts the criteria to aliases of ``cls``.
    """
    from grip.access.models import BreakGlass, CaseAccess, CaseRestriction, InspectionCase

    la_code, user_id, now = scope.la_code, scope.user_id, clock.now()
    if scope.role == INSPECTOR:
        # Only the sample — and a restriction still binds an inspector not on its list.
        return with_loader_criteria(
            cls,
            lambda c: (
                c.person_id.in_(
                    select(InspectionCase.person_id).where(
                        InspectionCase.la_code == la_code, InspectionCase.user_id == user_id
                    )
                )
                & c.person_id.not_in(
                    select(CaseRestriction.person_id).where(
                        CaseRestriction.la_code == la_code,
                        CaseRestriction.person_id.not_in(
                            select(CaseAccess.person_id).where(
                                CaseAccess.la_code == la_code, CaseAccess.user_id == user_id
                            )
                        ),
                    )
                )
            ),
            include_aliases=True,
        )
    return with_loader_criteria(
        cls,
        lambda c: c.person_id.not_in(
            select(CaseRestriction.person_id).where(
                CaseRestriction.la_code == la_code,
                CaseRestriction.person_id.not_in(
                    select(CaseAccess.person_id).where(
                        CaseAccess.la_code == la_code, CaseAccess.user_id == user_id
                    )
                ),
                CaseRestriction.person_id.not_in(
                    select(BreakGlass.person_id).where(
                        BreakGlass.la_code == la_code,
                        BreakGlass.user_id == user_id,
                        BreakGlass.expires_at > now,
                    )
                ),
            )
        ),
        include_aliases=True,
    )


def can_see_case(db: Session, scope: Scope, person_id: str) -> bool:
    """Whether ``scope`` may see the case of ``person_id`` (restriction and sample rules)."""
    from grip.access.models import CaseRestriction, InspectionCase

    if scope.is_system:
        return True
    if scope.role == INSPECTOR:
        key = {"la_code": scope.la_code, "user_id": scope.user_id, "person_id": person_id}
        if db.get(InspectionCase, key) is None:
            return False
    if db.get(CaseRestriction, {"la_code": scope.la_code, "person_id": person_id}) is None:
        return True
    hidden = db.scalars(hidden_person_ids(scope)).all()
    return person_id not in hidden


_EXEMPT = "__restriction_exempt__"


_OPTIONS_KEY = "grip_scope_options"


def _scope_options(scope: Scope) -> list[Any]:
    la_code = scope.la_code
    options = []
    for cls in _la_owned_classes():
        # Lambdas (not plain expressions) so the criteria are adapted to aliases too.
        options.append(
            with_loader_criteria(cls, lambda c: c.la_code == la_code, include_aliases=True)
        )
        if (
            "person_id" in cls.__table__.c
            and not getattr(cls, _EXEMPT, False)
            and not scope.is_system
        ):
            options.append(_person_criteria(cls, scope))
    return options


@event.listens_for(Session, "do_orm_execute")
def _apply_scope(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete) or state.is_column_load:
        return
    scope: Scope | None = state.session.info.get(SCOPE_KEY)
    if scope is None:
        if (
            _strict
            and not state.session.info.get(UNSCOPED_KEY)
            and _unscoped_job.get() is None
            and (missing := unscoped_tables(state.statement))
        ):
            raise UnscopedQuery(
                f"query on LA-owned table(s) {', '.join(missing)} without an LA scope or an "
                "la_code condition: open the session with grip.access.scope.scoped(...) "
                "(or unscoped(...) for a system job)"
            )
        return
    # Built once per session (a request): the break-glass expiry is judged at that moment.
    options = state.session.info.get(_OPTIONS_KEY)
    if options is None or len(options[0]) != len(_la_owned_classes()):
        options = (_la_owned_classes(), _scope_options(scope))
        state.session.info[_OPTIONS_KEY] = options
    options = options[1]
    state.statement = state.statement.options(*options)
    if state.is_orm_statement:
        # The criteria are applied at compile time, so the Core check below cannot see them.
        state.update_execution_options(grip_scoped=scope.la_code)


_unscoped_job: ContextVar[str | None] = ContextVar("grip_unscoped_job", default=None)


def unscoped_tables(statement: Any) -> list[str]:
    """LA-owned tables a SELECT/UPDATE/DELETE reads without an ``la_code =`` condition on
    them (the strict-mode check for Core statements)."""
    if not isinstance(statement, Select | Update | Delete):
        return []
    tables = {
        t
        for t in find_tables(statement, include_joins=True, include_aliases=True, include_crud=True)
        if "la_code" in t.c
    }
    if not tables:
        return []
    scoped: set[Any] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, BinaryExpression) and element.operator in (
            operators.eq,
            operators.in_op,
        ):
            for side in (element.left, element.right):
                table = getattr(side, "table", None)
                if getattr(side, "name", None) == "la_code" and table is not None:
                    scoped.add(table)
    return sorted(getattr(t, "name", str(t)) for t in tables - scoped)


@event.listens_for(Engine, "before_execute", retval=False)
def _check_core(
    conn: Any, clauseelement: Any, multiparams: Any, params: Any, execution_options: Any
) -> None:
    if not _strict or _unscoped_job.get() is not None or "grip_scoped" in execution_options:
        return
    missing = unscoped_tables(clauseelement)
    if missing:
        raise UnscopedQuery(
            f"query on LA-owned table(s) {', '.join(missing)} without an la_code condition: "
            "filter by the LA (or run it inside grip.access.scope.unscoped(...))"
        )


@event.listens_for(Session, "after_begin")
def _set_pg_scope(session: Session, _transaction: Any, connection: Any) -> None:
    scope: Scope | None = session.info.get(SCOPE_KEY)
    if scope is not None and connection.dialect.name == "postgresql":
        # Transaction-local: the pooled connection forgets it at commit or rollback.
        connection.execute(
            text("SELECT set_config('grip.la_code', :la, true)"), {"la": scope.la_code}
        )


def scoped_session(bind: Engine | sessionmaker[Session], scope: Scope) -> Session:
    """A new ORM session whose queries are confined to ``scope`` (close it yourself)."""
    factory = bind if isinstance(bind, sessionmaker) else sessionmaker(bind, expire_on_commit=False)
    session = factory()
    session.info[SCOPE_KEY] = scope
    return session


@contextmanager
def scoped(bind: Engine | sessionmaker[Session], scope: Scope) -> Iterator[Session]:
    """A scoped session in a transaction: commits on success, rolls back on error."""
    with scoped_session(bind, scope) as session, session.begin():
        yield session


@contextmanager
def unscoped(bind: Engine | sessionmaker[Session], reason: str) -> Iterator[Session]:
    """A session that deliberately spans LAs (a system job); ``reason`` says why."""
    if not reason.strip():
        raise ValueError("an unscoped session needs a reason")
    factory = bind if isinstance(bind, sessionmaker) else sessionmaker(bind, expire_on_commit=False)
    token = _unscoped_job.set(reason)
    try:
        with factory() as session, session.begin():
            session.info[UNSCOPED_KEY] = reason
            yield session
    finally:
        _unscoped_job.reset(token)


@contextmanager
def system_job(reason: str) -> Iterator[None]:
    """Mark Core work in this block as deliberately spanning LAs (migrations, the demo)."""
    if not reason.strip():
        raise ValueError("a system job needs a reason")
    token = _unscoped_job.set(reason)
    try:
        yield
    finally:
        _unscoped_job.reset(token)


def restriction_review_due(db: Session, scope: Scope, on: dt.date) -> list[str]:
    """Person ids of the LA's restrictions whose review date is on or before ``on``."""
    from grip.access.models import CaseRestriction

    return list(
        db.scalars(
            select(CaseRestriction.person_id)
            .where(CaseRestriction.la_code == scope.la_code, CaseRestriction.review_date <= on)
            .order_by(CaseRestriction.person_id)
        )
    )
