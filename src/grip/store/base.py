"""Declarative base shared by every model, and the local authority (tenant) table."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every Grip model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LocalAuthority(Base):
    """An English local authority: the tenant that owns case and QA data."""

    __tablename__ = "local_authority"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class LAOwned:
    """Mixin for every table holding an LA's case or QA data.

    The LA code is the first part of the primary key, so one LA's rows can be replaced
    or scoped without touching another's. ``__la_owned__`` lets the data layer find these
    tables to enforce isolation.
    """

    __la_owned__: ClassVar[bool] = True

    @declared_attr
    def la_code(cls) -> Mapped[str]:
        return mapped_column(
            String(16), ForeignKey("local_authority.code", ondelete="CASCADE"), primary_key=True
        )


def la_owned_tables() -> list[str]:
    """Names of every table that carries an LA code (for isolation checks and RLS)."""
    from grip.store.models import load_all_models

    load_all_models()
    return sorted(t.name for t in Base.metadata.sorted_tables if "la_code" in t.c)
