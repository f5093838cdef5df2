"""Agreement statistics: percentage agreement and Cohen's kappa against hand-computed values,
and the agreement report by team and over time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grip.access import clock
from grip.audits import lifecycle as lc
from grip.audits.moderation import agreement, cohen_kappa, percent_agreement
from grip.audits.templates import GRADES, load_template

from .conftest import LA, World
from .helpers import to_submitted

O, G, R, I = "outstanding", "good", "requires_improvement", "inadequate"  # noqa: E741


def test_kappa_hand_computed_two_grades() -> None:
    # 10 audits. Auditor: 7 good, 3 RI. Moderator: 5 good, 5 RI. Agreed on 5 good + 3 RI = 8.
    pairs = [(G, G)] * 5 + [(G, R)] * 2 + [(R, R)] * 3
    # p_o = 0.8; p_e = 0.7*0.5 + 0.3*0.5 = 0.5; kappa = (0.8-0.5)/(1-0.5) = 0.6
    assert percent_agreement(pairs) == pytest.approx(80.0)
    assert cohen_kappa(pairs) == pytest.approx(0.6)


def test_kappa_hand_computed_four_grades() -> None:
    pairs = [(O, O), (G, G), (G, G), (G, R), (R, R), (R, I), (I, I), (G, O)]
    # n=8, agreed 5: p_o = 0.625
    # auditor: O1 G4 R2 I1; moderator: O2 G2 R2 I2
    # p_e = (1*2 + 4*2 + 2*2 + 1*2)/64 = 16/64 = 0.25; kappa = (0.625-0.25)/0.75 = 0.5
    assert percent_agreement(pairs) == pytest.approx(62.5)
    assert cohen_kappa(pairs) == pytest.approx(0.5)


def test_kappa_below_chance_is_negative() -> None:
    pairs = [(G, R), (R, G)]
    # p_o = 0; p_e = 0.5*0.5*2 = 0.5; kappa = -1
    assert cohen_kappa(pairs) == pytest.approx(-1.0)


def test_kappa_undefined_when_one_grade_only() -> None:
    assert cohen_kappa([(G, G), (G, G)]) is None
    assert cohen_kappa([]) is None
    assert percent_agreement([]) is None


def test_kappa_refuses_unknown_grades() -> None:
    with pytest.raises(ValueError, match="expected grades"):
        cohen_kappa([("good", "adequate")])


grades = st.sampled_from(list(GRADES))


@given(st.lists(st.tuples(grades, grades), min_size=1, max_size=40))
def test_kappa_properties(pairs: list[tuple[str, str]]) -> None:
    k = cohen_kappa(pairs)
    po = percent_agreement(pairs)
    assert po is not None and 0.0 <= po <= 100.0
    if k is not None:
        assert -1.0 - 1e-9 <= k <= 1.0 + 1e-9
        # Perfect agreement gives kappa 1 whenever it is defined.
        if all(a == b for a, b in pairs):
            assert k == pytest.approx(1.0)
        # Swapping the raters does not change kappa.
        assert cohen_kappa([(b, a) for a, b in pairs]) == pytest.approx(k)


def _moderated(
    w: World,
    person: str,
    team: str,
    auditor_grade: str,
    mod_grade: str,
    when: dt.datetime,
    kind: str = "second_auditor",
) -> str:
    clock.freeze(when)
    with w.session() as db, db.begin():
        a = lc.allocate(
            db,
            la_code=LA,
            person_id=person,
            auditor_id=w["auditor"].user_id,
            actor=w["qa_lead"],
            month=when.strftime("%Y-%m"),
            team_id=team,
        )
        to_submitted(db, a, w["auditor"], grade=auditor_grade)
        moderator = w["inspector"] if kind == "inspector" else w["auditor2"]
        lc.appoint_moderator(db, a, w["qa_lead"], moderator.user_id, kind)
        t = load_template(a.template_id)
        g = {s: (mod_grade, "moderator reasons") for s in t.section_ids()}
        g[lc.OVERALL] = (mod_grade, f"moderator: {mod_grade}")
        lc.save_moderation(db, a, moderator, a.version, g)
        lc.transition(db, a, "complete_moderation", moderator, a.version)
        return a.id


def test_agreement_report_by_team_and_quarter(world: World) -> None:
    d1 = dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)
    d2 = dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)
    _moderated(world, "P1", "T1", G, G, d1)
    bad = _moderated(world, "P2", "T1", G, R, d1)
    _moderated(world, "P3", "T2", R, R, d2)
    _moderated(world, "P4", "T2", I, I, d2, kind="inspector")
    with world.session(world["qa_lead"]) as db:
        rep = agreement(db, LA)
        # Hand count: 4 pairs, 3 agreed. auditor G2 R1 I1; moderator G1 R2 I1.
        # p_e = (2*1 + 1*2 + 1*1)/16 = 5/16; p_o = 3/4; kappa = (12/16-5/16)/(11/16) = 7/11
        assert rep.overall.n == 4 and rep.overall.agreed == 3
        assert rep.overall.percent == pytest.approx(75.0)
        assert rep.overall.kappa == pytest.approx(7 / 11)
        by_team = {r.group: (r.n, r.agreed) for r in rep.by_team}
        assert by_team == {"T1": (2, 1), "T2": (2, 2)}
        assert [(r.group, r.n) for r in rep.by_quarter] == [("2026-Q1", 2), ("2026-Q2", 2)]
        assert {r.group: r.n for r in rep.by_kind} == {"inspector": 1, "second_auditor": 3}
        assert len(rep.disagreements) == 1
        d = rep.disagreements[0]
        assert d.audit_id == bad
        assert (d.auditor_grade, d.moderator_grade) == (G, R)
        assert d.auditor_reason == "Overall the plan is reducing risk"
        assert d.moderator_reason == "moderator: requires_improvement"
        # A date range keeps only the moderations completed in it.
        q2 = agreement(db, LA, dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        assert q2.overall.n == 2 and q2.disagreements == []
        with pytest.raises(lc.InvalidInput, match="after"):
            agreement(db, LA, dt.date(2026, 7, 1), dt.date(2026, 6, 30))
