"""The import-run log: one row per ``grip casedata import`` of an LA's extract.

The importer decides from this log whether an extract is already loaded (same content hash),
newer (replaces the LA's case rows) or older (refused unless asked). A run that loads data is
written in the same transaction as the data, so the log and the case tables never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

#: Outcomes of a run. ``loaded`` and ``unchanged`` leave the LA's data matching the extract.
OUTCOMES = ("loaded", "unchanged", "rejected", "refused_older")


class ImportRun(LAOwned, Base):
    """One import attempt of an LA's case extract."""

    __tablename__ = "casedata_import_run"

    # Declared here (not only through the mixin) so la_code comes first in the primary key.
    la_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("local_authority.code", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    format_version: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    rows: Mapped[dict[str, Any]] = mapped_column(JSON)
    rows_skipped: Mapped[int] = mapped_column(Integer)
    problems: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


def data_range(conn: Connection, la_code: str) -> tuple[dt.date, dt.date] | None:
    """The dates the LA's case data covers: from its first contact or referral to the date of
    its latest loaded extract (or, with no import logged, its latest contact or referral).
    None when the LA has no case data. A list built for a date outside it would be empty, or
    would count as still open what the data simply does not yet know about."""
    from grip.casedata.models import CASE_TABLES  # the case tables import this module

    contacts, referrals = CASE_TABLES["ssd_contacts"], CASE_TABLES["ssd_cin_episodes"]
    firsts, lasts = [], []
    for table, column in ((contacts, "cont_contact_date"), (referrals, "cine_referral_date")):
        row = conn.execute(
            sa.select(sa.func.min(table.c[column]), sa.func.max(table.c[column])).where(
                table.c.la_code == la_code
            )
        ).one()
        firsts += [row[0]] if row[0] is not None else []
        lasts += [row[1]] if row[1] is not None else []
    if not firsts:
        return None
    as_of = conn.execute(
        sa.select(sa.func.max(ImportRun.as_of)).where(
            ImportRun.la_code == la_code, ImportRun.outcome == "loaded"
        )
    ).scalar()
    return min(firsts), as_of or max(lasts)
