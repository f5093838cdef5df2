"""Case store: the first core group meeting of each child protection plan (extract format
2026-12), for the measure "first core group within 10 working days of the initial child
protection conference" (Working Together to Safeguard Children, 2018, chapter 1). Also brings
grip_cin_reviews' table comment up to the format's description (its source named by title), so
the models and the migrations agree on PostgreSQL, which keeps comments.

Revision ID: 0820_core_groups
Revises: 0011_casedata_import_runs
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0820_core_groups"
down_revision: str | Sequence[str] | None = "0011_casedata_import_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CIN_REVIEWS_OLD = "Child in need plan reviews (not in the SSD; seed 004 sets the timescales)."
CIN_REVIEWS_NEW = (
    "Child in need plan reviews (not in the SSD; Southwark QA framework 2015 sets the timescales)."
)


def _comment(new: str, old: str) -> None:
    if op.get_bind().dialect.supports_comments:  # SQLite keeps no table comments
        op.create_table_comment("grip_cin_reviews", new, existing_comment=old)


def upgrade() -> None:
    op.add_column("ssd_cp_plans", sa.Column("cppl_first_core_group_date", sa.Date(), nullable=True))
    _comment(CIN_REVIEWS_NEW, CIN_REVIEWS_OLD)


def downgrade() -> None:
    _comment(CIN_REVIEWS_OLD, CIN_REVIEWS_NEW)
    with op.batch_alter_table("ssd_cp_plans") as batch:
        batch.drop_column("cppl_first_core_group_date")
