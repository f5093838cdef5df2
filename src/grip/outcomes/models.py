"""The outcomes register's tables: published inspection outcomes of every English LA.

These hold public facts (Ofsted's published reports, Crown copyright, Open Government Licence
v3.0), not an LA's case or QA data, so every user may read every LA's rows: the LA is named by
``dfe_la_code`` (the DfE LA code of the LA list), deliberately not ``la_code``, which would put the
tables under LA isolation (see docs/outcomes.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base


class OutcomeReport(Base):
    """One inspection's published outcome: an Ofsted report read from its PDF, or an LA's own
    inspection run in Grip whose report was published."""

    __tablename__ = "outcome_report"
    __table_args__ = (UniqueConstraint("dfe_la_code", "framework", "fieldwork_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dfe_la_code: Mapped[str] = mapped_column(String(16), index=True)
    framework: Mapped[str] = mapped_column(String(40))
    inspection_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fieldwork_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    fieldwork_end: Mapped[dt.date] = mapped_column(Date)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # "ofsted-report" (read from a published PDF) or "grip" (record_outcome).
    origin: Mapped[str] = mapped_column(String(20))
    source_file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    content_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # Where each value came from: "field": page number (JSON object as text).
    provenance: Mapped[str] = mapped_column(Text, default="{}")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OutcomeJudgement(Base):
    """One graded judgement of a report, with the page it is on."""

    __tablename__ = "outcome_judgement"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_report.id", ondelete="CASCADE"), primary_key=True
    )
    judgement: Mapped[str] = mapped_column(String(40), primary_key=True)
    grade: Mapped[str] = mapped_column(String(40))
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)


class OutcomeEvidence(Base):
    """A sentence of a report that carries a theme or an evaluation heading, with its page."""

    __tablename__ = "outcome_evidence"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_report.id", ondelete="CASCADE"), primary_key=True
    )
    # "theme" (the theme library) or "heading" (the framework's evaluation headings).
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    page: Mapped[int] = mapped_column(Integer)
    # "strength" or "weakness", from the sentence's wording (themes.yaml); "" for headings.
    polarity: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    sentence: Mapped[str] = mapped_column(Text)
