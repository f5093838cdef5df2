"""The record summary beside the form: review timescales of seed 004 App. 1 §4 checked against
hand-worked dates (issue 7 §3)."""

from __future__ import annotations

import datetime as dt

from grip.audits.casefile import summarise

from .conftest import LA, World, add_child, add_rows


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
        s = summarise(db, LA, "P1", dt.date(2025, 10, 5), dt.date(2026, 10, 5))
    assert s is not None
    assert s.initials == "CP" and s.age == 12 and s.team == "Child protection 1"
    assert "child protection" in s.stages
    checks = [(c.label, c.due, c.done, c.status) for c in s.checks]
    assert ("Assessment completed", dt.date(2026, 1, 8), dt.date(2026, 1, 20), "late") in checks
    assert ("CP review 1", dt.date(2026, 3, 1), dt.date(2026, 2, 20), "on_time") in checks
    assert ("CP review 2", dt.date(2026, 8, 20), dt.date(2026, 9, 1), "late") in checks
    assert s.on_time == 1 and s.missed == 2


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
        s = summarise(db, LA, "P2", dt.date(2025, 10, 5), dt.date(2026, 10, 5))
        assert summarise(db, LA, "NOPE", dt.date(2025, 10, 5), dt.date(2026, 10, 5)) is None
    assert s is not None
    checks = [(c.label, c.due, c.done, c.status) for c in s.checks]
    assert checks[:2] == [
        ("CLA review 1", dt.date(2026, 3, 30), dt.date(2026, 3, 27), "on_time"),
        ("CLA review 2", dt.date(2026, 6, 27), None, "overdue"),
    ]
