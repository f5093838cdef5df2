"""Headline counts: open means started on or before the day and not yet ended."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, insert

from grip.casedata.models import CASE_TABLES
from grip.casedata.summary import headline_counts
from grip.store.base import LocalAuthority

T = CASE_TABLES


def _person(la: str, pid: str) -> dict[str, object]:
    return {
        "la_code": la,
        "pers_person_id": pid,
        "pers_forename": "Test",
        "pers_surname": "Child",
        "pers_sex": "F",
        "pers_ethnicity": "WBRI",
        "pers_dob": date(2015, 1, 1),
        "pers_is_uasc": False,
    }


def test_headline_counts_open_on_date_and_per_la(engine: Engine) -> None:
    on = date(2026, 11, 1)
    with engine.begin() as conn:
        conn.execute(
            insert(LocalAuthority.__table__),
            [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
        )
        conn.execute(
            insert(T["ssd_person"]), [_person("A", "1"), _person("A", "2"), _person("B", "1")]
        )
        cp = {
            "cppl_referral_id": "r",
            "cppl_cp_plan_initial_category": "NEG",
            "cppl_cp_plan_latest_category": "NEG",
        }
        conn.execute(
            insert(T["ssd_cp_plans"]),
            [
                # open: started before, no end
                {
                    "la_code": "A",
                    "cppl_cp_plan_id": "p1",
                    "cppl_person_id": "1",
                    "cppl_cp_plan_start_date": date(2026, 5, 1),
                    "cppl_cp_plan_end_date": None,
                    **cp,
                },
                # ended on the day: no longer open
                {
                    "la_code": "A",
                    "cppl_cp_plan_id": "p2",
                    "cppl_person_id": "2",
                    "cppl_cp_plan_start_date": date(2026, 1, 1),
                    "cppl_cp_plan_end_date": on,
                    **cp,
                },
                # starts after the day
                {
                    "la_code": "A",
                    "cppl_cp_plan_id": "p3",
                    "cppl_person_id": "2",
                    "cppl_cp_plan_start_date": date(2026, 11, 2),
                    "cppl_cp_plan_end_date": None,
                    **cp,
                },
                # another LA
                {
                    "la_code": "B",
                    "cppl_cp_plan_id": "p1",
                    "cppl_person_id": "1",
                    "cppl_cp_plan_start_date": date(2026, 5, 1),
                    "cppl_cp_plan_end_date": None,
                    **cp,
                },
            ],
        )
        cla = {
            "clae_cla_id": "c",
            "clae_entered_care_date": date(2025, 1, 1),
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N1",
        }
        conn.execute(
            insert(T["ssd_cla_episodes"]),
            [
                {
                    "la_code": "A",
                    "clae_cla_episode_id": "e1",
                    "clae_person_id": "1",
                    "clae_cla_episode_start_date": date(2025, 1, 1),
                    "clae_cla_episode_ceased_date": date(2025, 6, 1),
                    **cla,
                },
                {
                    "la_code": "A",
                    "clae_cla_episode_id": "e2",
                    "clae_person_id": "1",
                    "clae_cla_episode_start_date": date(2025, 6, 1),
                    "clae_cla_episode_ceased_date": None,
                    **cla,
                },
            ],
        )
    with engine.connect() as conn:
        a = headline_counts(conn, "A", on)
        b = headline_counts(conn, "B", on)
    assert (a.children, a.cp_plans, a.looked_after, a.open_cin_episodes) == (2, 1, 1, 0)
    assert (b.children, b.cp_plans, b.looked_after) == (1, 1, 0)
