"""The annual engagement meeting (ILACS framework (Ofsted 170040) paras 46–48)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from grip.access.scope import Scope, scoped_session
from grip.access.testing import ensure_la
from grip.selfeval import meeting
from grip.selfeval.service import SelfEvalError


def test_letter_due_within_a_month_of_the_meeting_para_48() -> None:
    assert meeting.letter_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert meeting.letter_due(dt.date(2026, 3, 10)) == dt.date(2026, 4, 10)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_letter_due_is_after_the_meeting_and_at_most_31_days_para_48(d: dt.date) -> None:
    due = meeting.letter_due(d)
    assert d < due and (due - d).days <= 31


def test_meeting_records_roles_agenda_and_overdue_letter(engine: Engine) -> None:
    ensure_la(engine, "LA1")
    with scoped_session(engine, Scope("LA1")) as db, db.begin():
        with pytest.raises(SelfEvalError, match=r"attendee 2 .*role is empty"):
            meeting.record_meeting(
                db,
                "LA1",
                2026,
                dt.date(2026, 5, 1),
                [{"name": "A", "role": "DCS"}, {"name": "B", "role": ""}],
                [],
                None,
            )
        with pytest.raises(SelfEvalError, match="para 47"):
            meeting.record_meeting(
                db, "LA1", 2026, dt.date(2026, 5, 1), [], [], dt.date(2026, 5, 2)
            )
        m = meeting.record_meeting(
            db,
            "LA1",
            2026,
            dt.date(2026, 5, 1),
            [{"name": "A", "role": "DCS"}],
            ["The possible scope of a focused visit"],
            dt.date(2026, 4, 20),
        )
        assert not meeting.letter_overdue(m, dt.date(2026, 6, 1))
        assert meeting.letter_overdue(m, dt.date(2026, 6, 2))
        with pytest.raises(SelfEvalError, match="before the meeting"):
            meeting.record_letter(m, dt.date(2026, 4, 30), "")
        meeting.record_letter(m, dt.date(2026, 6, 5), "Next self-evaluation due spring 2027")
        assert not meeting.letter_overdue(m, dt.date(2026, 7, 1))
        assert [x.id for x in meeting.meetings(db, "LA1")] == [m.id]
