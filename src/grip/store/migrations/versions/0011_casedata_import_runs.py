"""Case store: the import-run log (one row per import of an LA's extract).

Revision ID: 0011_casedata_import_runs
Revises: 0010_casedata
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_casedata_import_runs"
down_revision: str | Sequence[str] | None = "0010_casedata"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casedata_import_run",
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("format_version", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authority.code"],
            name=op.f("fk_casedata_import_run_la_code_local_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("la_code", "run_id", name=op.f("pk_casedata_import_run")),
    )


def downgrade() -> None:
    op.drop_table("casedata_import_run")
