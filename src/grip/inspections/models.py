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

from sqlalchemy import (
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


class Inspection(LAOwned, Base):
    """One inspection or visit of an LA under a named framework (ILACS framework (Ofsted
    170040) paras 5-139): its type, kind (real, mock, peer), state and dates."""

    __tablename__ = "inspection"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # standard, short, focused-visit, monitoring-visit, action-planning-visit (timelines.yaml)
    type: Mapped[str] = mapped_column(String(40))
    framework_id: Mapped[str] = mapped_column(String(40))
    # real (an Ofsted inspection the LA tracks), mock (inside the LA) or peer (another LA's team)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    # A focused visit's topic (ILACS framework (Ofsted 170040) paras 103-107).
    topic: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The first day of fieldwork as the timeline counts it (grip.calendar.notification_date).
    fieldwork_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Why a date the rules forbid was accepted; set only with an override, and logged.
    date_override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (Index("ix_inspection_state", "la_code", "state"),)


class InspectionTeamMember(LAOwned, Base):
    """A person on an inspection's team, in one team role (lead inspector, team inspector,
    shadowing inspector, quality assurance manager, the LA's link person, the DCS)."""

    __tablename__ = "inspection_team_member"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    team_role: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            ondelete="CASCADE",
        ),
    )


class InspectionSampleCase(LAOwned, Base):
    """A child's case in an inspection's sample, on one of its lists, with why it is there."""

    __tablename__ = "inspection_sample_case"

    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    # la-audited (paras 131-135), inspector-sample (paras 150, 153), tracked (the LA's own)
    source: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    # The selection factors (JSON list) behind an inspector-sample pick.
    factors: Mapped[str] = mapped_column(Text, default="[]")
    audit_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["la_code", "inspection_id"],
            ["inspection.la_code", "inspection.id"],
            ondelete="CASCADE",
        ),
    )
