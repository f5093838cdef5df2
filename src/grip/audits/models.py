"""Audit tables. Every one is LA-owned (``la_code`` first in the primary key).

Tables that name a child carry ``person_id`` (the SSD person id), so the access layer's scoping
hides audits of restricted cases from users not on the access list, and shows an external
inspector only the audits in their sample (``grip.access.scope``).

``Audit`` and ``AuditAction`` carry a version counter (SQLAlchemy ``version_id_col``): every
save must name the version it loaded, and a stale save is refused rather than silently
overwriting another person's work.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = String(32)


class SamplePick(LAOwned, Base):
    """One case chosen for the monthly programme, with the reason it was chosen
    (Southwark QA framework 2015, appendix 1 §2a; ILACS framework (Ofsted 170040) paras 150,
    153)."""

    __tablename__ = "audit_sample_pick"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    person_id: Mapped[str] = mapped_column(String(48))
    team_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    service_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    # Why this case: the factors it brought to the month's sample, in words.
    reason: Mapped[str] = mapped_column(Text)
    # The factor tags (JSON list) the case carries, for reports and re-checks.
    factors: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer)
    deliberate: Mapped[bool] = mapped_column(Boolean, default=False)
    picked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    picked_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (Index("ix_audit_sample_pick_month", "la_code", "month"),)


class Audit(LAOwned, Base):
    """One case audit and where it is in its lifecycle."""

    __tablename__ = "audit"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    template_id: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(48))
    team_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    service_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    month: Mapped[str] = mapped_column(String(7))
    pick_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    state: Mapped[str] = mapped_column(String(20))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    # The allocated worker whose practice is audited (SSD professional id) and, when they use
    # Grip, their account, so they can complete the reflection sheet.
    worker_professional_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    worker_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    allocated_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    allocated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[dt.date] = mapped_column(Date)
    # Southwark QA framework 2015, appendix 1 §2b: the audit covers the last 12 months of
    # involvement.
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    overall_grade: Mapped[str | None] = mapped_column(String(24), nullable=True)
    overall_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    reflection_discussed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    family_contacted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Who answered (a relationship such as "mother", never a name) and how (Southwark QA framework
    # 2015, §2d).
    family_respondent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    family_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Why no feedback could be had, when the family declined or could not be reached.
    family_not_obtained_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The grade that counts: the moderated grade when moderated, else the auditor's (§6).
    final_grade: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # Southwark QA framework 2015, appendix 1 §2f: exemption from the timescale, only by a head of
    # service.
    exempt_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    exempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    exempt_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    exempt_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_chased_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    chase_count: Mapped[int] = mapped_column(Integer, default=0)
    # Southwark QA framework 2015, appendix 1 §2j: the copy sent to the child's IRO or CP chair.
    iro_copy_to: Mapped[str | None] = mapped_column(String(100), nullable=True)
    iro_copy_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Southwark QA framework 2015, appendix 1 §2i: the head of service's discussion in the following
    # month.
    hos_discussed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    hos_discussed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    hos_discussion_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_audit_person", "la_code", "person_id"),
        Index("ix_audit_month", "la_code", "month"),
    )


class AuditAnswer(LAOwned, Base):
    """An answer on an audit: a question (``q:<section>.<question>``, yes / partly / no / not
    applicable with evidence), a reflection-sheet item (``reflection:<id>``) or a family
    questionnaire item (``family:<id>``)."""

    __tablename__ = "audit_answer"

    audit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    item: Mapped[str] = mapped_column(String(140), primary_key=True)
    answer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
    )


class AuditGrade(LAOwned, Base):
    """A grade with its reasons, for one section or (``section_id == "_overall"``) the whole
    audit, by the auditor or by the moderator (who grades blind)."""

    __tablename__ = "audit_grade"

    audit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    grader: Mapped[str] = mapped_column(String(12), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    grade: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
    )


class Moderation(LAOwned, Base):
    """The blind second grading of an audit (ILACS framework (Ofsted 170040) paras 59, 147:
    inspectors test the LA's audits against their own view)."""

    __tablename__ = "audit_moderation"

    audit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    # second_auditor, or inspector (a mock or peer inspection)
    kind: Mapped[str] = mapped_column(String(20))
    appointed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    appointed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    auditor_grade: Mapped[str | None] = mapped_column(String(24), nullable=True)
    moderator_grade: Mapped[str | None] = mapped_column(String(24), nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
    )


class AuditAction(LAOwned, Base):
    """An improvement plan action: brief and specific, with who does it and by when
    (Southwark QA framework 2015, appendix 1 §4 Improvement Plan, §2e, §2h)."""

    __tablename__ = "audit_action"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    audit_id: Mapped[str] = mapped_column(ID)
    description: Mapped[str] = mapped_column(Text)
    # The owner's job title (ILACS framework (Ofsted 170040) para 190: job titles, not names), and
    # their account when they use Grip.
    owner: Mapped[str] = mapped_column(String(100))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
        Index("ix_audit_action_audit", "la_code", "audit_id"),
    )


class SafetyConcern(LAOwned, Base):
    """An immediate concern for the child's safety raised during an audit (Southwark QA framework
    2015, appendix 1 §2g). Open until a manager closes it with what was done."""

    __tablename__ = "audit_safety_concern"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    audit_id: Mapped[str] = mapped_column(ID)
    person_id: Mapped[str] = mapped_column(String(48))
    concern: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    action_taken: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
        Index("ix_audit_safety_concern_audit", "la_code", "audit_id"),
    )


class SafetyNotification(LAOwned, Base):
    """Who was told of a safety concern, and when (always the Director of children's social
    care, Southwark QA framework 2015, appendix 1 §2g)."""

    __tablename__ = "audit_safety_notification"

    concern_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A job title (e.g. "Director of Children's Social Care"), never a name.
    told: Mapped[str] = mapped_column(String(100))
    is_director: Mapped[bool] = mapped_column(Boolean, default=False)
    told_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "concern_id"],
            ["audit_safety_concern.la_code", "audit_safety_concern.id"],
            ondelete="CASCADE",
        ),
    )


class AuditHistory(LAOwned, Base):
    """What happened to an audit and who did it: transitions, chases, exemptions."""

    __tablename__ = "audit_history"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    audit_id: Mapped[str] = mapped_column(ID)
    # Order of events within the audit (several can share a timestamp).
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    event: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "audit_id"], ["audit.la_code", "audit.id"], ondelete="CASCADE"
        ),
        Index("ix_audit_history_audit", "la_code", "audit_id"),
    )
