"""Reports and letters: the document of an inspection, its sections' text with every version,
clearing moves, the LA's factual accuracy comments and the files as published. Rows hang off
an inspection, so this branch depends on the inspections branch (and through it on access).

Revision ID: 0800_reports
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0800_reports"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("reports",)
depends_on: str | Sequence[str] | None = ("0400_inspections",)


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
            name=op.f("fk_report_created_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_report_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_report")),
        sa.UniqueConstraint("la_code", "inspection_id", name="uq_report_inspection"),
    )
    op.create_table(
        "report_comment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("section_id", sa.String(length=60), nullable=False),
        sa.Column("paragraph", sa.Integer(), nullable=False),
        sa.Column("quoted", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["app_user.id"],
            name=op.f("fk_report_comment_decided_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "report_id"],
            ["report.la_code", "report.id"],
            name=op.f("fk_report_comment_la_code_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_comment_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["made_by"],
            ["app_user.id"],
            name=op.f("fk_report_comment_made_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_report_comment")),
    )
    with op.batch_alter_table("report_comment", schema=None) as batch_op:
        batch_op.create_index("ix_report_comment_report", ["la_code", "report_id"], unique=False)

    op.create_table(
        "report_event",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("move", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=False),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["by"], ["app_user.id"], name=op.f("fk_report_event_by_app_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "report_id"],
            ["report.la_code", "report.id"],
            name=op.f("fk_report_event_la_code_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_event_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_report_event")),
    )
    with op.batch_alter_table("report_event", schema=None) as batch_op:
        batch_op.create_index("ix_report_event_report", ["la_code", "report_id"], unique=False)

    op.create_table(
        "report_file",
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "report_id"],
            ["report.la_code", "report.id"],
            name=op.f("fk_report_file_la_code_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_file_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "name", "la_code", name=op.f("pk_report_file")),
    )
    op.create_table(
        "report_text",
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("section_id", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "report_id"],
            ["report.la_code", "report.id"],
            name=op.f("fk_report_text_la_code_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_text_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "section_id", "la_code", name=op.f("pk_report_text")),
    )
    op.create_table(
        "report_text_version",
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("section_id", sa.String(length=60), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "report_id"],
            ["report.la_code", "report.id"],
            name=op.f("fk_report_text_version_la_code_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_report_text_version_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"],
            ["app_user.id"],
            name=op.f("fk_report_text_version_saved_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "report_id", "section_id", "number", "la_code", name=op.f("pk_report_text_version")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_text_version")
    op.drop_table("report_text")
    op.drop_table("report_file")
    with op.batch_alter_table("report_event", schema=None) as batch_op:
        batch_op.drop_index("ix_report_event_report")

    op.drop_table("report_event")
    with op.batch_alter_table("report_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_report_comment_report")

    op.drop_table("report_comment")
    op.drop_table("report")
