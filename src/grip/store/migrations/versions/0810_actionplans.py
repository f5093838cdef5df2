"""Action plans: the LA's plan after an inspection, its actions, their progress and evidence of
impact, and the later visits on its progress record. Plans hang off inspections and actions
answer findings, so this branch depends on the inspections and evidence branches.

Revision ID: 0810_actionplans
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0810_actionplans"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("actionplans",)
depends_on: str | Sequence[str] | None = ("0200_access", "0400_inspections", "0500_evidence")


def _la(table: str) -> list[SchemaItem]:
    return [
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f(f"fk_{table}_la_code_local_authority"),
            ondelete="CASCADE",
        ),
    ]


def _user(table: str, column: str) -> list[SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [column],
            ["app_user.id"],
            name=op.f(f"fk_{table}_{column}_app_user"),
            ondelete="SET NULL",
        ),
    ]


def _of(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["la_code", column],
        [f"{target}.la_code", f"{target}.id"],
        name=op.f(f"fk_{table}_la_code_{target}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "action_plan",
        *_la("action_plan"),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("report_received_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("inadequate", sa.Boolean(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("review_outcome", sa.String(length=20), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_user("action_plan", "created_by"),
        sa.Column("version", sa.Integer(), nullable=False),
        _of("action_plan", "inspection_id", "inspection"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_action_plan")),
        sa.UniqueConstraint("la_code", "inspection_id", name="uq_action_plan_inspection"),
    )
    op.create_table(
        "action_plan_visit",
        *_la("action_plan_visit"),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        *_user("action_plan_visit", "added_by"),
        _of("action_plan_visit", "plan_id", "action_plan"),
        _of("action_plan_visit", "inspection_id", "inspection"),
        sa.PrimaryKeyConstraint(
            "la_code", "plan_id", "inspection_id", name=op.f("pk_action_plan_visit")
        ),
    )
    op.create_table(
        "action_plan_action",
        *_la("action_plan_action"),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("finding_id", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_user("action_plan_action", "owner_user_id"),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_user("action_plan_action", "created_by"),
        sa.Column("version", sa.Integer(), nullable=False),
        _of("action_plan_action", "plan_id", "action_plan"),
        _of("action_plan_action", "finding_id", "evidence_finding"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_action_plan_action")),
    )
    op.create_index(
        "ix_action_plan_action_plan", "action_plan_action", ["la_code", "plan_id"], unique=False
    )
    op.create_table(
        "action_plan_progress",
        *_la("action_plan_progress"),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("action_id", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_user("action_plan_progress", "recorded_by"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _of("action_plan_progress", "action_id", "action_plan_action"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_action_plan_progress")),
    )
    op.create_index(
        "ix_action_plan_progress_action",
        "action_plan_progress",
        ["la_code", "action_id"],
        unique=False,
    )
    op.create_table(
        "action_plan_impact",
        *_la("action_plan_impact"),
        sa.Column("action_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        *_user("action_plan_impact", "added_by"),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _of("action_plan_impact", "action_id", "action_plan_action"),
        sa.PrimaryKeyConstraint(
            "la_code", "action_id", "kind", "ref", name=op.f("pk_action_plan_impact")
        ),
    )


def downgrade() -> None:
    op.drop_table("action_plan_impact")
    op.drop_index("ix_action_plan_progress_action", table_name="action_plan_progress")
    op.drop_table("action_plan_progress")
    op.drop_index("ix_action_plan_action_plan", table_name="action_plan_action")
    op.drop_table("action_plan_action")
    op.drop_table("action_plan_visit")
    op.drop_table("action_plan")
