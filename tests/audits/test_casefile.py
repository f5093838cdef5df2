"""The record summary beside the form: review timescales of Southwark QA framework 2015, appendix 1
§4 checked against hand-worked dates. The timescales come from grip.measures' per-child API, so the
panel and the performance measures agree; these tests hold the panel to it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from grip.access.rls import APP_ROLE
from grip.access.scope import Scope, scoped
from grip.audits.casefile import summarise
from grip.measures.compliance import child_compliance
from grip.store.db import make_engine

from .conftest import LA, World, add_child, add_rows

D = dt.date

PERIOD = (dt.date(2025, 10, 5), dt.date(2026, 10, 5))


def test_cp_and_cla_review_timescales(world: World) -> None:
    e = world.engine
    add_child(e, "P1", "T2", dob=dt.date(2014, 4, 2))
    add_rows(
        e,
        "ssd_cin_episodes",
        [
            {
                "cine_referral_id": "R1",
                "cine_person_id": "P1",
                "cine_referral_date": dt.date(2025, 11, 3),
                "cine_referral_source_code": "6",
                "cine_referral_nfa": False,
            }
        ],
    )
    # Assessment: referral Mon 3 Nov 2025 + 45 working days: 19 in November, 21 in December
    # (25 and 26 Dec are bank holidays), then Fri 2 and Mon 5 - Thu 8 Jan (1 Jan a bank
    # holiday) = Thu 8 Jan 2026; authorised 20 Jan: late.
    add_rows(
        e,
        "ssd_cin_assessments",
        [
            {
                "cina_assessment_id": "A1",
                "cina_person_id": "P1",
                "cina_referral_id": "R1",
                "cina_assessment_start_date": dt.date(2025, 11, 4),
                "cina_assessment_auth_date": dt.date(2026, 1, 20),
            }
        ],
    )
    # CP plan from 1 Dec 2025: first review due 1 Mar 2026 (held 20 Feb, on time); the next
    # due 20 Aug 2026 (six months on), held 1 Sep: late.
    add_rows(
        e,
        "ssd_cp_plans",
        [
            {
                "cppl_cp_plan_id": "CP1",
                "cppl_person_id": "P1",
                "cppl_referral_id": "R1",
                "cppl_cp_plan_start_date": dt.date(2025, 12, 1),
                "cppl_cp_plan_initial_category": "NEG",
                "cppl_cp_plan_latest_category": "NEG",
                # First core group Fri 12 Dec 2025: within 10 working days (Mon 15 Dec).
                "cppl_first_core_group_date": dt.date(2025, 12, 12),
            }
        ],
    )
    add_rows(
        e,
        "ssd_cp_reviews",
        [
            {
                "cppr_cp_review_id": "RV1",
                "cppr_person_id": "P1",
                "cppr_cp_plan_id": "CP1",
                "cppr_cp_review_date": dt.date(2026, 2, 20),
            },
            {
                "cppr_cp_review_id": "RV2",
                "cppr_person_id": "P1",
                "cppr_cp_plan_id": "CP1",
                "cppr_cp_review_date": dt.date(2026, 9, 1),
            },
        ],
    )
    with world.session() as db:
        s = summarise(db, LA, "P1", *PERIOD)
    assert s is not None
    assert s.initials == "CP" and s.age == 12 and s.team == "Child protection 1"
    assert s.stages == ["child protection"]
    assert s.episodes == [
        ("Referral / CIN episode", dt.date(2025, 11, 3), None),
        ("Child protection plan", dt.date(2025, 12, 1), None),
    ]
    checks = [(c.measure_id, c.due.what, c.due.due, c.due.done, c.due.status) for c in s.checks]
    # No visit recorded: the first is due 10 working days (the default CP visit standard)
    # after the plan began, Mon 1 Dec 2025 -> Mon 15 Dec 2025, and is overdue.
    assert checks == [
        ("CP_VISITS_IN_TIME", "CP visit", dt.date(2025, 12, 15), None, "overdue"),
        ("CP_CORE_GROUP_10WD", "First core group", D(2025, 12, 15), D(2025, 12, 12), "on_time"),
        ("AS_45WD", "Assessment authorised", dt.date(2026, 1, 8), dt.date(2026, 1, 20), "late"),
        ("CP_REVIEW_FIRST", "CP review 1", dt.date(2026, 3, 1), dt.date(2026, 2, 20), "on_time"),
        ("CP_REVIEW_LATER", "CP review 2", dt.date(2026, 8, 20), dt.date(2026, 9, 1), "late"),
    ]
    # Authorised Tue 20 Jan against Thu 8 Jan: 8 working days late.
    assert s.checks[2].due.working_days_late == 8
    assert s.on_time == 2 and s.missed == 3
    # The next review (due 1 Mar 2027) falls after the period: listed by measures, not here.
    full = child_compliance(e, LA, "P1", PERIOD[1])
    assert [i.due.due for i in full.items if i.due.what == "CP review 3"] == [dt.date(2027, 3, 1)]
    assert set(s.checks) < set(full.items)


def test_cla_reviews_20_working_days_then_3_months(world: World) -> None:
    e = world.engine
    add_child(e, "P2", "T3")
    add_rows(
        e,
        "ssd_cla_episodes",
        [
            {
                "clae_cla_episode_id": "E1",
                "clae_person_id": "P2",
                "clae_cla_id": "C1",
                "clae_entered_care_date": dt.date(2026, 3, 2),
                "clae_cla_episode_start_date": dt.date(2026, 3, 2),
                "clae_cla_episode_start_reason": "S",
                "clae_cla_primary_need_code": "N1",
            }
        ],
    )
    # 20 working days from Mon 2 Mar 2026 = Mon 30 Mar; reviewed 27 Mar (on time); second due
    # 3 months after the first = 27 Jun; none held by 5 Oct: overdue.
    add_rows(
        e,
        "ssd_cla_reviews",
        [
            {
                "clar_cla_review_id": "CR1",
                "clar_person_id": "P2",
                "clar_cla_id": "C1",
                "clar_cla_review_date": dt.date(2026, 3, 27),
            }
        ],
    )
    with world.session() as db:
        s = summarise(db, LA, "P2", *PERIOD)
        assert summarise(db, LA, "NOPE", *PERIOD) is None
    assert s is not None
    assert s.stages == ["looked after"]
    assert s.episodes == [("Looked after", dt.date(2026, 3, 2), None)]
    checks = [(c.due.what, c.due.due, c.due.done, c.due.status) for c in s.checks]
    # No placement recorded, so no reg 28 visit check: only the two reviews.
    assert checks == [
        ("CLA review 1", dt.date(2026, 3, 30), dt.date(2026, 3, 27), "on_time"),
        ("CLA review 2", dt.date(2026, 6, 27), None, "overdue"),
    ]
    assert [c.measure_id for c in s.checks] == ["CLA_REVIEW_FIRST", "CLA_REVIEW_SECOND"]


def _closed_cin_plan(world: World) -> None:
    """P3: a CIN plan from 6 Jan 2025 to 31 Mar 2026, reviewed 2 Apr 2025 (on time, due
    6 Apr) and 20 Oct 2025 (late: due 2 Oct)."""
    e = world.engine
    add_child(e, "P3", "T2")
    add_rows(
        e,
        "ssd_cin_plans",
        [
            {
                "cinp_cin_plan_id": "CIN1",
                "cinp_person_id": "P3",
                "cinp_referral_id": "R3",
                "cinp_cin_plan_start_date": dt.date(2025, 1, 6),
                "cinp_cin_plan_end_date": dt.date(2026, 3, 31),
            }
        ],
    )
    add_rows(
        e,
        "grip_cin_reviews",
        [
            {
                "cinr_cin_review_id": f"CR{n}",
                "cinr_person_id": "P3",
                "cinr_cin_plan_id": "CIN1",
                "cinr_cin_review_date": d,
            }
            for n, d in enumerate([dt.date(2025, 4, 2), dt.date(2025, 10, 20)], start=1)
        ],
    )


def test_only_timescales_of_the_period_are_shown(world: World) -> None:
    """The panel shows what fell due (or was met) in the audit's 12 months (Southwark QA framework
    2015, appendix 1 §2b): the first review, due before the period, belongs to an earlier audit."""
    _closed_cin_plan(world)
    with world.session() as db:
        s = summarise(db, LA, "P3", *PERIOD)
    assert s is not None
    # The plan closed before the period ended: shown, but the child is no longer "in need".
    assert s.stages == []
    assert s.episodes == [("Child in need plan", dt.date(2025, 1, 6), dt.date(2026, 3, 31))]
    # Review 2 due 2 Oct 2025 (before the period) but held 20 Oct (in it): shown. Review 3 due
    # 20 Apr 2026, after the plan closed on 31 Mar: not owed, so not listed.
    checks = [(c.due.what, c.due.due, c.due.done, c.due.status) for c in s.checks]
    assert checks == [("CIN review 2", dt.date(2025, 10, 2), dt.date(2025, 10, 20), "late")]
    assert s.on_time == 0 and s.missed == 1


def test_the_panel_agrees_with_the_measures_api(world: World) -> None:
    """One source of truth: every check shown is child_compliance's item, unchanged."""
    _closed_cin_plan(world)
    with world.session() as db:
        s = summarise(db, LA, "P3", dt.date(2024, 10, 5), dt.date(2025, 10, 5))
    assert s is not None
    full = child_compliance(world.engine, LA, "P3", dt.date(2025, 10, 5))
    # As of Sun 5 Oct 2025 everything falls in the period, so nothing is left out.
    assert s.checks == sorted(full.items, key=lambda i: i.due.due)
    # No visit recorded: due 20 working days (the default CIN standard) after Mon 6 Jan 2025,
    # i.e. Mon 3 Feb. Review 2, due Thu 2 Oct, is 1 working day overdue (Fri 3 Oct).
    assert [(c.due.what, c.due.due, c.due.status, c.due.working_days_late) for c in s.checks] == [
        ("CIN visit", dt.date(2025, 2, 3), "overdue", s.checks[0].due.working_days_late),
        ("CIN review 1", dt.date(2025, 4, 6), "on_time", 0),
        ("CIN review 2", dt.date(2025, 10, 2), "overdue", 1),
    ]


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    """An engine logged in as a member of grip_app, as the web app runs (PostgreSQL), so
    row-level security applies; the test engine itself on SQLite."""
    if engine.dialect.name != "postgresql":
        yield engine
        return
    login = f"grip_web_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {APP_ROLE}"))
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username=login)
    eng = make_engine(url.render_as_string(hide_password=False))
    yield eng
    eng.dispose()
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE {login}"))


def test_timescales_are_read_in_the_scoped_session(world: World, app_engine: Engine) -> None:
    """The timescales are read on the audit session's own connection: under PostgreSQL's
    row-level security a separate connection would carry no LA and see nothing."""
    _closed_cin_plan(world)
    with scoped(app_engine, Scope(LA)) as db:
        s = summarise(db, LA, "P3", *PERIOD)
    assert s is not None
    assert [c.due.what for c in s.checks] == ["CIN review 2"]
