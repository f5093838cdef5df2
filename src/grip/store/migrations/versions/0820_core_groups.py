"""Case store: the first core group meeting of each child protection plan (extract format
2026-12), for the measure "first core group within 10 working days of the initial child
protection conference" (Working Together to Safeguard Children, 2018, chapter 1).

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


def upgrade() -> None:
    op.add_column("ssd_cp_plans", sa.Column("cppl_first_core_group_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ssd_cp_plans") as batch:
        batch.drop_column("cppl_first_core_group_date")
