"""Inspections: an inspection or visit of an LA, its team and its case sample. Every table is
LA-owned; user columns reference app_user, so this branch depends on the access branch.

Revision ID: 0400_inspections
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400_inspections"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("inspections",)
depends_on: str | Sequence[str] | None = ("0200_access",)


def _la_code() -> sa.Column[str]:
    return sa.Column("la_code", sa.String(length=16), nullable=False)


def _la_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["la_code"],
        ["local_authority.code"],
        name=op.f(f"fk_{table}_la_code_local_authority"),
        ondelete="CASCADE",
    )


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["app_user.id"], name=op.f(f"fk_{table}_{column}_app_user"), ondelete=ondelete
    )


def _inspection_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["la_code", "inspection_id"],
        ["inspection.la_code", "inspection.id"],
        name=op.f(f"fk_{table}_la_code_inspection"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("framework_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("fieldwork_start", sa.Date(), nullable=True),
        sa.Column("date_override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _la_code(),
        _user_fk("inspection", "created_by", "SET NULL"),
        _la_fk("inspection"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_inspection")),
    )
    op.create_index("ix_inspection_state", "inspection", ["la_code", "state"], unique=False)
    op.create_table(
        "inspection_team_member",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_role", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        _la_code(),
        _inspection_fk("inspection_team_member"),
        _user_fk("inspection_team_member", "user_id", "CASCADE"),
        _user_fk("inspection_team_member", "added_by", "SET NULL"),
        _la_fk("inspection_team_member"),
        sa.PrimaryKeyConstraint(
            "la_code", "inspection_id", "user_id", name=op.f("pk_inspection_team_member")
        ),
    )
    op.create_table(
        "inspection_sample_case",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("factors", sa.Text(), nullable=False),
        sa.Column("audit_id", sa.String(length=32), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        _la_code(),
        _inspection_fk("inspection_sample_case"),
        _user_fk("inspection_sample_case", "added_by", "SET NULL"),
        _la_fk("inspection_sample_case"),
        sa.PrimaryKeyConstraint(
            "la_code", "inspection_id", "person_id", name=op.f("pk_inspection_sample_case")
        ),
    )


def downgrade() -> None:
    op.drop_table("inspection_sample_case")
    op.drop_table("inspection_team_member")
    op.drop_index("ix_inspection_state", table_name="inspection")
    op.drop_table("inspection")
