"""Evidence: the evidence record with its versions and case links, QA notes, the judgement
meeting, findings, the feedback meeting and inspectors' grades of LA-audited cases. Every table
is LA-owned and hangs off an inspection, so this branch depends on the inspections branch.

Revision ID: 0500_evidence
Revises: 0001_base
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0500_evidence"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("evidence",)
depends_on: str | Sequence[str] | None = "0400_inspections"


def upgrade() -> None:
    op.create_table(
        "evidence_case_evaluation",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=48), nullable=True),
        sa.Column("la_grade", sa.String(length=40), nullable=False),
        sa.Column("inspector_grade", sa.String(length=40), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["app_user.id"],
            name=op.f("fk_evidence_case_evaluation_inspector_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_case_evaluation_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_case_evaluation_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "inspection_id", "person_id", "la_code", name=op.f("pk_evidence_case_evaluation")
        ),
    )
    op.create_table(
        "evidence_entry",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("marker", sa.String(length=40), nullable=False),
        sa.Column("headings", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_evidence_entry_author_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_entry_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_entry_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_evidence_entry")),
    )
    with op.batch_alter_table("evidence_entry", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_entry_insp", ["la_code", "inspection_id"], unique=False)

    op.create_table(
        "evidence_feedback",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_by", sa.Integer(), nullable=True),
        sa.Column("monitoring_inspection_id", sa.String(length=32), nullable=True),
        sa.Column("monitoring_note", sa.Text(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["given_by"],
            ["app_user.id"],
            name=op.f("fk_evidence_feedback_given_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_feedback_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_feedback_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "la_code", name=op.f("pk_evidence_feedback")),
    )
    op.create_table(
        "evidence_finding",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("against", sa.Text(), nullable=True),
        sa.Column("entry_ids", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_finding_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_finding_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_evidence_finding_recorded_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_evidence_finding")),
    )
    op.create_table(
        "evidence_judgement",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("judgement_id", sa.String(length=60), nullable=False),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("entry_ids", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_judgement_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_judgement_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_evidence_judgement_recorded_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "inspection_id", "judgement_id", "la_code", name=op.f("pk_evidence_judgement")
        ),
    )
    op.create_table(
        "evidence_meeting",
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by"],
            ["app_user.id"],
            name=op.f("fk_evidence_meeting_confirmed_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_meeting_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_meeting_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "la_code", name=op.f("pk_evidence_meeting")),
    )
    op.create_table(
        "evidence_qa_note",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_evidence_qa_note_author_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            name=op.f("fk_evidence_qa_note_la_code_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_qa_note_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_evidence_qa_note")),
    )
    op.create_table(
        "evidence_case",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "entry_id"],
            ["evidence_entry.la_code", "evidence_entry.id"],
            name=op.f("fk_evidence_case_la_code_evidence_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_case_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "person_id", "la_code", name=op.f("pk_evidence_case")),
    )
    with op.batch_alter_table("evidence_case", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_case_person", ["la_code", "person_id"], unique=False)

    op.create_table(
        "evidence_version",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("marker", sa.String(length=40), nullable=False),
        sa.Column("headings", sa.Text(), nullable=False),
        sa.Column("cases", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "entry_id"],
            ["evidence_entry.la_code", "evidence_entry.id"],
            name=op.f("fk_evidence_version_la_code_evidence_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_evidence_version_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"],
            ["app_user.id"],
            name=op.f("fk_evidence_version_saved_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("entry_id", "number", "la_code", name=op.f("pk_evidence_version")),
    )


def downgrade() -> None:
    op.drop_table("evidence_version")
    with op.batch_alter_table("evidence_case", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_case_person")

    op.drop_table("evidence_case")
    op.drop_table("evidence_qa_note")
    op.drop_table("evidence_meeting")
    op.drop_table("evidence_judgement")
    op.drop_table("evidence_finding")
    op.drop_table("evidence_feedback")
    with op.batch_alter_table("evidence_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_entry_insp")

    op.drop_table("evidence_entry")
    op.drop_table("evidence_case_evaluation")
