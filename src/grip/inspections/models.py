"""Inspection tables: an inspection or visit, its team and its cases. Every one is LA-owned.

``Inspection`` carries a version counter (SQLAlchemy ``version_id_col``) so two people moving
the same inspection on at once cannot silently overwrite each other. Team members are Grip
users (``app_user``); adding an inspecting member grants the time-limited, read-only,
sample-scoped inspector access of ``grip.access`` (see ``grip.inspections.team``).
``InspectionSampleCase`` names a child (``person_id``), so the access layer's scoping hides a
restricted case from users not on its access list, and shows an external inspector only the
cases in their sample.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = sa.String(32)


def _of_inspection() -> sa.ForeignKeyConstraint:
    """The (LA, inspection) key of a row that belongs to one inspection."""
    return sa.ForeignKeyConstraint(
        ["la_code", "inspection_id"], ["inspection.la_code", "inspection.id"], ondelete="CASCADE"
    )


class Inspection(LAOwned, Base):
    """One inspection or visit of an LA under a named framework (ILACS framework (Ofsted
    170040) paras 5-139): its type, kind (real, mock, peer), state and dates."""

    __tablename__ = "inspection"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # standard, short, focused-visit, monitoring-visit, action-planning-visit (timelines.yaml)
    type: Mapped[str] = mapped_column(sa.String(40))
    framework_id: Mapped[str] = mapped_column(sa.String(40))
    # real (an Ofsted inspection the LA tracks), mock (inside the LA) or peer (another LA's team)
    kind: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(24))
    title: Mapped[str] = mapped_column(sa.String(200))
    # A focused visit's topic (ILACS framework (Ofsted 170040) paras 103-107).
    topic: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    # The first day of fieldwork as the timeline counts it (grip.calendar.notification_date).
    fieldwork_start: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    # Why a date the rules forbid was accepted; set only with an override, and logged.
    date_override_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(sa.Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (sa.Index("ix_inspection_state", "la_code", "state"),)


class InspectionTeamMember(LAOwned, Base):
    """A person on an inspection's team, in one team role (lead inspector, team inspector,
    shadowing inspector, quality assurance manager, the LA's link person, the DCS)."""

    __tablename__ = "inspection_team_member"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    team_role: Mapped[str] = mapped_column(sa.String(40))
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (_of_inspection(),)


class InspectionSampleCase(LAOwned, Base):
    """A child's case in an inspection's sample, on one of its lists, with why it is there."""

    __tablename__ = "inspection_sample_case"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    # la-audited (paras 131-135), inspector-sample (paras 150, 153), tracked (the LA's own)
    source: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str] = mapped_column(sa.Text)
    # The selection factors (JSON list) behind an inspector-sample pick.
    factors: Mapped[str] = mapped_column(sa.Text, default="[]")
    audit_id: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (_of_inspection(),)


class InspectionMilestone(LAOwned, Base):
    """A milestone of an inspection's timeline ticked off as done (the LA's checklist)."""

    __tablename__ = "inspection_milestone"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    milestone_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    done_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    done_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    __table_args__ = (_of_inspection(),)


class InspectionRequest(LAOwned, Base):
    """One request for further information: a row of the Annex B record (ILACS framework
    (Ofsted 170040) paras 164-167, 244-245 and Annex B)."""

    __tablename__ = "inspection_request"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    number: Mapped[int] = mapped_column(sa.Integer)
    requested_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    requested_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    response_due: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    # Annex B's "Type of request": document or information.
    request_type: Mapped[str] = mapped_column(sa.String(20))
    # Annex B's "Case ID (if applicable)": the SSD person id, never a name.
    case_id: Mapped[str | None] = mapped_column(sa.String(48), nullable=True)
    request: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20))
    response: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # The document or data the LA supplied (its name or reference).
    supplied: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    received_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime(timezone=True), nullable=True
    )
    responded_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    version: Mapped[int] = mapped_column(sa.Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (
        _of_inspection(),
        sa.Index("ix_inspection_request_inspection", "la_code", "inspection_id"),
    )


class InspectionHousehold(LAOwned, Base):
    """A foster carer or adopter household whose experience the inspection evaluates (up to
    four of each: ILACS framework (Ofsted 170040) para 85). An id, never a name."""

    __tablename__ = "inspection_household"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    household_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (_of_inspection(),)


class InspectionEnquiryLine(LAOwned, Base):
    """One of the lead inspector's initial lines of enquiry, written from the pre-inspection
    analysis (ILACS framework (Ofsted 170040) paras 68-69)."""

    __tablename__ = "inspection_enquiry_line"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (_of_inspection(),)


class InspectionHistory(LAOwned, Base):
    """A past inspection or visit of the LA, with its overall judgement when it had one: what
    the pathway is worked out from (ILACS framework (Ofsted 170040) paras 17-24)."""

    __tablename__ = "inspection_history"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(40))
    framework_id: Mapped[str] = mapped_column(sa.String(40))
    # The last day of fieldwork (or of the visit).
    last_day: Mapped[dt.date] = mapped_column(sa.Date)
    # outstanding, good, requires_improvement, inadequate; None for ungraded visits.
    overall: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    source: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    entered_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    entered_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
