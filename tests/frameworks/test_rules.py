"""The judgement rules from the seeds, each tested against its paragraph, and the engine checked
against independent oracles over every combination of grades and facts.

The oracles below are written straight from the seed paragraphs, without reading the YAML rules:
if the data or the engine drifts from the paragraphs, these tests fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from grip import frameworks
from grip.frameworks import InputError, check, evaluate

ILACS = frameworks.load("ilacs-2017")
SIF = frameworks.load("sif-2013")
CP = frameworks.load("cp-2012")

FOUR = ["outstanding", "good", "requires-improvement", "inadequate"]
CP_SCALE = ["outstanding", "good", "adequate", "inadequate"]

Grades = dict[str, str]
Facts = dict[str, bool]


# --- Oracles -----------------------------------------------------------------------------------


def _within(grade: str, others: list[str], scale: list[str]) -> bool:
    ranks = [scale.index(o) for o in others]
    return min(ranks) <= scale.index(grade) <= max(ranks)


def ilacs_oracle(g: Grades, f: Facts) -> bool:
    """ILACS (ILACS framework (Ofsted 170040)) paras 99-101, 238 and 241."""
    practice_inadequate = "inadequate" in (g["help-protection"], g["children-in-care"])
    # Para 100: widespread or serious failure → overall effectiveness always inadequate.
    if f["widespread-or-serious-failure"] and g["overall"] != "inadequate":
        return False
    # Para 101: overall is inadequate when another (practice) judgement is inadequate.
    if practice_inadequate and g["overall"] != "inadequate":
        return False
    # Para 101: with a practice judgement inadequate, leaders who understand the failure and
    # act effectively are judged good or requires improvement to be good.
    leaders_ok = g["leaders"] in ("good", "requires-improvement")
    if practice_inadequate and f["leaders-show-understanding"] and not leaders_ok:
        return False
    # Para 241: ...and leaders who have not shown that understanding are inadequate.
    if practice_inadequate and not f["leaders-show-understanding"] and g["leaders"] != "inadequate":
        return False
    # Paras 99, 238: overall derives from the three other judgements (between worst and best).
    others = [g["help-protection"], g["children-in-care"], g["leaders"]]
    return _within(g["overall"], others, FOUR)


def sif_oracle(g: Grades, f: Facts) -> bool:
    """SIF (SIF consultation (Ofsted 130168)) paras 6-8 and 13."""
    keys = [g["help-protection"], g["looked-after"], g["leadership"]]
    # Para 6 (and 13, 17): inadequate in any key judgement → overall inadequate.
    if "inadequate" in keys and g["overall"] != "inadequate":
        return False
    # Para 7: an inadequate 2a/2b may hold key judgement 2 at inadequate when the inspector
    # records that it does; the hold only exists for an inadequate graded judgement.
    for graded, fact in (
        ("adoption", "adoption-holds-key-judgement"),
        ("care-leavers", "care-leavers-holds-key-judgement"),
    ):
        if f[fact] and g[graded] != "inadequate":
            return False
        if f[fact] and g["looked-after"] != "inadequate":
            return False
    # Para 13: overall is made on the three key judgements. Para 8: the LSCB never limits.
    return _within(g["overall"], keys, FOUR)


def cp_oracle(g: Grades, f: Facts) -> bool:
    """CP 2012 (CP inspection evaluation schedule (Ofsted 110133)) grade descriptors, pages 5-15."""
    if g["overall"] != "inadequate" and (
        not f["overall-adequate-met"] or f["overall-systemic-failures"]
    ):
        return False
    for j in ("help-protection", "quality-of-practice", "leadership"):
        grade = g[j]
        adequate_met = f[f"{j}-adequate-met"]
        # Inadequate when the adequate requirements are not met (adequate needs them all).
        if not adequate_met and grade != "inadequate":
            return False
        # Good needs every adequate requirement met and some exceeded (outstanding needs good).
        if grade in ("good", "outstanding") and not (adequate_met and f[f"{j}-adequate-exceeded"]):
            return False
        # Outstanding needs the requirements for good met.
        if grade == "outstanding" and not f[f"{j}-good-met"]:
            return False
        # Significant failures → inadequate (help and protection, quality of practice only).
        if f.get(f"{j}-significant-failures") and grade != "inadequate":
            return False
    return True


ORACLES: dict[str, tuple[frameworks.Framework, Callable[[Grades, Facts], bool]]] = {
    "ilacs-2017": (ILACS, ilacs_oracle),
    "sif-2013": (SIF, sif_oracle),
    "cp-2012": (CP, cp_oracle),
}


def _all_sets(
    fw: frameworks.Framework, skip: tuple[str, ...] = ()
) -> Iterator[tuple[Grades, Facts]]:
    scale = [g.id for g in fw.scale]
    js = [j.id for j in fw.judgements if j.id not in skip]
    fs = [f.id for f in fw.facts]
    for grades in itertools.product(scale, repeat=len(js)):
        for facts in itertools.product((False, True), repeat=len(fs)):
            yield dict(zip(js, grades, strict=True)), dict(zip(fs, facts, strict=True))


# --- Every combination ------------------------------------------------------------------------


def test_ilacs_engine_agrees_with_the_paragraphs_on_every_combination() -> None:
    """4 judgements × 4 grades × 2 facts: 1,024 sets, every one evaluated in full."""
    seen = {True: 0, False: 0}
    for grades, facts in _all_sets(ILACS):
        expected = ilacs_oracle(grades, facts)
        result = evaluate(ILACS, grades, facts)
        assert result.status == ("allowed" if expected else "violation"), (grades, facts)
        assert (check(ILACS, grades, facts) == []) == expected
        seen[expected] += 1
    assert seen[True] > 0 and seen[False] > 0


def test_sif_engine_agrees_with_the_paragraphs_on_every_combination() -> None:
    """6 graded judgements × 4 grades × 2 facts (16,384 sets); the LSCB review on its own below."""
    for grades, facts in _all_sets(SIF, skip=("lscb",)):
        grades["lscb"] = "good"
        assert (check(SIF, grades, facts) == []) == sif_oracle(grades, facts), (grades, facts)


def test_sif_lscb_review_never_limits_anything() -> None:
    """SIF consultation (Ofsted 130168) para 8: the LSCB review judgement is standalone."""
    for rule in SIF.rules:
        assert "lscb" not in frameworks.engine.rule_vars(rule)[0]
    base = {
        "overall": "good",
        "help-protection": "good",
        "looked-after": "good",
        "adoption": "good",
        "care-leavers": "good",
        "leadership": "good",
    }
    facts = {"adoption-holds-key-judgement": False, "care-leavers-holds-key-judgement": False}
    for lscb in FOUR:
        result = evaluate(SIF, {**base, "lscb": lscb}, facts)
        assert result.status == "allowed"
        assert result.allowed["lscb"] == FOUR


def test_cp_engine_agrees_with_the_descriptors_on_every_combination() -> None:
    """Every grade combination (256) × every answer to one judgement's findings, the others'
    findings neutral (met, exceeded, no failures). The 2012 rules never span two judgements,
    so this covers every way a rule can be kept or broken (4^4 × 2^13 in full is 2 million)."""
    neutral = {f.id: "failures" not in f.id for f in CP.facts}
    judgements = [j.id for j in CP.judgements]
    for j in judgements:
        own = [f.id for f in CP.facts if f.id.startswith(f"{j}-")]
        assert own, j
        for values in itertools.product((False, True), repeat=len(own)):
            facts = {**neutral, **dict(zip(own, values, strict=True))}
            for grades in itertools.product(CP_SCALE, repeat=len(judgements)):
                g = dict(zip(judgements, grades, strict=True))
                assert (check(CP, g, facts) == []) == cp_oracle(g, facts), (g, facts)


# --- Hypothesis: full and partial sets, through the whole engine -------------------------------


def _completions(
    fw: frameworks.Framework, grades: Grades, facts: Facts
) -> Iterator[tuple[Grades, Facts]]:
    scale = [g.id for g in fw.scale]
    free_j = [j.id for j in fw.judgements if j.id not in grades]
    free_f = [f.id for f in fw.facts if f.id not in facts]
    for gs in itertools.product(scale, repeat=len(free_j)):
        for fs in itertools.product((False, True), repeat=len(free_f)):
            yield (
                {**grades, **dict(zip(free_j, gs, strict=True))},
                {**facts, **dict(zip(free_f, fs, strict=True))},
            )


@st.composite
def partial_sets(draw: st.DrawFn) -> tuple[str, Grades, Facts]:
    fid = draw(st.sampled_from(sorted(ORACLES)))
    fw = ORACLES[fid][0]
    scale = [g.id for g in fw.scale]
    grades = {
        j.id: g
        for j in fw.judgements
        if (g := draw(st.sampled_from([None, *scale]), label=j.id)) is not None
    }
    facts = {
        f.id: v
        for f in fw.facts
        if (v := draw(st.sampled_from([None, False, True]), label=f.id)) is not None
    }
    missing_j = len(fw.judgements) - len(grades)
    missing_f = len(fw.facts) - len(facts)
    assume(4**missing_j * 2**missing_f <= 1024)
    return fid, grades, facts


@settings(max_examples=250, deadline=None)
@given(partial_sets())
def test_engine_never_accepts_a_breaking_set_nor_rejects_a_keeping_one(
    case: tuple[str, Grades, Facts],
) -> None:
    fid, grades, facts = case
    fw, oracle = ORACLES[fid]
    outcomes = [oracle(g, f) for g, f in _completions(fw, grades, facts)]
    result = evaluate(fw, grades, facts)
    complete = len(grades) == len(fw.judgements)
    if result.status == "allowed":
        assert complete and all(outcomes)
    elif result.status == "violation":
        assert not any(outcomes)
    else:
        assert any(outcomes)
        assert not complete or not all(outcomes)
    # A judgement may take exactly the grades that keep every rule in some completion. (When the
    # set already breaks a rule, the engine answers per group of connected rules, so that a
    # violation elsewhere does not hide what an unrelated judgement may be: checked for ILACS,
    # whose rules form one group, in the next test.)
    if result.status == "violation":
        return
    for j, options in result.allowed.items():
        expected = [
            grade
            for grade in [g.id for g in fw.scale]
            if any(oracle(g, f) for g, f in _completions(fw, {**grades, j: grade}, facts))
        ]
        assert options == expected, j


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({j.id: st.sampled_from(FOUR) for j in ILACS.judgements}),
    st.fixed_dictionaries({f.id: st.booleans() for f in ILACS.facts}),
)
def test_ilacs_allowed_grades_are_exactly_those_the_paragraphs_allow(
    grades: Grades, facts: Facts
) -> None:
    """For each judgement, the engine's 'may be' list is what the oracle accepts, others fixed."""
    result = evaluate(ILACS, grades, facts)
    for j in grades:
        expected = [g for g in FOUR if ilacs_oracle({**grades, j: g}, facts)]
        if expected:
            assert result.allowed[j] == expected, j
        else:
            assert not any(ilacs_oracle({**grades, j: g}, facts) for g in result.allowed[j])


# --- Each rule, with its paragraph --------------------------------------------------------------

GOOD_ILACS = {
    "overall": "good",
    "help-protection": "good",
    "children-in-care": "good",
    "leaders": "good",
}
NO_FAILURE = {"widespread-or-serious-failure": False, "leaders-show-understanding": True}


def test_ilacs_para_100_widespread_or_serious_failure_makes_overall_inadequate() -> None:
    result = evaluate(ILACS, GOOD_ILACS, {**NO_FAILURE, "widespread-or-serious-failure": True})
    assert result.status == "violation"
    outcome = next(o for o in result.rules if o.rule_id == "widespread-failure-limits-overall")
    assert outcome.state == "broken"
    assert outcome.citation == "ofsted-170040 para 100"
    assert outcome.allows == {"overall": ["inadequate"]}


def test_ilacs_para_101_overall_inadequate_while_leaders_good() -> None:
    grades = {**GOOD_ILACS, "children-in-care": "inadequate", "overall": "inadequate"}
    assert evaluate(ILACS, grades, NO_FAILURE).status == "allowed"
    bad = evaluate(ILACS, {**grades, "overall": "requires-improvement"}, NO_FAILURE)
    assert bad.status == "violation"
    assert any("para 101" in reason for reason in bad.reasons)


def test_ilacs_para_101_leaders_who_grip_the_failure_are_good_or_requires_improvement() -> None:
    base = {**GOOD_ILACS, "help-protection": "inadequate", "overall": "inadequate"}
    for leaders, ok in (
        ("outstanding", False),
        ("good", True),
        ("requires-improvement", True),
        ("inadequate", False),
    ):
        result = evaluate(ILACS, {**base, "leaders": leaders}, NO_FAILURE)
        assert (result.status == "allowed") is ok, leaders
    assert evaluate(ILACS, base, NO_FAILURE).allowed["leaders"] == ["good", "requires-improvement"]


def test_ilacs_para_241_leaders_without_understanding_are_inadequate() -> None:
    facts = {**NO_FAILURE, "leaders-show-understanding": False}
    base = {**GOOD_ILACS, "help-protection": "inadequate", "overall": "inadequate"}
    result = evaluate(ILACS, base, facts)
    assert result.status == "violation"
    outcome = next(o for o in result.rules if o.rule_id == "leaders-without-understanding")
    assert outcome.state == "broken" and "para 241" in outcome.citation
    assert evaluate(ILACS, {**base, "leaders": "inadequate"}, facts).status == "allowed"


def test_ilacs_paras_99_238_overall_lies_within_the_other_judgements() -> None:
    grades = {
        "help-protection": "good",
        "children-in-care": "requires-improvement",
        "leaders": "good",
    }
    result = evaluate(ILACS, grades, NO_FAILURE)
    assert result.allowed["overall"] == ["good", "requires-improvement"]
    assert evaluate(ILACS, {**grades, "overall": "outstanding"}, NO_FAILURE).status == "violation"


def test_ilacs_leaders_outstanding_with_inadequate_practice_breaks_whatever_the_finding() -> None:
    """Paras 101 and 241 together: no answer about leaders' understanding makes this allowed."""
    grades = {
        **GOOD_ILACS,
        "help-protection": "inadequate",
        "overall": "inadequate",
        "leaders": "outstanding",
    }
    result = evaluate(ILACS, grades, {"widespread-or-serious-failure": True})
    assert result.status == "violation"
    assert "para 101" in result.reasons[0] and "para 241" in result.reasons[0]


def test_ilacs_missing_finding_is_named() -> None:
    result = evaluate(ILACS, GOOD_ILACS, {})
    assert result.status == "incomplete"
    assert result.missing_facts == ["widespread-or-serious-failure"]


GOOD_SIF = {j.id: "good" for j in SIF.judgements}
NO_HOLD = {"adoption-holds-key-judgement": False, "care-leavers-holds-key-judgement": False}


@pytest.mark.parametrize("key", ["help-protection", "looked-after", "leadership"])
def test_sif_para_6_inadequate_key_judgement_limits_overall(key: str) -> None:
    grades = {**GOOD_SIF, key: "inadequate"}
    result = evaluate(SIF, grades, NO_HOLD)
    assert result.status == "violation"
    assert result.allowed["overall"] == ["inadequate"]
    assert evaluate(SIF, {**grades, "overall": "inadequate"}, NO_HOLD).status == "allowed"


@pytest.mark.parametrize("graded", ["adoption", "care-leavers"])
def test_sif_para_7_inadequate_graded_judgement_does_not_itself_limit_overall(graded: str) -> None:
    result = evaluate(SIF, {**GOOD_SIF, graded: "inadequate"}, NO_HOLD)
    assert result.status == "allowed"
    assert result.allowed["overall"] == ["good"]


@pytest.mark.parametrize("graded", ["adoption", "care-leavers"])
def test_sif_para_7_hold_makes_key_judgement_2_and_overall_inadequate(graded: str) -> None:
    facts = {**NO_HOLD, f"{graded}-holds-key-judgement": True}
    grades = {**GOOD_SIF, graded: "inadequate"}
    result = evaluate(SIF, grades, facts)
    assert result.status == "violation"
    assert any("para 7" in reason for reason in result.reasons)
    without_overall = {k: v for k, v in grades.items() if k != "overall"}
    result = evaluate(SIF, without_overall, facts)
    assert result.allowed["looked-after"] == ["inadequate"]
    assert evaluate(SIF, {**without_overall, "looked-after": "inadequate"}, facts).allowed[
        "overall"
    ] == ["inadequate"]
    held = {**grades, "looked-after": "inadequate", "overall": "inadequate"}
    assert evaluate(SIF, held, facts).status == "allowed"
    # The hold cannot be recorded for a graded judgement that is not inadequate.
    assert evaluate(SIF, {**held, graded: "requires-improvement"}, facts).status == "violation"


def _cp_facts(**overrides: bool) -> Facts:
    facts = {f.id: True for f in CP.facts}
    facts.update({f.id: False for f in CP.facts if "failures" in f.id})
    facts.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return facts


GOOD_CP = {
    "overall": "good",
    "help-protection": "good",
    "quality-of-practice": "good",
    "leadership": "good",
}


def test_cp_good_needs_every_adequate_requirement_met_and_some_exceeded() -> None:
    """CP inspection evaluation schedule (Ofsted 110133), pages 8, 10 and 13: 'all the requirements
    for adequate met and some exceeded'."""
    for j in ("help-protection", "quality-of-practice", "leadership"):
        not_exceeded = _cp_facts(**{f"{j}_adequate_exceeded": False})
        result = evaluate(CP, GOOD_CP, not_exceeded)
        assert result.status == "violation"
        assert result.allowed[j] == ["adequate", "inadequate"]
        assert evaluate(CP, {**GOOD_CP, j: "adequate"}, not_exceeded).status == "allowed"


def test_cp_inadequate_when_adequate_not_met_or_significant_failures() -> None:
    """CP inspection evaluation schedule (Ofsted 110133), grade 4 descriptors (pages 6, 9, 12,
    15)."""
    for j in ("overall", "help-protection", "quality-of-practice", "leadership"):
        result = evaluate(CP, GOOD_CP, _cp_facts(**{f"{j}_adequate_met": False}))
        assert result.allowed[j] == ["inadequate"], j
    for fact, j in (
        ("overall_systemic_failures", "overall"),
        ("help_protection_significant_failures", "help-protection"),
        ("quality_of_practice_significant_failures", "quality-of-practice"),
    ):
        assert evaluate(CP, GOOD_CP, _cp_facts(**{fact: True})).allowed[j] == ["inadequate"]


def test_cp_outstanding_needs_the_good_requirements() -> None:
    """CP inspection evaluation schedule (Ofsted 110133) pages 7, 10, 13: outstanding builds on
    good."""
    grades = {**GOOD_CP, "quality-of-practice": "outstanding"}
    assert evaluate(CP, grades, _cp_facts()).status == "allowed"
    result = evaluate(CP, grades, _cp_facts(quality_of_practice_good_met=False))
    assert result.status == "violation"
    assert "p. 10" in result.reasons[0]


def test_every_rule_cites_its_paragraph_and_explains_itself() -> None:
    for fw in (ILACS, SIF, CP):
        for rule in fw.rules:
            assert rule.source.paragraph or rule.source.page
            assert len(rule.explanation) > 40
        result = evaluate(fw, {})
        assert [o.rule_id for o in result.rules] == [r.id for r in fw.rules]
        assert all(o.citation.startswith(fw.documents[0].id[:6]) for o in result.rules)


@pytest.mark.parametrize(
    ("grades", "facts", "needle"),
    [
        ({"adoption": "good"}, {}, "'adoption' is not a judgement of ilacs-2017"),
        ({"overall": "adequate"}, {}, "'adequate' is not a grade for overall"),
        ({}, {"holds": True}, "'holds' is not a fact of ilacs-2017"),
    ],
)
def test_unknown_judgement_grade_or_fact_is_a_clear_error(
    grades: Grades, facts: Facts, needle: str
) -> None:
    with pytest.raises(InputError, match=needle):
        evaluate(ILACS, grades, facts)
