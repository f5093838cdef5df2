"""The annual engagement meeting (ILACS framework (Ofsted 170040) paras 39–48): date, who
attended by role (para 46: the DCS and Ofsted's regional director, senior HMI or HMI), the
agenda the senior HMI and the DCS agree in advance (para 47) over the topics of para 42, notes,
and Ofsted's letter to the DCS, due within a month of the meeting (para 48). The letter is not
published and holds no judgement about practice, so Grip records only when it came and a factual
summary, and marks it not for publication wherever it is shown."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grip import calendar
from grip.access.audit import Actor as EventActor
from grip.access.audit import record_event
from grip.audits.lifecycle import Actor
from grip.selfeval.models import EngagementMeeting
from grip.selfeval.service import SelfEvalError, require_write
from grip.selfeval.structure import load_structure


class MeetingError(SelfEvalError):
    """What is wrong with a meeting or letter, by form field (each message names the field,
    the value and what was expected). ``existing`` is the year's meeting when one is already
    recorded."""

    def __init__(self, problems: dict[str, str], existing: EngagementMeeting | None = None) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems
        self.existing = existing


@dataclass(frozen=True)
class MeetingInput:
    """What the form sends for a meeting."""

    meeting_on: dt.date
    attendees: list[dict[str, str]]
    agenda: list[str]
    agenda_agreed_on: dt.date | None
    notes: str = ""


def letter_due(meeting_on: dt.date) -> dt.date:
    """The last day for Ofsted's letter: one month after the meeting (para 48)."""
    return calendar.add_months(meeting_on, int(load_structure().meeting["letter_within_months"]))


def letter_overdue(meeting: EngagementMeeting, today: dt.date) -> bool:
    """No letter recorded and the month of para 48 has passed."""
    return meeting.letter_received_on is None and today > letter_due(meeting.meeting_on)


def _json_list(text: str) -> list[Any]:
    # A row written outside Grip may hold anything: show it as empty rather than fail the page.
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def attendees_of(m: EngagementMeeting) -> list[dict[str, str]]:
    """Who attended: ``[{"name", "role"}]``."""
    return [
        {"name": str(a.get("name", "")), "role": str(a.get("role", ""))}
        for a in _json_list(m.attendees)
        if isinstance(a, dict)
    ]


def agenda_of(m: EngagementMeeting) -> list[str]:
    """The agenda's items, in order."""
    return [str(t) for t in _json_list(m.agenda)]


def roles() -> tuple[list[str], list[str]]:
    """(Ofsted's roles, the LA's roles) an attendee may hold (para 46)."""
    m = load_structure().meeting
    return list(m["ofsted_roles"]), list(m["la_roles"])


def check(data: MeetingInput) -> dict[str, str]:
    """Every problem with ``data``, by form field (``attendee-role-2``, ``agenda_agreed_on``…)."""
    problems: dict[str, str] = {}
    ofsted, la = roles()
    for i, a in enumerate(data.attendees, start=1):
        name, role = a.get("name", "").strip(), a.get("role", "").strip()
        if not name:
            problems[f"attendee-name-{i}"] = f"Attendee {i}: enter their name (role {role!r})"
        if role not in ofsted + la:
            problems[f"attendee-role-{i}"] = (
                f"Attendee {i} ({name or 'no name'}): role {role!r} is not one of "
                f"{', '.join(ofsted + la)} (para 46)"
            )
    held = {a.get("role", "") for a in data.attendees}
    if la[0] not in held or not held & set(ofsted):
        problems.setdefault(
            "attendee-name-1",
            f"Attendees: the {la[0]} and Ofsted's {' or '.join(ofsted)} attend the meeting "
            "(ILACS framework (Ofsted 170040) para 46); add them",
        )
    if not data.agenda:
        problems["agenda"] = "Agenda: choose the topics agreed for the meeting (paras 42 and 47)"
    if data.agenda_agreed_on is not None and data.agenda_agreed_on > data.meeting_on:
        problems["agenda_agreed_on"] = (
            f"Agenda agreed on {data.agenda_agreed_on:%-d %B %Y}: the senior HMI and the DCS "
            f"agree it before the meeting on {data.meeting_on:%-d %B %Y} "
            "(ILACS framework (Ofsted 170040) para 47)"
        )
    return problems


def for_year(db: Session, la_code: str, year: int) -> EngagementMeeting | None:
    """The LA's meeting in ``year``, if recorded (the meeting is annual)."""
    return db.scalar(
        sa.select(EngagementMeeting).where(
            EngagementMeeting.la_code == la_code, EngagementMeeting.year == year
        )
    )


def record_meeting(
    db: Session, la_code: str, data: MeetingInput, actor: Actor
) -> EngagementMeeting:
    """Record the year's meeting; a second meeting for the same year is refused, naming the
    one already recorded, so it is opened and changed rather than duplicated."""
    require_write(actor)
    problems = check(data)
    existing = for_year(db, la_code, data.meeting_on.year)
    if existing is not None:
        problems["meeting_on"] = (
            f"Meeting date {data.meeting_on:%-d %B %Y}: the {data.meeting_on.year} meeting is "
            f"already recorded ({existing.meeting_on:%-d %B %Y}); open it to change it"
        )
    if problems:
        raise MeetingError(problems, existing)
    m = EngagementMeeting(la_code=la_code, id=uuid.uuid4().hex, letter_summary="")
    _apply(m, data)
    db.add(m)
    db.flush()
    _event(db, m, actor, "selfeval.meeting_record", f"meeting on {m.meeting_on}")
    return m


def update_meeting(db: Session, m: EngagementMeeting, data: MeetingInput, actor: Actor) -> None:
    """Change a recorded meeting (its notes after the meeting, most often)."""
    require_write(actor)
    problems = check(data)
    other = for_year(db, m.la_code, data.meeting_on.year)
    if other is not None and other.id != m.id:
        problems["meeting_on"] = (
            f"Meeting date {data.meeting_on:%-d %B %Y}: the {data.meeting_on.year} meeting is "
            f"already recorded ({other.meeting_on:%-d %B %Y})"
        )
    if m.letter_received_on is not None and data.meeting_on > m.letter_received_on:
        problems["meeting_on"] = (
            f"Meeting date {data.meeting_on:%-d %B %Y}: Ofsted's letter came on "
            f"{m.letter_received_on:%-d %B %Y}, so the meeting was on or before that"
        )
    if problems:
        raise MeetingError(problems)
    _apply(m, data)
    _event(db, m, actor, "selfeval.meeting_update", f"meeting on {m.meeting_on}")


def _apply(m: EngagementMeeting, data: MeetingInput) -> None:
    m.year, m.meeting_on = data.meeting_on.year, data.meeting_on
    m.attendees = json.dumps(
        [{"name": a["name"].strip(), "role": a["role"].strip()} for a in data.attendees]
    )
    m.agenda, m.agenda_agreed_on = json.dumps(data.agenda), data.agenda_agreed_on
    m.notes = data.notes.strip()


def record_letter(
    db: Session,
    m: EngagementMeeting,
    received_on: dt.date,
    summary: str,
    actor: Actor,
    today: dt.date,
) -> None:
    """Record Ofsted's letter to the DCS (para 48): not before the meeting, not in the
    future. Only a factual summary is kept; the letter is not published."""
    require_write(actor)
    if received_on < m.meeting_on:
        raise MeetingError(
            {
                "received_on": f"Letter received {received_on:%-d %B %Y}: it is before the "
                f"meeting on {m.meeting_on:%-d %B %Y}; enter the date it came"
            }
        )
    if received_on > today:
        raise MeetingError(
            {
                "received_on": f"Letter received {received_on:%-d %B %Y}: it is after today "
                f"({today:%-d %B %Y}); enter the date it came"
            }
        )
    m.letter_received_on, m.letter_summary = received_on, summary.strip()
    _event(db, m, actor, "selfeval.meeting_letter", f"letter received {received_on}")


def _event(db: Session, m: EngagementMeeting, actor: Actor, action: str, detail: str) -> None:
    record_event(
        db,
        action=action,
        actor=EventActor(user_id=actor.user_id),
        la_code=m.la_code,
        object_type="selfeval_meeting",
        object_id=m.id,
        detail=detail,
    )


def get_meeting(db: Session, la_code: str, meeting_id: str) -> EngagementMeeting | None:
    """One of the LA's meetings, or None."""
    return db.scalar(
        sa.select(EngagementMeeting).where(
            EngagementMeeting.la_code == la_code, EngagementMeeting.id == meeting_id
        )
    )


def meetings(db: Session, la_code: str) -> list[EngagementMeeting]:
    """The LA's meetings, latest first."""
    return list(
        db.scalars(
            sa.select(EngagementMeeting)
            .where(EngagementMeeting.la_code == la_code)
            .order_by(EngagementMeeting.meeting_on.desc())
        )
    )
