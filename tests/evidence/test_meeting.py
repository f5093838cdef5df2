"""Evidence headings and the judgement meeting's check through the frameworks' rule engine."""

from __future__ import annotations

import pytest

from grip.evidence.headings import evidence_headings, heading
from grip.evidence.meeting import check_meeting, descriptors_around


def test_para_182_ilacs_evidence_is_recorded_under_its_17_headings() -> None:
    heads = evidence_headings("ilacs-2017")
    assert len(heads) == 17
    assert [h.judgement_id for h in heads].count("help-protection") == 6
    assert heads[0].ref == "ilacs-2017/help-protection/early-help"
    assert "overall" not in {h.judgement_id for h in heads}


@pytest.mark.parametrize(
    "fid, expected",
    [
        ("sif-2013", ["help-protection", "looked-after", "adoption", "care-leavers",
                      "leadership", "lscb"]),
        ("cp-2012", ["help-protection", "quality-of-practice", "leadership"]),
    ],
)  # fmt: skip
def test_sif_and_cp_headings_are_their_judgements(fid: str, expected: list[str]) -> None:
    heads = evidence_headings(fid)
    assert [h.judgement_id for h in heads] == expected
    assert heading(fid, f"{fid}/{expected[0]}").title


def test_unknown_heading_is_named() -> None:
    with pytest.raises(KeyError, match="not an evidence heading of ilacs-2017"):
        heading("ilacs-2017", "ilacs-2017/nope")


GOOD = {"help-protection": "good", "children-in-care": "good", "leaders": "good", "overall": "good"}
SUPPORT = {"help-protection": ["e1"], "children-in-care": ["e2"], "leaders": ["e3"]}
FACTS = {"widespread-or-serious-failure": False, "leaders-show-understanding": True}


def test_an_evidenced_set_that_keeps_every_rule_can_be_confirmed() -> None:
    check = check_meeting("ilacs-2017", GOOD, FACTS, SUPPORT)
    assert check.can_confirm and check.evaluation.status == "allowed"


def test_para_101_inadequate_practice_makes_overall_inadequate_and_is_named() -> None:
    grades = {**GOOD, "help-protection": "inadequate"}
    check = check_meeting("ilacs-2017", grades, FACTS, SUPPORT)
    assert not check.can_confirm
    assert any("ILACS framework (Ofsted 170040) para 101" in p for p in check.problems)


def test_para_100_widespread_failure_needs_an_answer_before_confirming() -> None:
    check = check_meeting("ilacs-2017", GOOD, {}, SUPPORT)
    assert not check.can_confirm
    assert any("para 100" in p for p in check.problems)


def test_para_187_every_graded_judgement_needs_evidence() -> None:
    check = check_meeting("ilacs-2017", GOOD, FACTS, {"help-protection": ["e1"]})
    assert not check.can_confirm
    assert any("para 187" in p and "children in care" in p for p in check.problems)


def test_sif_para_6_limiting_rule_applies() -> None:
    grades = dict.fromkeys(
        ["looked-after", "adoption", "care-leavers", "leadership", "lscb", "overall"], "good"
    )
    grades["help-protection"] = "inadequate"
    check = check_meeting("sif-2013", grades, {}, {j: ["e"] for j in grades})
    assert not check.can_confirm
    assert any("SIF consultation (Ofsted 130168) para 6" in p for p in check.problems)


def test_descriptors_shown_for_the_proposed_grade_and_either_side() -> None:
    views = descriptors_around("ilacs-2017", "leaders", "good")
    assert [v.relation for v in views] == ["next better", "proposed", "next worse"]
    assert [v.grade for v in views] == ["outstanding", "good", "requires-improvement"]
    assert all("Ofsted 170040" in v.citation for v in views)
    assert [v.relation for v in descriptors_around("ilacs-2017", "leaders", "inadequate")] == [
        "next better",
        "proposed",
    ]
