"""Measures: per-LA settings (child population for rates, local visit standards).

Revision ID: 0300_measures
Revises: 0001_base
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0300_measures"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("measures",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measures_la_setting",
        sa.Column("la_code", sa.String(16), nullable=False),
        sa.Column("child_population", sa.Integer(), nullable=True),
        sa.Column("cp_visit_working_days", sa.Integer(), nullable=True),
        sa.Column("cin_visit_working_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_measures_la_setting_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", name=op.f("pk_measures_la_setting")),
    )


def downgrade() -> None:
    op.drop_table("measures_la_setting")
