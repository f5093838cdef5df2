"""A small hand-made case set (synthetic people, no real names) inserted into a fresh test DB.

Every date below is chosen against the inspection date D = 14 June 2024 so that the expected
list memberships in test_builder.py can be written out by hand, each with the rule it tests.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from grip.casedata.models import CASE_TABLES
from grip.store.base import LocalAuthority

LA = "T01"
D = date(2024, 6, 14)
_ids = itertools.count(1)


def _fill(table: str, values: dict[str, Any]) -> dict[str, Any]:
    t = CASE_TABLES[table]
    row = {"la_code": LA, **values}
    for col in t.columns:
        if col.name in row:
            continue
        if col.nullable:
            row[col.name] = None
            continue
        py = col.type.python_type
        if py is str:
            row[col.name] = f"{col.name[:6]}{next(_ids)}"
        elif py is bool:
            row[col.name] = False
        elif py is int:
            row[col.name] = 1
        else:
            raise AssertionError(f"{table}.{col.name} needs a value in the case set")
    return row


def insert(engine: Engine, table: str, *rows: dict[str, Any]) -> None:
    """Insert rows into a case table, filling ``la_code`` and unimportant required columns."""
    with engine.begin() as conn:
        conn.execute(sa.insert(CASE_TABLES[table]), [_fill(table, r) for r in rows])


def person(
    engine: Engine, pid: str, dob: date, sex: str = "M", eth: str = "WBRI", uasc: bool = False
) -> None:
    insert(
        engine,
        "ssd_person",
        {
            "pers_person_id": pid,
            "pers_forename": "Test",
            "pers_surname": "Child",
            "pers_sex": sex,
            "pers_ethnicity": eth,
            "pers_dob": dob,
            "pers_is_uasc": uasc,
        },
    )


def make_caseset(engine: Engine) -> None:
    """Insert the hand-made case set for LA T01."""
    with engine.begin() as conn:
        conn.execute(sa.insert(LocalAuthority), [{"code": LA, "name": "Testshire"}])
    insert(engine, "ssd_department", {"dept_team_id": "T1", "dept_team_name": "Safeguarding 1"})
    insert(
        engine,
        "ssd_professionals",
        {
            "prof_professional_id": "W1",
            "prof_professional_name": "Worker One",
            "prof_professional_job_title": "SW",
        },
        {
            "prof_professional_id": "PA1",
            "prof_professional_name": "Adviser One",
            "prof_professional_job_title": "PA",
        },
    )
    # C1: contacts, referrals, CP plans.
    person(engine, "C1", date(2015, 3, 1))
    insert(
        engine,
        "ssd_contacts",
        {
            "cont_contact_id": "K1",
            "cont_person_id": "C1",
            "cont_contact_date": date(2023, 12, 14),
            "cont_contact_source_code": "2A",
        },
        {
            "cont_contact_id": "K2",
            "cont_person_id": "C1",
            "cont_contact_date": date(2023, 12, 13),
            "cont_contact_source_code": "6",
        },
        {
            "cont_contact_id": "K3",
            "cont_person_id": "C1",
            "cont_contact_date": date(2024, 6, 15),
            "cont_contact_source_code": "6",
        },
        {
            "cont_contact_id": "K4",
            "cont_person_id": "C1",
            "cont_contact_date": date(2024, 3, 14),
            "cont_contact_source_code": "3A",
        },
    )
    insert(
        engine,
        "ssd_cin_episodes",
        {
            "cine_referral_id": "R1",
            "cine_person_id": "C1",
            "cine_referral_date": date(2023, 9, 1),
            "cine_referral_source_code": "6",
            "cine_referral_nfa": True,
            "cine_close_date": date(2023, 10, 1),
            "cine_close_reason": "RC8",
        },
        {
            "cine_referral_id": "R2",
            "cine_person_id": "C1",
            "cine_referral_date": date(2024, 2, 1),
            "cine_referral_source_code": "2A",
            "cine_referral_nfa": False,
            "cine_cin_primary_need_code": "N1",
        },
        {
            "cine_referral_id": "R3",
            "cine_person_id": "C1",
            "cine_referral_date": date(2024, 6, 20),
            "cine_referral_source_code": "6",
            "cine_referral_nfa": False,
        },
        {
            "cine_referral_id": "R4",
            "cine_person_id": "C3",
            "cine_referral_date": date(2023, 11, 1),
            "cine_referral_source_code": "1A",
            "cine_referral_nfa": False,
            "cine_close_date": date(2024, 1, 10),
            "cine_close_reason": "RC8",
            "cine_cin_primary_need_code": "N4",
        },
    )
    insert(
        engine,
        "ssd_cp_plans",
        {
            "cppl_cp_plan_id": "P0",
            "cppl_person_id": "C1",
            "cppl_referral_id": "R1",
            "cppl_cp_plan_start_date": date(2020, 1, 1),
            "cppl_cp_plan_end_date": date(2021, 1, 1),
            "cppl_cp_plan_initial_category": "PHY",
            "cppl_cp_plan_latest_category": "PHY",
        },
        {
            "cppl_cp_plan_id": "P1",
            "cppl_person_id": "C1",
            "cppl_referral_id": "R2",
            "cppl_cp_plan_start_date": date(2024, 3, 1),
            "cppl_cp_plan_initial_category": "NEG",
            "cppl_cp_plan_latest_category": "EMO",
        },
    )
    insert(
        engine,
        "ssd_cp_visits",
        {
            "cppv_cp_visit_id": "V1",
            "cppv_person_id": "C1",
            "cppv_cp_plan_id": "P1",
            "cppv_cp_visit_date": date(2024, 6, 10),
            "cppv_cp_visit_seen": True,
            "cppv_cp_visit_seen_alone": True,
        },
        {
            "cppv_cp_visit_id": "V2",
            "cppv_person_id": "C1",
            "cppv_cp_plan_id": "P1",
            "cppv_cp_visit_date": date(2024, 6, 20),
            "cppv_cp_visit_seen": True,
            "cppv_cp_visit_seen_alone": False,
        },
    )
    insert(
        engine,
        "ssd_cp_reviews",
        {
            "cppr_cp_review_id": "RV1",
            "cppr_person_id": "C1",
            "cppr_cp_plan_id": "P1",
            "cppr_cp_review_date": date(2024, 5, 30),
        },
    )
    insert(
        engine,
        "ssd_involvements",
        {
            "invo_involvements_id": "I1",
            "invo_person_id": "C1",
            "invo_professional_id": "W1",
            "invo_professional_role": "SW",
            "invo_professional_team_id": "T1",
            "invo_involvement_start_date": date(2024, 2, 1),
        },
    )
    # C2: two periods of care, placements, missing episodes, a sibling (C3).
    person(engine, "C2", date(2008, 6, 14), sex="F", eth="BAFR")
    person(engine, "C3", date(2010, 1, 1))
    insert(
        engine,
        "ssd_disability",
        {"disa_table_id": "DI1", "disa_person_id": "C2", "disa_disability_code": "AUT"},
    )
    # A looked-after child is a child in need with an open episode (CIN census), so C2 is on
    # List 6 too (the cross-list check of the ILACS framework (Ofsted 170040) paras 249-250).
    insert(
        engine,
        "ssd_cin_episodes",
        {
            "cine_referral_id": "R-C2",
            "cine_person_id": "C2",
            "cine_referral_date": date(2023, 1, 9),
            "cine_referral_source_code": "6",
            "cine_referral_nfa": False,
            "cine_cin_primary_need_code": "N1",
        },
    )
    insert(
        engine,
        "ssd_family",
        {"fami_table_id": "F1a", "fami_family_id": "F1", "fami_person_id": "C2"},
        {"fami_table_id": "F1b", "fami_family_id": "F1", "fami_person_id": "C3"},
    )
    insert(
        engine,
        "ssd_cla_episodes",
        {
            "clae_cla_episode_id": "E1",
            "clae_person_id": "C2",
            "clae_cla_id": "A",
            "clae_entered_care_date": date(2023, 1, 10),
            "clae_cla_episode_start_date": date(2023, 1, 10),
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N1",
            "clae_cla_episode_ceased_date": date(2023, 6, 1),
            "clae_cla_episode_ceased_reason": "E4A",
        },
        {
            "clae_cla_episode_id": "E2",
            "clae_person_id": "C2",
            "clae_cla_id": "B",
            "clae_entered_care_date": date(2023, 9, 1),
            "clae_cla_episode_start_date": date(2023, 9, 1),
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N4",
        },
    )
    insert(
        engine,
        "ssd_legal_status",
        {
            "lega_legal_status_id": "L1",
            "lega_person_id": "C2",
            "lega_legal_status": "V2",
            "lega_legal_status_start_date": date(2023, 1, 10),
            "lega_legal_status_end_date": date(2023, 6, 1),
        },
        {
            "lega_legal_status_id": "L2",
            "lega_person_id": "C2",
            "lega_legal_status": "C2",
            "lega_legal_status_start_date": date(2023, 9, 1),
        },
    )
    insert(
        engine,
        "ssd_cla_placement",
        {
            "clap_cla_placement_id": "PA",
            "clap_person_id": "C2",
            "clap_cla_id": "A",
            "clap_cla_placement_start_date": date(2023, 1, 10),
            "clap_cla_placement_end_date": date(2023, 6, 1),
            "clap_cla_placement_type": "U6",
            "clap_cla_placement_provider": "PR1",
            "clap_cla_placement_la": "T01",
        },
        {
            "clap_cla_placement_id": "PB1",
            "clap_person_id": "C2",
            "clap_cla_id": "B",
            "clap_cla_placement_start_date": date(2023, 9, 1),
            "clap_cla_placement_end_date": date(2024, 1, 5),
            "clap_cla_placement_type": "U6",
            "clap_cla_placement_provider": "PR1",
            "clap_cla_placement_la": "T01",
        },
        {
            "clap_cla_placement_id": "PB2",
            "clap_person_id": "C2",
            "clap_cla_id": "B",
            "clap_cla_placement_start_date": date(2024, 1, 5),
            "clap_cla_placement_type": "K2",
            "clap_cla_placement_provider": "PR4",
            "clap_cla_placement_la": "X99",
            "clap_cla_placement_postcode": "SE1 7QP",
        },
    )
    insert(
        engine,
        "ssd_missing",
        {
            "miss_table_id": "M1",
            "miss_person_id": "C2",
            "miss_missing_episode_start_date": date(2024, 1, 1),
            "miss_missing_episode_type": "M",
            "miss_missing_rhi_offered": True,
            "miss_missing_rhi_accepted": False,
        },
        {
            "miss_table_id": "M2",
            "miss_person_id": "C2",
            "miss_missing_episode_start_date": date(2023, 7, 1),
            "miss_missing_episode_type": "A",
        },
        {
            "miss_table_id": "M3",
            "miss_person_id": "C2",
            "miss_missing_episode_start_date": date(2023, 6, 13),
            "miss_missing_episode_type": "M",
        },
    )
    insert(
        engine,
        "ssd_cla_reviews",
        {
            "clar_cla_review_id": "CR1",
            "clar_person_id": "C2",
            "clar_cla_id": "B",
            "clar_cla_review_date": date(2024, 3, 1),
        },
    )
    # C4, C5: care leavers aged 20 and 26 on D.
    person(engine, "C4", date(2004, 5, 1), sex="F")
    person(engine, "C5", date(1998, 1, 1))
    insert(
        engine,
        "ssd_care_leavers",
        {
            "clea_table_id": "CL4",
            "clea_person_id": "C4",
            "clea_care_leaver_eligibility": "FORMER_RELEVANT",
            "clea_care_leaver_in_touch": "YES",
            "clea_care_leaver_accommodation": "U",
            "clea_care_leaver_activity": "F2",
            "clea_care_leaver_accom_suitable": True,
            "clea_care_leaver_personal_advisor_id": "PA1",
            "clea_care_leaver_allocated_team_id": "T1",
        },
        {
            "clea_table_id": "CL5",
            "clea_person_id": "C5",
            "clea_care_leaver_eligibility": "FORMER_RELEVANT",
            "clea_care_leaver_in_touch": "YES",
            "clea_care_leaver_accommodation": "U",
            "clea_care_leaver_activity": "F2",
        },
    )
    # C6 adopted in the window; C7's decision reversed before it.
    person(engine, "C6", date(2021, 1, 1))
    person(engine, "C7", date(2019, 1, 1))
    insert(
        engine,
        "ssd_permanence",
        {
            "perm_table_id": "PM6",
            "perm_person_id": "C6",
            "perm_adm_decision_date": date(2023, 5, 1),
            "perm_placed_for_adoption_date": date(2023, 12, 1),
            "perm_permanence_order_date": date(2024, 5, 1),
            "perm_permanence_order_type": "ADOPTION",
        },
        {
            "perm_table_id": "PM7",
            "perm_person_id": "C7",
            "perm_adm_decision_date": date(2022, 1, 1),
            "perm_decision_reversed_date": date(2023, 1, 1),
            "perm_decision_reversed_reason": "RD3",
        },
    )
    insert(
        engine,
        "ssd_cla_episodes",
        {
            "clae_cla_episode_id": "E6",
            "clae_person_id": "C6",
            "clae_cla_id": "G",
            "clae_entered_care_date": date(2022, 2, 1),
            "clae_cla_episode_start_date": date(2022, 2, 1),
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N1",
            "clae_cla_episode_ceased_date": date(2024, 5, 1),
            "clae_cla_episode_ceased_reason": "E11",
        },
    )
    insert(
        engine,
        "ssd_cla_placement",
        {
            "clap_cla_placement_id": "PG",
            "clap_person_id": "C6",
            "clap_cla_id": "G",
            "clap_cla_placement_start_date": date(2022, 2, 1),
            "clap_cla_placement_end_date": date(2024, 5, 1),
            "clap_cla_placement_type": "A5",
            "clap_cla_placement_provider": "PR1",
            "clap_cla_placement_la": "T01",
        },
    )
    insert(
        engine,
        "ssd_legal_status",
        {
            "lega_legal_status_id": "L6",
            "lega_person_id": "C6",
            "lega_legal_status": "E1",
            "lega_legal_status_start_date": date(2022, 2, 1),
            "lega_legal_status_end_date": date(2024, 5, 1),
        },
    )
    insert(
        engine,
        "grip_adopters",
        {
            "adop_adopter_id": "H1",
            "adop_number_of_adopters": 2,
            "adop_enquiry_date": date(2023, 7, 1),
        },
        {
            "adop_adopter_id": "H2",
            "adop_number_of_adopters": 1,
            "adop_enquiry_date": date(2020, 1, 1),
            "adop_leaving_date": date(2021, 1, 1),
            "adop_leaving_reason": "SELF_WITHDRAWN",
        },
    )
