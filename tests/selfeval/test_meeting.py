"""The annual engagement meeting (ILACS framework (Ofsted 170040) paras 46–48)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from accounts import make_user
from grip.access.scope import Scope, scoped_session
from grip.audits.lifecycle import As
from grip.selfeval import meeting
from grip.selfeval.service import NotAllowed


def test_letter_due_within_a_month_of_the_meeting_para_48() -> None:
    assert meeting.letter_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert meeting.letter_due(dt.date(2026, 3, 10)) == dt.date(2026, 4, 10)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_letter_due_is_after_the_meeting_and_at_most_31_days_para_48(d: dt.date) -> None:
    due = meeting.letter_due(d)
    assert d < due and (due - d).days <= 31


DCS = {"name": "A. Director", "role": "DCS"}
HMI = {"name": "B. Inspector", "role": "Senior HMI"}
TOPIC = "The possible scope of a focused visit"


def _meeting(on: dt.date, attendees: list[dict[str, str]], agreed: dt.date | None = None) -> Any:
    return meeting.MeetingInput(on, attendees, [TOPIC], agreed)


def test_meeting_needs_the_dcs_and_ofsted_by_role_para_46() -> None:
    on = dt.date(2026, 5, 1)
    assert meeting.check(_meeting(on, [DCS, HMI])) == {}
    no_ofsted = meeting.check(_meeting(on, [DCS]))
    assert "para 46" in no_ofsted["attendee-name-1"]
    bad_role = meeting.check(_meeting(on, [DCS, HMI, {"name": "C", "role": "Mayor"}]))
    assert "role 'Mayor' is not one of" in bad_role["attendee-role-3"]
    no_name = meeting.check(_meeting(on, [DCS, HMI, {"name": "", "role": "HMI"}]))
    assert "enter their name" in no_name["attendee-name-3"]


def test_agenda_is_agreed_before_the_meeting_para_47() -> None:
    on = dt.date(2026, 5, 1)
    assert meeting.check(_meeting(on, [DCS, HMI], on)) == {}
    late = meeting.check(_meeting(on, [DCS, HMI], dt.date(2026, 5, 2)))
    assert "para 47" in late["agenda_agreed_on"]
    empty = meeting.check(meeting.MeetingInput(on, [DCS, HMI], [], None))
    assert "paras 42 and 47" in empty["agenda"]


def test_meeting_records_roles_agenda_and_overdue_letter(engine: Engine) -> None:
    qa = make_user(engine, "qa_lead", "LA1")
    actor = As(qa.id, "qa_lead")
    with scoped_session(engine, Scope("LA1")) as db, db.begin():
        m = meeting.record_meeting(
            db, "LA1", _meeting(dt.date(2026, 5, 1), [DCS, HMI], dt.date(2026, 4, 20)), actor
        )
        with pytest.raises(meeting.MeetingError, match="already recorded") as again:
            meeting.record_meeting(db, "LA1", _meeting(dt.date(2026, 9, 1), [DCS, HMI]), actor)
        assert again.value.existing is not None and again.value.existing.id == m.id
        with pytest.raises(NotAllowed):
            meeting.record_meeting(
                db, "LA1", _meeting(dt.date(2027, 5, 1), [DCS, HMI]), As(qa.id, "social_worker")
            )
        assert not meeting.letter_overdue(m, dt.date(2026, 6, 1))
        assert meeting.letter_overdue(m, dt.date(2026, 6, 2))
        today = dt.date(2026, 7, 1)
        with pytest.raises(meeting.MeetingError, match="before the meeting"):
            meeting.record_letter(db, m, dt.date(2026, 4, 30), "", actor, today)
        with pytest.raises(meeting.MeetingError, match="after today"):
            meeting.record_letter(db, m, dt.date(2026, 7, 2), "", actor, today)
        meeting.record_letter(
            db, m, dt.date(2026, 6, 5), "Next self-evaluation spring 2027", actor, today
        )
        assert not meeting.letter_overdue(m, today)
        assert [a["role"] for a in meeting.attendees_of(m)] == ["DCS", "Senior HMI"]
        assert meeting.agenda_of(m) == [TOPIC]
