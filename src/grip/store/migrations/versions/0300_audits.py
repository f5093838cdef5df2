"""Audits: sample picks, audits, answers, grades, moderation, improvement actions, safety
concerns and history. Every table is LA-owned; user columns reference app_user, so
this branch depends on the access branch.

Revision ID: 0300_audits
Revises: 0001_base
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0300_audits"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("audits",)
depends_on: str | Sequence[str] | None = ("0200_access",)


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("template_id", sa.String(length=60), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("team_id", sa.String(length=48), nullable=True),
        sa.Column("service_id", sa.String(length=48), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("pick_id", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.Column("worker_professional_id", sa.String(length=48), nullable=True),
        sa.Column("worker_user_id", sa.Integer(), nullable=True),
        sa.Column("allocated_by", sa.Integer(), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("overall_grade", sa.String(length=24), nullable=True),
        sa.Column("overall_reason", sa.Text(), nullable=True),
        sa.Column("reflection_discussed_on", sa.Date(), nullable=True),
        sa.Column("family_contacted_on", sa.Date(), nullable=True),
        sa.Column("family_respondent", sa.String(length=100), nullable=True),
        sa.Column("family_method", sa.String(length=20), nullable=True),
        sa.Column("family_not_obtained_reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("final_grade", sa.String(length=24), nullable=True),
        sa.Column("exempt_by", sa.Integer(), nullable=True),
        sa.Column("exempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exempt_reason", sa.Text(), nullable=True),
        sa.Column("exempt_until", sa.Date(), nullable=True),
        sa.Column("last_chased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chase_count", sa.Integer(), nullable=False),
        sa.Column("iro_copy_to", sa.String(length=100), nullable=True),
        sa.Column("iro_copy_sent_on", sa.Date(), nullable=True),
        sa.Column("hos_discussed_on", sa.Date(), nullable=True),
        sa.Column("hos_discussed_by", sa.Integer(), nullable=True),
        sa.Column("hos_discussion_note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocated_by"],
            ["app_user.id"],
            name=op.f("fk_audit_allocated_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["auditor_id"], ["app_user.id"], name=op.f("fk_audit_auditor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["exempt_by"],
            ["app_user.id"],
            name=op.f("fk_audit_exempt_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hos_discussed_by"],
            ["app_user.id"],
            name=op.f("fk_audit_hos_discussed_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["app_user.id"],
            name=op.f("fk_audit_updated_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_worker_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index("ix_audit_month", ["la_code", "month"], unique=False)
        batch_op.create_index("ix_audit_person", ["la_code", "person_id"], unique=False)

    op.create_table(
        "audit_sample_pick",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("team_id", sa.String(length=48), nullable=True),
        sa.Column("service_id", sa.String(length=48), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("factors", sa.Text(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("deliberate", sa.Boolean(), nullable=False),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("picked_by", sa.Integer(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_sample_pick_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["picked_by"],
            ["app_user.id"],
            name=op.f("fk_audit_sample_pick_picked_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_audit_sample_pick")),
    )
    with op.batch_alter_table("audit_sample_pick", schema=None) as batch_op:
        batch_op.create_index("ix_audit_sample_pick_month", ["la_code", "month"], unique=False)

    op.create_table(
        "audit_action",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
            name=op.f("fk_audit_action_created_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_action_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_action_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_action_owner_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_audit_action")),
    )
    with op.batch_alter_table("audit_action", schema=None) as batch_op:
        batch_op.create_index("ix_audit_action_audit", ["la_code", "audit_id"], unique=False)

    op.create_table(
        "audit_answer",
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(length=140), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_answer_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_answer_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("audit_id", "item", "la_code", name=op.f("pk_audit_answer")),
    )
    op.create_table(
        "audit_grade",
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("grader", sa.String(length=12), nullable=False),
        sa.Column("section_id", sa.String(length=80), nullable=False),
        sa.Column("grade", sa.String(length=24), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_grade_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_grade_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "audit_id", "grader", "section_id", "la_code", name=op.f("pk_audit_grade")
        ),
    )
    op.create_table(
        "audit_history",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_history_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_history_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_history_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_audit_history")),
    )
    with op.batch_alter_table("audit_history", schema=None) as batch_op:
        batch_op.create_index("ix_audit_history_audit", ["la_code", "audit_id"], unique=False)

    op.create_table(
        "audit_moderation",
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("appointed_by", sa.Integer(), nullable=True),
        sa.Column("appointed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("auditor_grade", sa.String(length=24), nullable=True),
        sa.Column("moderator_grade", sa.String(length=24), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointed_by"],
            ["app_user.id"],
            name=op.f("fk_audit_moderation_appointed_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_moderation_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_moderation_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["app_user.id"],
            name=op.f("fk_audit_moderation_moderator_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("audit_id", "la_code", name=op.f("pk_audit_moderation")),
    )
    op.create_table(
        "audit_safety_concern",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("audit_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=48), nullable=False),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("action_taken", sa.Text(), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["app_user.id"],
            name=op.f("fk_audit_safety_concern_closed_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["la_code", "audit_id"],
            ["audit.la_code", "audit.id"],
            name=op.f("fk_audit_safety_concern_la_code_audit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_safety_concern_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["app_user.id"], name=op.f("fk_audit_safety_concern_raised_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", "la_code", name=op.f("pk_audit_safety_concern")),
    )
    with op.batch_alter_table("audit_safety_concern", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_safety_concern_audit", ["la_code", "audit_id"], unique=False
        )

    op.create_table(
        "audit_safety_notification",
        sa.Column("concern_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("told", sa.String(length=100), nullable=False),
        sa.Column("is_director", sa.Boolean(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code", "concern_id"],
            ["audit_safety_concern.la_code", "audit_safety_concern.id"],
            name=op.f("fk_audit_safety_notification_la_code_audit_safety_concern"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_audit_safety_notification_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "concern_id", "seq", "la_code", name=op.f("pk_audit_safety_notification")
        ),
    )


def downgrade() -> None:
    op.drop_table("audit_safety_notification")
    with op.batch_alter_table("audit_safety_concern", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_safety_concern_audit")

    op.drop_table("audit_safety_concern")
    op.drop_table("audit_moderation")
    with op.batch_alter_table("audit_history", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_history_audit")

    op.drop_table("audit_history")
    op.drop_table("audit_grade")
    op.drop_table("audit_answer")
    with op.batch_alter_table("audit_action", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_action_audit")

    op.drop_table("audit_action")
    with op.batch_alter_table("audit_sample_pick", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_sample_pick_month")

    op.drop_table("audit_sample_pick")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_person")
        batch_op.drop_index("ix_audit_month")

    op.drop_table("audit")
