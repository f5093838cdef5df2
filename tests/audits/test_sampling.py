"""Monthly sampling: one case per practice group, Ofsted's selection factors (ILACS framework
(Ofsted 170040) para 150) and thresholds (para 153), the 12-month exclusion, deliberate picks,
reproducibility and stored reasons (Southwark QA framework 2015, appendix 1 §2a)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from grip.audits import lifecycle as lc
from grip.audits.models import SamplePick
from grip.audits.sampling import candidates, choose, parse_month, rules, sample_month

from .conftest import LA, World, add_child, add_rows


def _caseload(w: World) -> None:
    """Three teams; a missing child and a CP child in T1; a large sibling group in T2."""
    e = w.engine
    add_child(e, "P1", "T1", dob=dt.date(2012, 1, 1))
    add_child(e, "P2", "T1", dob=dt.date(2012, 2, 1))
    add_child(e, "P3", "T1", dob=dt.date(2022, 2, 1), sex="M")
    add_child(e, "P4", "T2", dob=dt.date(2016, 5, 1))
    add_child(e, "P5", "T2", dob=dt.date(2016, 5, 1), ethnicity="BAFR")
    add_child(e, "P6", "T3", dob=dt.date(2009, 5, 1), sex="M")
    # Allocation ended before the sampling date: not a candidate.
    add_child(e, "P7", "T3", end=dt.date(2026, 9, 1))
    add_rows(
        e,
        "ssd_missing",
        [
            {
                "miss_table_id": "M1",
                "miss_person_id": "P2",
                "miss_missing_episode_start_date": dt.date(2026, 5, 1),
                "miss_missing_episode_type": "M",
            }
        ],
    )
    add_rows(
        e,
        "ssd_cin_episodes",
        [
            {
                "cine_referral_id": "R3",
                "cine_person_id": "P3",
                "cine_referral_date": dt.date(2026, 1, 5),
                "cine_referral_source_code": "6",
                "cine_referral_nfa": False,
            }
        ],
    )
    add_rows(
        e,
        "ssd_cp_plans",
        [
            {
                "cppl_cp_plan_id": "CP3",
                "cppl_person_id": "P3",
                "cppl_referral_id": "R3",
                "cppl_cp_plan_start_date": dt.date(2026, 3, 1),
                "cppl_cp_plan_initial_category": "NEG",
                "cppl_cp_plan_latest_category": "NEG",
            }
        ],
    )
    add_rows(
        e,
        "ssd_family",
        [
            {"fami_table_id": f"F{i}", "fami_family_id": "FAM1", "fami_person_id": p}
            for i, p in enumerate(["P4", "P5", "P1", "P6"])
        ],
    )
    add_rows(
        e,
        "ssd_cla_episodes",
        [
            {
                "clae_cla_episode_id": "E6",
                "clae_person_id": "P6",
                "clae_cla_id": "C6",
                "clae_entered_care_date": dt.date(2025, 1, 1),
                "clae_cla_episode_start_date": dt.date(2025, 1, 1),
                "clae_cla_episode_start_reason": "S",
                "clae_cla_primary_need_code": "N1",
            }
        ],
    )
    add_rows(
        e,
        "ssd_cla_placement",
        [
            {
                "clap_cla_placement_id": "PL6",
                "clap_person_id": "P6",
                "clap_cla_id": "C6",
                "clap_cla_placement_start_date": dt.date(2025, 1, 1),
                "clap_cla_placement_type": "U3",
                "clap_cla_placement_provider": "PR1",
                "clap_cla_placement_la": "LA9",
            }
        ],
    )
    add_rows(
        e,
        "ssd_disability",
        [{"disa_table_id": "D5", "disa_person_id": "P5", "disa_disability_code": "AUT"}],
    )


def test_candidates_carry_para_150_and_153_factors(world: World) -> None:
    _caseload(world)
    with world.session() as db:
        cands = {c.person_id: c for c in candidates(db, LA, dt.date(2026, 10, 1))}
    assert set(cands) == {"P1", "P2", "P3", "P4", "P5", "P6"}
    assert "missing" in cands["P2"].tags()
    assert {"abuse:NEG", "stage:cp", "age:0-4", "sex:M"} <= set(cands["P3"].tags())
    assert {"placement:kinship", "out_of_area", "stage:cla", "sibling_group", "age:16+"} <= set(
        cands["P6"].tags()
    )
    assert {"disability", "ethnicity:Black", "sibling_group"} <= set(cands["P5"].tags())
    assert cands["P1"].team_name == "Assessment 1" and cands["P1"].service_id == "S1"


def test_one_per_practice_group_with_missing_child_first(world: World) -> None:
    _caseload(world)
    with world.session() as db:
        res = sample_month(db, LA, "2026-10", seed=7)
    teams = sorted(p.team_id for p in res.picks)
    assert teams == ["T1", "T2", "T3"]
    by_team = {p.team_id: p for p in res.picks}
    # Para 150: missing children must be part of the cohort; the weight makes P2 the T1 pick.
    assert by_team["T1"].person_id == "P2"
    assert "missing in the last 12 months" in by_team["T1"].reason
    assert "para 150" in by_team["T1"].reason
    assert res.stored is False


def test_same_seed_same_sample_and_reasons_stored(world: World) -> None:
    _caseload(world)
    with world.session() as db:
        a = sample_month(db, LA, "2026-10", per_group=2, seed=42)
        b = sample_month(db, LA, "2026-10", per_group=2, seed=42)
        assert [p.person_id for p in a.picks] == [p.person_id for p in b.picks]
    with world.session(world["performance_analyst"]) as db, db.begin():
        stored = sample_month(
            db, LA, "2026-10", per_group=2, seed=42, store=True, actor=world["performance_analyst"]
        )
    assert stored.stored
    with world.session() as db:
        rows = db.query(SamplePick).order_by(SamplePick.person_id).all()
        assert sorted(r.person_id for r in rows) == sorted(p.person_id for p in a.picks)
        assert all(r.reason and r.seed == 42 for r in rows)
        assert all(isinstance(json.loads(r.factors), list) for r in rows)
        # A month is sampled once.
        with pytest.raises(lc.InvalidInput, match="already has a sample"):
            sample_month(db, LA, "2026-10", store=True)


def test_choice_is_reproducible_and_seed_sensitive() -> None:
    from grip.audits.sampling import Candidate

    cands = [Candidate(f"P{i:02}", "T1", "Team", None, None, [("stage", "cin")]) for i in range(30)]
    r = rules()
    first = [p.person_id for p in choose(cands, 1, 1, r)]
    assert first == [p.person_id for p in choose(cands, 1, 1, r)]
    # With nothing to choose between, different seeds spread the picks across the caseload.
    seen = {choose(cands, 1, s, r)[0].person_id for s in range(40)}
    assert len(seen) > 5
    assert "chosen at random" not in choose(cands, 1, 1, r)[0].reason  # first pick adds a factor


def test_no_case_audited_again_within_12_months_unless_on_purpose(world: World) -> None:
    _caseload(world)
    with world.session() as db, db.begin():
        lc.allocate(
            db,
            la_code=LA,
            person_id="P2",
            auditor_id=world["auditor"].user_id,
            actor=world["qa_lead"],
            month="2026-03",
            now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
        )
        lc.allocate(
            db,
            la_code=LA,
            person_id="P4",
            auditor_id=world["auditor"].user_id,
            actor=world["qa_lead"],
            month="2025-08",
            now=dt.datetime(2025, 8, 10, tzinfo=dt.UTC),
        )
    with world.session() as db:
        res = sample_month(db, LA, "2026-10", seed=3)
        assert "P2" not in [p.person_id for p in res.picks]
        assert res.excluded_recent == ["P2"]  # P4's audit was more than 12 months ago
        chosen = sample_month(
            db, LA, "2026-10", seed=3, deliberate={"P2": "Raised at the P&Q meeting"}
        )
        pick = next(p for p in chosen.picks if p.person_id == "P2")
        assert pick.deliberate and pick.reason == "Chosen on purpose: Raised at the P&Q meeting"
        assert sum(1 for p in chosen.picks if p.team_id == "T1") == 1
        with pytest.raises(lc.InvalidInput, match="needs a reason"):
            sample_month(db, LA, "2026-10", deliberate={"P2": " "})
        with pytest.raises(lc.InvalidInput, match="no open allocation"):
            sample_month(db, LA, "2026-10", deliberate={"P7": "closed case"})


def test_groups_without_cases_are_listed(world: World) -> None:
    add_child(world.engine, "P1", "T1")
    add_child(world.engine, "P2", "T2")
    with world.session() as db, db.begin():
        lc.allocate(
            db,
            la_code=LA,
            person_id="P2",
            auditor_id=world["auditor"].user_id,
            actor=world["qa_lead"],
            month="2026-09",
            now=dt.datetime(2026, 9, 10, tzinfo=dt.UTC),
        )
    with world.session() as db:
        res = sample_month(db, LA, "2026-10")
        assert [p.person_id for p in res.picks] == ["P1"]
        assert res.groups_without_cases == ["Child protection 1"]


def test_only_allowed_roles_store_a_sample(world: World) -> None:
    _caseload(world)
    with world.session() as db, pytest.raises(lc.NotAllowed):
        sample_month(db, LA, "2026-10", store=True, actor=world["auditor"])


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "Oct 2026", ""])
def test_bad_month_is_named(bad: str) -> None:
    with pytest.raises(lc.InvalidInput, match="expected YYYY-MM"):
        parse_month(bad)


def test_seeds_fit_the_stored_column(world: World) -> None:
    from grip.audits.sampling import MAX_SEED, default_seed

    assert all(0 <= default_seed(f"LA{i}", "2026-10") <= MAX_SEED for i in range(200))
    with world.session() as db, pytest.raises(lc.InvalidInput, match="seed"):
        sample_month(db, LA, "2026-10", seed=2**31)
