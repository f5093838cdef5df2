"""The migrations build the same schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from grip.store.base import Base
from grip.store.models import load_all_models


def test_migrations_match_models(engine: Engine) -> None:
    load_all_models()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_local_authority_table_exists(engine: Engine) -> None:
    assert "local_authority" in inspect(engine).get_table_names()
