"""The annual engagement meeting (ILACS framework (Ofsted 170040) paras 39–48): date, who
attended by role (para 46), the agenda agreed in advance (para 47) over the topics of para 42,
notes, and Ofsted's letter to the DCS, due within a month of the meeting (para 48). The letter
is not published and holds no judgement, so Grip records only when it came and its summary."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grip import calendar
from grip.selfeval.models import EngagementMeeting
from grip.selfeval.service import SelfEvalError
from grip.selfeval.structure import load_structure


def letter_due(meeting_on: dt.date) -> dt.date:
    """The last day for Ofsted's letter: one month after the meeting (para 48)."""
    return calendar.add_months(meeting_on, int(load_structure().meeting["letter_within_months"]))


def letter_overdue(meeting: EngagementMeeting, today: dt.date) -> bool:
    """No letter recorded and the month of para 48 has passed."""
    return meeting.letter_received_on is None and today > letter_due(meeting.meeting_on)


def record_meeting(
    db: Session,
    la_code: str,
    year: int,
    meeting_on: dt.date,
    attendees: list[dict[str, str]],
    agenda: list[str],
    agenda_agreed_on: dt.date | None,
    notes: str = "",
) -> EngagementMeeting:
    """Record the year's meeting. Every attendee needs a role; the agenda is agreed before
    the meeting (para 47)."""
    for i, a in enumerate(attendees, start=1):
        if not a.get("role", "").strip():
            raise SelfEvalError(f"attendee {i} ({a.get('name', '')!r}): role is empty (para 46)")
    if agenda_agreed_on is not None and agenda_agreed_on > meeting_on:
        raise SelfEvalError(
            f"agenda agreed on {agenda_agreed_on}: it must be agreed before the meeting on "
            f"{meeting_on} (ILACS framework (Ofsted 170040) para 47)"
        )
    m = EngagementMeeting(
        la_code=la_code,
        id=uuid.uuid4().hex,
        year=year,
        meeting_on=meeting_on,
        attendees=json.dumps(attendees),
        agenda=json.dumps(agenda),
        agenda_agreed_on=agenda_agreed_on,
        notes=notes,
        letter_summary="",
    )
    db.add(m)
    db.flush()
    return m


def record_letter(m: EngagementMeeting, received_on: dt.date, summary: str) -> None:
    """Record Ofsted's letter (para 48); it cannot predate the meeting."""
    if received_on < m.meeting_on:
        raise SelfEvalError(
            f"letter received {received_on}: it is before the meeting on {m.meeting_on}"
        )
    m.letter_received_on, m.letter_summary = received_on, summary


def meetings(db: Session, la_code: str) -> list[EngagementMeeting]:
    """The LA's meetings, latest first."""
    return list(
        db.scalars(
            sa.select(EngagementMeeting)
            .where(EngagementMeeting.la_code == la_code)
            .order_by(EngagementMeeting.meeting_on.desc())
        )
    )
