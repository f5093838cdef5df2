"""Inspections: the timeline checklist, the Annex B request log, the foster and adopter
households, the lead inspector's lines of enquiry, and the LA's inspection history (for the
pathway).

Revision ID: 0401_inspections_log
Revises: 0400_inspections
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0401_inspections_log"
down_revision: str | Sequence[str] | None = "0400_inspections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _common(table: str, *users: str) -> list[Any]:
    items: list[Any] = [
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f(f"fk_{table}_la_code_local_authority"),
            ondelete="CASCADE",
        ),
    ]
    items += [
        sa.ForeignKeyConstraint(
            [u], ["app_user.id"], name=op.f(f"fk_{table}_{u}_app_user"), ondelete="SET NULL"
        )
        for u in users
    ]
    return items


def _of_inspection(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["la_code", "inspection_id"],
        ["inspection.la_code", "inspection.id"],
        name=op.f(f"fk_{table}_la_code_inspection"),
        ondelete="CASCADE",
    )


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inspection_milestone",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("milestone_id", sa.String(length=60), nullable=False),
        _when("done_at"),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_common("inspection_milestone", "done_by"),
        _of_inspection("inspection_milestone"),
        sa.PrimaryKeyConstraint(
            "la_code", "inspection_id", "milestone_id", name=op.f("pk_inspection_milestone")
        ),
    )
    op.create_table(
        "inspection_request",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        _when("requested_at"),
        _when("response_due"),
        sa.Column("request_type", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=48), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("supplied", sa.Text(), nullable=True),
        _when("received_at", nullable=True),
        sa.Column("responded_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_common("inspection_request", "requested_by", "responded_by"),
        _of_inspection("inspection_request"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_inspection_request")),
    )
    op.create_index(
        "ix_inspection_request_inspection",
        "inspection_request",
        ["la_code", "inspection_id"],
        unique=False,
    )
    op.create_table(
        "inspection_household",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("household_kind", sa.String(length=10), nullable=False),
        sa.Column("household_id", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("added_at"),
        sa.Column("added_by", sa.Integer(), nullable=True),
        *_common("inspection_household", "added_by"),
        _of_inspection("inspection_household"),
        sa.PrimaryKeyConstraint(
            "la_code",
            "inspection_id",
            "household_kind",
            "household_id",
            name=op.f("pk_inspection_household"),
        ),
    )
    op.create_table(
        "inspection_enquiry_line",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("added_at"),
        sa.Column("added_by", sa.Integer(), nullable=True),
        *_common("inspection_enquiry_line", "added_by"),
        _of_inspection("inspection_enquiry_line"),
        sa.PrimaryKeyConstraint(
            "la_code", "inspection_id", "number", name=op.f("pk_inspection_enquiry_line")
        ),
    )
    op.create_table(
        "inspection_history",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("framework_id", sa.String(length=40), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("overall", sa.String(length=30), nullable=True),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _when("entered_at"),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        *_common("inspection_history", "entered_by"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_inspection_history")),
    )


def downgrade() -> None:
    op.drop_table("inspection_history")
    op.drop_table("inspection_enquiry_line")
    op.drop_table("inspection_household")
    op.drop_index("ix_inspection_request_inspection", table_name="inspection_request")
    op.drop_table("inspection_request")
    op.drop_table("inspection_milestone")
