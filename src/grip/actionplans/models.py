"""Action plan tables (ILACS framework (Ofsted 170040) paras 112-139, 219-221). Every one is
LA-owned and hangs off an inspection: the plan answers one standard or short inspection, each
action one of its areas for improvement (a finding of ``grip.evidence``), and the plan's
progress record gathers the later focused and monitoring visits (paras 115, 220).

``ActionPlan`` and ``PlanAction`` carry a version counter, as audits' actions do, so two people
editing at once cannot silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned

ID = sa.String(32)


def _user() -> Any:
    """A column naming a Grip user, kept (as NULL) when the account is deleted."""
    return mapped_column(sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)


def _of(column: str, table: str) -> sa.ForeignKeyConstraint:
    """The (LA, ``column``) key of a row that belongs to one row of ``table`` (same LA)."""
    return sa.ForeignKeyConstraint(
        ["la_code", column], [f"{table}.la_code", f"{table}.id"], ondelete="CASCADE"
    )


class ActionPlan(LAOwned, Base):
    """The LA's action plan after one standard or short inspection (para 219), with the
    monitoring arrangements when the LA was judged inadequate (paras 112-128)."""

    __tablename__ = "action_plan"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID)
    # The day the LA received the final report: the 70 working days run from it (para 219).
    report_received_on: Mapped[dt.date] = mapped_column(sa.Date)
    due_date: Mapped[dt.date] = mapped_column(sa.Date)
    submitted_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    # Judged inadequate: the action planning visit and monitoring visits follow (para 112).
    inadequate: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The action planning visit's agreed date (para 116); suggested until entered.
    visit_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    # The inspector's review of the plan (paras 124-126).
    review_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    review_outcome: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    review_note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[int | None] = _user()
    version: Mapped[int] = mapped_column(sa.Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (
        _of("inspection_id", "inspection"),
        sa.UniqueConstraint("la_code", "inspection_id", name="uq_action_plan_inspection"),
    )


class ActionPlanVisit(LAOwned, Base):
    """A later visit on the plan's progress record: a focused visit after which the plan was
    updated (para 220), or a monitoring visit whose letter adds to the record (paras 115, 128)."""

    __tablename__ = "action_plan_visit"

    plan_id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[int | None] = _user()

    __table_args__ = (
        _of("plan_id", "action_plan"),
        _of("inspection_id", "inspection"),
    )


class PlanAction(LAOwned, Base):
    """One action: the area for improvement it answers, its owner, due date and status."""

    __tablename__ = "action_plan_action"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ID)
    finding_id: Mapped[str] = mapped_column(ID)
    description: Mapped[str] = mapped_column(sa.Text)
    owner_user_id: Mapped[int | None] = _user()
    due_date: Mapped[dt.date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20))
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[int | None] = _user()
    version: Mapped[int] = mapped_column(sa.Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (
        _of("plan_id", "action_plan"),
        _of("finding_id", "evidence_finding"),
        sa.Index("ix_action_plan_action_plan", "la_code", "plan_id"),
    )


class ActionProgress(LAOwned, Base):
    """A dated progress update on an action, by whom."""

    __tablename__ = "action_plan_progress"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    action_id: Mapped[str] = mapped_column(ID)
    on: Mapped[dt.date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text)
    recorded_by: Mapped[int | None] = _user()
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        _of("action_id", "action_plan_action"),
        sa.Index("ix_action_plan_progress_action", "la_code", "action_id"),
    )


class ActionImpact(LAOwned, Base):
    """Evidence of impact: a link from an action to a measure or an audit in Grip."""

    __tablename__ = "action_plan_impact"

    action_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # measure | audit
    ref: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    added_by: Mapped[int | None] = _user()
    added_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (_of("action_id", "action_plan_action"),)
