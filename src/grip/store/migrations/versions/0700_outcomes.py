"""Outcomes register: published inspection outcomes of every English LA, with provenance.

Revision ID: 0700_outcomes
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0700_outcomes"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("outcomes",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_report",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dfe_la_code", sa.String(16), nullable=False),
        sa.Column("framework", sa.String(40), nullable=False),
        sa.Column("inspection_type", sa.String(40), nullable=True),
        sa.Column("fieldwork_start", sa.Date(), nullable=True),
        sa.Column("fieldwork_end", sa.Date(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=True),
        sa.Column("content_sha256", sa.String(64), nullable=True),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_report")),
        sa.UniqueConstraint("content_sha256", name=op.f("uq_outcome_report_content_sha256")),
        sa.UniqueConstraint(
            "dfe_la_code",
            "framework",
            "fieldwork_end",
            name=op.f("uq_outcome_report_dfe_la_code"),
        ),
    )
    op.create_index(
        op.f("ix_outcome_report_dfe_la_code"), "outcome_report", ["dfe_la_code"], unique=False
    )
    op.create_table(
        "outcome_judgement",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("judgement", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(40), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["outcome_report.id"],
            name=op.f("fk_outcome_judgement_report_id_outcome_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "judgement", name=op.f("pk_outcome_judgement")),
    )
    op.create_table(
        "outcome_evidence",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("polarity", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["outcome_report.id"],
            name=op.f("fk_outcome_evidence_report_id_outcome_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "report_id", "kind", "key", "seq", name=op.f("pk_outcome_evidence")
        ),
    )


def downgrade() -> None:
    op.drop_table("outcome_evidence")
    op.drop_table("outcome_judgement")
    op.drop_index(op.f("ix_outcome_report_dfe_la_code"), table_name="outcome_report")
    op.drop_table("outcome_report")
