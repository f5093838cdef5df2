"""The name guard: ILACS framework (Ofsted 170040) para 191 — no names of children, young people
or family members in evidence records (case references or initials instead); job titles for
staff. The names are the LA's own, from its case store."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grip.casedata.synth_journey import Names
from grip.evidence import name_guard as ng

PEOPLE = [("Maria", "Elmhurst"), ("Hope", "Brown"), ("Area", "Oakley"), ("Will", "Ashby")]
STAFF = ["Kelin Marlow"]


@pytest.fixture(scope="module")
def index() -> ng.NameIndex:
    return ng.NameIndex.from_names(PEOPLE, STAFF)


def kinds(text: str, index: ng.NameIndex) -> list[tuple[str, str]]:
    return [(h.kind, h.text) for h in ng.check(text, index)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("Maria's mother said she felt listened to.", "Maria"),
        ("Maria’s plan is clear.", "Maria"),
        ("The worker saw ELMHURST at school.", "ELMHURST"),
        ("the worker saw elmhurst at school.", "elmhurst"),
        ("Visits to the Elmhursts' home are regular.", "Elmhursts"),
        ("The worker visited Elmhurts at home.", "Elmhurts"),
        ("Oakleys support was good.", "Oakleys"),
        ("Will was seen alone.", "Will"),
        ("The worker saw Hope alone.", "Hope"),
        ("Hope's views are recorded.", "Hope"),
        ("The Brown family engage well.", "Brown"),
        ("The assessment of Oakley-Maria is thorough.", "Oakley"),
    ],
)
def test_para_191_names_of_children_and_family_are_found(
    text: str, found: str, index: ng.NameIndex
) -> None:
    hits = ng.check(text, index)
    assert found in [h.text for h in hits]
    hit = next(h for h in hits if h.text == found)
    assert text[hit.start : hit.end] == found
    assert hit.whose == ng.CHILD


def test_para_191_staff_are_named_by_job_title(index: ng.NameIndex) -> None:
    hits = ng.check("Kelin Marlow, the social worker, visited.", index)
    assert [(h.text, h.whose) for h in hits] == [("Kelin", ng.STAFF), ("Marlow", ng.STAFF)]


@pytest.mark.parametrize(
    "text",
    [
        "The plan will be reviewed. There is hope for improvement.",
        "Area for priority action: the timeliness of assessments.",
        "The area manager agreed; areas for improvement are known.",
        "The MASH, the LADO and the MARAC share information well.",
        "Case 1042 (initials M.E.) shows drift; the team manager has grip.",
        "Young people in the brown building said they feel safe.",
    ],
)
def test_ordinary_text_passes(text: str, index: ng.NameIndex) -> None:
    assert ng.check(text, index) == []


@pytest.mark.parametrize(
    "text, kind",
    [
        ("The child (DOB 03/04/2012) was seen.", "date-of-birth"),
        ("born on 3 March 2011, the young person", "date-of-birth"),
        ("The family moved to 12 Elm Road last year.", "address"),
        ("An address in SE1 7QP.", "postcode"),
        ("The carer's phone, 07700 900123, was on file.", "phone"),
        ("Minutes went to parent@example.com.", "email"),
        ("Her NHS number 485 777 3456 was in the minutes.", "nhs-number"),
        ("Mrs Smith attended the core group.", "titled-name"),
    ],
)
def test_personal_details_are_found(text: str, kind: str, index: ng.NameIndex) -> None:
    assert kind in [k for k, _ in kinds(text, index)]


def test_a_date_of_a_meeting_is_not_a_date_of_birth(index: ng.NameIndex) -> None:
    assert ng.check("The strategy meeting on 3 March 2018 was timely.", index) == []


def test_hits_name_the_field_and_never_the_matched_record(index: ng.NameIndex) -> None:
    hits = ng.check({"statement": "Fine.", "evidence": "The worker saw Elmhurts."}, index)
    assert [(h.field, h.text) for h in hits] == [("evidence", "Elmhurts")]
    assert "Elmhurst" not in hits[0].reason and "Elmhurst" not in str(hits[0].as_json())


def test_ensure_clean_raises_with_the_hits_and_the_paragraph(index: ng.NameIndex) -> None:
    with pytest.raises(ng.NamesFound) as err:
        ng.ensure_clean({"statement": "Maria was seen."}, index)
    assert err.value.hits[0].text == "Maria"
    assert "para 191" in str(err.value) and "statement" in str(err.value)


def test_para_191_each_field_gets_one_message_naming_what_was_found(index: ng.NameIndex) -> None:
    """ILACS framework (Ofsted 170040) para 191: the message beside a field says what was found
    there and what to write instead (case reference or initials; job title for staff)."""
    texts = {"statement": "Fine.", "evidence": "Maria saw Elmhurts.", "impact": "Maria is safe."}
    with pytest.raises(ng.NamesFound) as err:
        ng.ensure_clean(texts, index)
    messages = err.value.by_field()
    assert set(messages) == {"evidence", "impact"}
    assert (
        messages["evidence"].startswith("“Maria” is ")
        and "; “Elmhurts” is " in messages["evidence"]
    )
    assert all(m.endswith("(ILACS framework (Ofsted 170040) para 191)") for m in messages.values())


SYNTH = Names()
SENTENCES = [
    "The social worker visited {n} at home and the visit was purposeful.",
    "Management oversight of {n}'s plan is weak.",
    "{n} told the inspector that they trust their worker.",
    "Inspectors saw that the plan for {n} is reviewed regularly.",
    "Direct work with {n} reflects the child's wishes and feelings.",
]
CLEAN = [
    "The plan will be reviewed at the next core group.",
    "Thresholds are understood by partners and referrals are appropriate.",
    "Supervision is regular and reflective; actions are specific.",
    "The impact on children is that risk is reduced.",
    "Leaders know their services well and have a grip on performance.",
]


@st.composite
def synthetic_people(draw: st.DrawFn) -> list[tuple[str, str]]:
    seed = draw(st.integers(0, 10_000))
    rng = random.Random(seed)
    return [SYNTH.full(rng) for _ in range(draw(st.integers(1, 30)))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=synthetic_people(), data=st.data())
def test_para_191_every_case_data_name_in_every_form_is_refused(
    people: list[tuple[str, str]], data: st.DataObject
) -> None:
    """Entries built from the case store's names (Grip's synthetic generator), in any form,
    anywhere in an otherwise ordinary entry, are always refused."""
    index = ng.NameIndex.from_names(people)
    fore, sur = data.draw(st.sampled_from(people))
    form = data.draw(
        st.sampled_from(
            [fore, sur, f"{fore} {sur}", f"{fore}'s", f"{sur}’s", sur.upper(), sur.lower()]
        )
    )
    before = data.draw(st.lists(st.sampled_from(CLEAN), max_size=2))
    after = data.draw(st.lists(st.sampled_from(CLEAN), max_size=2))
    sentence = data.draw(st.sampled_from(SENTENCES)).format(n=form)
    text = " ".join([*before, sentence, *after])
    hits = ng.check({"evidence": text}, index)
    start = text.index(sentence) + sentence.index(form)
    assert any(h.start < start + len(form) and h.end > start for h in hits), (text, hits)


@settings(max_examples=60, deadline=None)
@given(people=synthetic_people(), parts=st.lists(st.sampled_from(CLEAN), min_size=1, max_size=5))
def test_ordinary_text_is_accepted_whatever_the_names(
    people: list[tuple[str, str]], parts: list[str]
) -> None:
    index = ng.NameIndex.from_names(people)
    assert ng.check(" ".join(parts), index) == []
