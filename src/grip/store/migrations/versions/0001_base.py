"""Base: the local authority (tenant) table every capability's tables hang from.

Revision ID: 0001_base
Revises:
Create Date: 2026-11-22

Each capability adds its tables on its own branch from here (``branch_labels``), so capabilities
can grow independently; ``grip db upgrade`` applies every head.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_base"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "local_authority",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_local_authority")),
    )


def downgrade() -> None:
    op.drop_table("local_authority")
