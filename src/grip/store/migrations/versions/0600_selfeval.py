"""Self-evaluation: the yearly document, its versions and the annual engagement meeting. User
columns reference app_user, so this branch depends on the access branch.

Revision ID: 0600_selfeval
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0600_selfeval"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("selfeval",)
depends_on: str | Sequence[str] | None = ("0200_access",)


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


def upgrade() -> None:
    op.create_table(
        "selfeval",
        *_la("selfeval"),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("evidence_on", sa.Date(), nullable=False),
        sa.Column("panels", sa.Text(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("principles", sa.Text(), nullable=False),
        sa.Column("weaknesses", sa.Text(), nullable=False),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_user("selfeval", "updated_by"),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_selfeval")),
        sa.UniqueConstraint("la_code", "year", name="uq_selfeval_la_year"),
    )
    op.create_table(
        "selfeval_version",
        *_la("selfeval_version"),
        sa.Column("selfeval_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        *_user("selfeval_version", "changed_by"),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "la_code", "selfeval_id", "version", name=op.f("pk_selfeval_version")
        ),
    )
    op.create_table(
        "selfeval_meeting",
        *_la("selfeval_meeting"),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("agenda_agreed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("letter_received_on", sa.Date(), nullable=True),
        sa.Column("letter_summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("la_code", "id", name=op.f("pk_selfeval_meeting")),
    )


def downgrade() -> None:
    op.drop_table("selfeval_meeting")
    op.drop_table("selfeval_version")
    op.drop_table("selfeval")
