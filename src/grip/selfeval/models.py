"""Tables of the self-evaluation: one document per LA and year (with a version number for
optimistic locking), its saved versions, and the annual engagement meeting."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = String(32)


class SelfEvaluation(LAOwned, Base):
    """An LA's self-evaluation for one year. JSON columns are stored as text."""

    __tablename__ = "selfeval"
    __table_args__ = (UniqueConstraint("la_code", "year", name="uq_selfeval_la_year"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    evidence_on: Mapped[dt.date] = mapped_column(Date)
    # Evidence panels drafted by Grip at evidence_on (JSON): replaced by a refresh.
    panels: Mapped[str] = mapped_column(Text)
    # The author's text (JSON: section id -> text); a refresh never touches it.
    narrative: Mapped[str] = mapped_column(Text, default="{}")
    # Principles of para 36 (JSON: id -> {"ticked": bool, "note": str}).
    principles: Mapped[str] = mapped_column(Text, default="{}")
    # Weaknesses the author names (JSON list of {"text", "action_id"}), para 38.
    weaknesses: Mapped[str] = mapped_column(Text, default="[]")
    # Panels the author removed (JSON list of panel ids).
    removed: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )


class SelfEvaluationVersion(LAOwned, Base):
    """One saved version: who changed what, and the whole document as it then stood."""

    __tablename__ = "selfeval_version"

    selfeval_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    change: Mapped[str] = mapped_column(Text)
    snapshot: Mapped[str] = mapped_column(Text)


class EngagementMeeting(LAOwned, Base):
    """The annual engagement meeting (ILACS framework (Ofsted 170040) paras 39–48)."""

    __tablename__ = "selfeval_meeting"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    meeting_on: Mapped[dt.date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"name", "role"}]
    agenda: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of topics (para 47)
    agenda_agreed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    letter_received_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    letter_summary: Mapped[str] = mapped_column(Text, default="")
