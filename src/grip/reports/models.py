"""Report tables. Every one is LA-owned and hangs off an inspection (``grip.inspections``).

* ``Report``: the one report or letter of an inspection (ILACS framework (Ofsted 170040) para
  202), its kind and its clearing state; ``version`` guards moves against a stale page.
* ``ReportText`` / ``ReportTextVersion``: the lead inspector's text per section (para 203) as it
  now reads, and every version ever saved; a save based on an older version is refused.
* ``ReportEvent``: each move through clearing (paras 214-216) with who, when and the note.
* ``ReportComment``: the LA's factual accuracy comments against a draft paragraph (para 215),
  each accepted or declined with a reason.
* ``ReportFile``: the DOCX and PDF as published; never rewritten (the published document is
  immutable).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = String(32)


def _report_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["la_code", "report_id"], ["report.la_code", "report.id"], ondelete="CASCADE"
    )


def _user() -> Any:
    return mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)


class Report(LAOwned, Base):
    """The report or letter of one inspection or visit, and where it is in clearing."""

    __tablename__ = "report"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    # inspection-report | focused-visit-letter | monitoring-visit-letter |
    # action-planning-visit-letter (structure.yaml)
    kind: Mapped[str] = mapped_column(String(40))
    # draft | qa_review | factual_accuracy | final_sent | published (structure.yaml)
    state: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = _user()
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("la_code", "inspection_id", name="uq_report_inspection"),
    )


class ReportText(LAOwned, Base):
    """One section's text as it now reads (its versions hold the history)."""

    __tablename__ = "report_text"

    report_id: Mapped[str] = mapped_column(ID, primary_key=True)
    section_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (_report_fk(),)


class ReportTextVersion(LAOwned, Base):
    """One saved version of a section's text: who saved it and when."""

    __tablename__ = "report_text_version"

    report_id: Mapped[str] = mapped_column(ID, primary_key=True)
    section_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[int | None] = _user()
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_report_fk(),)


class ReportEvent(LAOwned, Base):
    """A move through clearing: from and to which state, who, when, and the note."""

    __tablename__ = "report_event"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    report_id: Mapped[str] = mapped_column(ID)
    move: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[int | None] = _user()
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_report_fk(), Index("ix_report_event_report", "la_code", "report_id"))


class ReportComment(LAOwned, Base):
    """A factual accuracy comment by the LA on one paragraph of the draft (para 215)."""

    __tablename__ = "report_comment"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    report_id: Mapped[str] = mapped_column(ID)
    section_id: Mapped[str] = mapped_column(String(60))
    paragraph: Mapped[int] = mapped_column(Integer)  # 1-based within the section's text
    quoted: Mapped[str] = mapped_column(Text)  # the paragraph as it read when commented on
    comment: Mapped[str] = mapped_column(Text)
    made_by: Mapped[int | None] = _user()
    made_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(12), nullable=True)  # accepted|declined
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[int | None] = _user()
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (_report_fk(), Index("ix_report_comment_report", "la_code", "report_id"))


class ReportFile(LAOwned, Base):
    """A file as published (report.docx, report.pdf, children-summary.docx ...)."""

    __tablename__ = "report_file"

    report_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(120))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_report_fk(),)
