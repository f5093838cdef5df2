"""The framework files: structure from the seeds, sources on everything, published schemas."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from grip import frameworks
from grip.frameworks.loader import SCHEMA_PATH, SHOW_SCHEMA_PATH, generated_schemas
from grip.frameworks.schema import render

ILACS_HEADINGS = {
    # ILACS framework (Ofsted 170040) paras 239-241, headings in the order of the evaluation
    # criteria.
    "help-protection": [
        "Early help",
        "Identifying and responding to children's needs and appropriate thresholds",
        "Making good decisions and providing effective help",
        "Management oversight of frontline practice",
        "Participation and direct work with children and families",
        "Identifying and responding to all types of abuse, recognising the vulnerability of "
        "specific groups of children",
    ],
    "children-in-care": [
        "Making good decisions for children",
        "Participation and direct work with children in care and care leavers",
        "Helping and protecting",
        "Health",
        "Learning and enjoyment",
        "Stability and permanence",
        "Care leavers and transitions",
    ],
    "leaders": [
        "Strategic leadership",
        "Learning organisational culture",
        "Performance management",
        "Workforce",
    ],
}


def test_four_frameworks_in_force_first() -> None:
    assert frameworks.framework_ids() == ["cp-2012", "ilacs-2017", "ilacs-2023", "sif-2013"]
    listed = frameworks.list_frameworks()
    assert [f.id for f in listed] == ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"]
    assert [f.status for f in listed] == ["in-force", "superseded", "superseded", "superseded"]


def test_ilacs_2023_grades_care_leavers_separately() -> None:
    """The ILACS reports published from 2023 grade five judgements; the care leavers judgement
    holds the 2017 heading "Care leavers and transitions" (ILACS framework, Ofsted 170040,
    para 240, p. 56), which children in care no longer has."""
    later, earlier = frameworks.load("ilacs-2023"), frameworks.load("ilacs-2017")
    assert [j.id for j in later.judgements] == [
        "overall",
        "help-protection",
        "children-in-care",
        "care-leavers",
        "leaders",
    ]
    moved = earlier.judgement("children-in-care").headings[-1]
    assert moved.id == "care-leavers"
    assert [h.id for h in later.judgement("care-leavers").headings] == ["care-leavers"]
    assert "care-leavers" not in [h.id for h in later.judgement("children-in-care").headings]
    assert len(later.iter_criteria()) == len(earlier.iter_criteria())
    result = frameworks.evaluate(
        later,
        {
            "help-protection": "good",
            "children-in-care": "good",
            "care-leavers": "inadequate",
            "leaders": "good",
            "overall": "outstanding",
        },
    )
    assert result.status == "violation"


def test_ilacs_has_17_headings_grouped_6_7_4() -> None:
    ilacs = frameworks.load("ilacs-2017")
    assert len(ilacs.iter_headings()) == 17
    for judgement_id, titles in ILACS_HEADINGS.items():
        assert [h.title for h in ilacs.judgement(judgement_id).headings] == titles
    assert [len(ILACS_HEADINGS[j]) for j in ("help-protection", "children-in-care", "leaders")] == [
        6,
        7,
        4,
    ]
    assert ilacs.criterion("ilacs-2017/help-protection/early-help").title == "Early help"


def test_ilacs_judgements_scale_and_focused_visits() -> None:
    """ILACS framework (Ofsted 170040) paras 96-97 (judgements, scale), 106 (topics), 107 (five
    aspects)."""
    ilacs = frameworks.load("ilacs-2017")
    assert [j.id for j in ilacs.judgements] == [
        "overall",
        "help-protection",
        "children-in-care",
        "leaders",
    ]
    assert [g.label for g in ilacs.scale] == [
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
    ]
    fv = ilacs.focused_visits
    assert fv is not None
    assert fv.source.paragraph == "106" and fv.aspects_source.paragraph == "107"
    assert len(fv.topics) == 6
    assert fv.aspects == [
        "Performance management",
        "Management oversight",
        "Supervision",
        "Quality assurance",
        "Continuous professional development of the workforce",
    ]
    for judgement_id in ILACS_HEADINGS:
        grades = [d.grade for d in ilacs.judgement(judgement_id).descriptors]
        assert grades == ["outstanding", "good", "requires-improvement", "inadequate"]


def test_sif_judgements_follow_seed_000() -> None:
    """SIF consultation (Ofsted 130168) paras 6-8, 13: three key judgements, graded 2a and 2b, the
    LSCB review."""
    sif = frameworks.load("sif-2013")
    kinds = {j.id: j.kind for j in sif.judgements}
    assert kinds == {
        "overall": "overall",
        "help-protection": "key",
        "looked-after": "key",
        "adoption": "graded",
        "care-leavers": "graded",
        "leadership": "key",
        "lscb": "review",
    }
    for j in sif.judgements:
        if j.kind != "overall":
            assert j.criteria, j.id
            assert "good" in {d.grade for d in j.descriptors}


def test_cp_2012_scale_and_evaluation_lists() -> None:
    """CP inspection evaluation schedule (Ofsted 110133): the 2012 scale and the 'inspectors will
    evaluate the extent to which' lists."""
    cp = frameworks.load("cp-2012")
    assert [(g.number, g.id) for g in cp.scale] == [
        (1, "outstanding"),
        (2, "good"),
        (3, "adequate"),
        (4, "inadequate"),
    ]
    counts = {j.id: len(j.evaluation_points) for j in cp.judgements}
    assert counts == {
        "overall": 6,
        "help-protection": 7,
        "quality-of-practice": 14,
        "leadership": 11,
    }
    for j in cp.judgements:
        assert [d.grade for d in j.descriptors] == [g.id for g in cp.scale]


@pytest.mark.parametrize("framework_id", ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"])
def test_every_criterion_carries_a_source_reference(framework_id: str) -> None:
    fw = frameworks.load(framework_id)
    documents = {d.id for d in fw.documents}
    criteria = fw.iter_criteria()
    assert len(criteria) > 30
    for where, source in fw.iter_sources():
        assert source.document in documents, where
        assert source.paragraph or source.page, where
    for criterion in criteria:
        assert criterion.ref.startswith(f"{framework_id}/")
        assert criterion.source.paragraph or criterion.source.page
        assert len(criterion.text) >= 20
    refs = [c.ref for c in criteria] + [h.ref for h in fw.iter_headings()]
    assert len(refs) == len(set(refs))


def test_refs_are_stable_and_readable() -> None:
    ilacs = frameworks.load("ilacs-2017")
    ref = "ilacs-2017/children-in-care/care-leavers/key-documents"
    criterion = ilacs.criterion(ref)
    assert "passport" in criterion.text
    assert criterion.source.cite() == "ofsted-170040 para 240 p. 56 (Care leavers and transitions)"


def test_published_schemas_match_the_models() -> None:
    """Regenerate with `python -m grip.frameworks.schema` after changing the models."""
    inp, out = generated_schemas()
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(inp)
    assert SHOW_SCHEMA_PATH.read_text(encoding="utf-8") == render(out)


@pytest.mark.parametrize("framework_id", ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"])
def test_show_json_validates_against_its_published_schema(framework_id: str) -> None:
    data = json.loads(
        json.dumps(frameworks.load(framework_id).model_dump(mode="json", by_alias=True))
    )
    validator = Draft202012Validator(frameworks.show_schema())
    assert list(validator.iter_errors(data)) == []
    broken = {**data, "judgements": [{**data["judgements"][0], "kind": "bonus"}]}
    assert list(validator.iter_errors(broken)) != []


def test_search_finds_words_in_criteria_and_rules() -> None:
    hits = frameworks.search("widespread failure", ["ilacs-2017"])
    kinds = {h.kind for h in hits}
    assert {"rule", "descriptor"} <= kinds
    assert all("widespread" in (h.title + h.text).lower() for h in hits)
    assert frameworks.search("   ") == []
    assert frameworks.search("zzzqqq") == []
