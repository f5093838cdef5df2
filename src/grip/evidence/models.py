"""Evidence tables. Every one is LA-owned and hangs off an inspection (``grip.inspections``).

* ``EvidenceEntry`` is an entry's current text; ``EvidenceVersion`` keeps every version ever
  saved, the first included, so an edit never overwrites what was recorded (ILACS framework
  (Ofsted 170040) paras 181-182: contemporaneous records, with source, date and time).
* ``EvidenceCase`` links an entry to the cases it concerns by Grip's case reference (the SSD
  person id, never a name; para 191). It carries ``person_id``, so the access layer hides the
  link from anyone who may not see that case (an inspector sees only their sample).
* ``QANote``: the quality assurance manager's notes (para 190).
* ``JudgementProposal`` and ``JudgementMeeting``: the grades the team proposes with the entries
  behind each, and the meeting's confirmation (paras 193-194).
* ``Finding``: focused-visit strengths, areas for improvement and areas for priority action
  (paras 108-110); monitoring-visit progress (para 115). A finding has no grade column: a
  focused visit makes no graded judgement (para 108).
* ``Feedback``: the feedback meeting (paras 197-201), locked once given.
* ``CaseEvaluation``: an inspector's grade of a case the LA audited, beside the LA's (para 59).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = String(32)


def _inspection_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["la_code", "inspection_id"], ["inspection.la_code", "inspection.id"], ondelete="CASCADE"
    )


def _entry_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["la_code", "entry_id"], ["evidence_entry.la_code", "evidence_entry.id"], ondelete="CASCADE"
    )


class EvidenceEntry(LAOwned, Base):
    """One entry of the evidence record, as it now reads (its versions hold the history)."""

    __tablename__ = "evidence_entry"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    # case-file | meeting | observation | document | conversation-child | conversation-parent |
    # conversation-carer | conversation-professional (sources.yaml)
    source: Mapped[str] = mapped_column(String(40))
    # strength | area-for-improvement | priority-concern (para 189: significant concern or
    # outstanding practice)
    marker: Mapped[str] = mapped_column(String(40))
    # JSON list of heading refs (grip.evidence.headings)
    headings: Mapped[str] = mapped_column(Text)
    statement: Mapped[str] = mapped_column(Text)  # para 188: the evaluative statement
    evidence: Mapped[str] = mapped_column(Text)  # the evidence underpinning it
    impact: Mapped[str] = mapped_column(Text)  # the impact on children
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (_inspection_fk(), Index("ix_evidence_entry_insp", "la_code", "inspection_id"))


class EvidenceVersion(LAOwned, Base):
    """One saved version of an entry: who saved it, when, and everything it said."""

    __tablename__ = "evidence_version"

    entry_id: Mapped[str] = mapped_column(ID, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(40))
    marker: Mapped[str] = mapped_column(String(40))
    headings: Mapped[str] = mapped_column(Text)
    cases: Mapped[str] = mapped_column(Text)  # JSON list of case references
    statement: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)

    __table_args__ = (_entry_fk(),)


class EvidenceCase(LAOwned, Base):
    """A case an entry concerns, by Grip's case reference."""

    __tablename__ = "evidence_case"

    entry_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)

    __table_args__ = (_entry_fk(), Index("ix_evidence_case_person", "la_code", "person_id"))


class QANote(LAOwned, Base):
    """The quality assurance manager's note on an entry or on the whole record (para 190)."""

    __tablename__ = "evidence_qa_note"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    entry_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (_inspection_fk(),)


class JudgementProposal(LAOwned, Base):
    """The grade proposed for one judgement, with the entries that support it."""

    __tablename__ = "evidence_judgement"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    judgement_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    grade: Mapped[str] = mapped_column(String(40))
    entry_ids: Mapped[str] = mapped_column(Text)  # JSON list
    reasons: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_inspection_fk(),)


class JudgementMeeting(LAOwned, Base):
    """The meeting's recorded findings (facts) and, once the engine allows, its confirmation."""

    __tablename__ = "evidence_meeting"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    facts: Mapped[str] = mapped_column(Text, default="{}")  # JSON {fact: bool}
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    confirmed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (_inspection_fk(),)


class Finding(LAOwned, Base):
    """A finding without a grade: focused-visit strength, area for improvement or area for
    priority action (paras 108-110), or monitoring-visit progress (para 115)."""

    __tablename__ = "evidence_finding"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    # Monitoring visits: the area for priority action or recommendation progress is measured
    # against.
    against: Mapped[str | None] = mapped_column(Text, nullable=True)
    entry_ids: Mapped[str] = mapped_column(Text)  # JSON list
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_inspection_fk(),)


class Feedback(LAOwned, Base):
    """The feedback meeting at the end of fieldwork (paras 197-201); locked once given."""

    __tablename__ = "evidence_feedback"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    attendees: Mapped[str] = mapped_column(Text)  # job titles or roles, one a line
    note: Mapped[str] = mapped_column(Text)
    # What was given: JSON snapshot of the confirmed judgements and the findings.
    given: Mapped[str] = mapped_column(Text, default="{}")
    given_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    given_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    # paras 112, 116: the monitoring programme started for an inadequate judgement.
    monitoring_inspection_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    monitoring_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (_inspection_fk(),)


class CaseEvaluation(LAOwned, Base):
    """An inspector's grade of a case the LA audited, beside the LA's own grade (para 59)."""

    __tablename__ = "evidence_case_evaluation"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    audit_id: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    la_grade: Mapped[str] = mapped_column(String(40))
    inspector_grade: Mapped[str] = mapped_column(String(40))
    inspector_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (_inspection_fk(),)
