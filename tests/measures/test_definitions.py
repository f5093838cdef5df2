"""The definitions file: complete, valid, implemented; bad files give clear errors."""

from __future__ import annotations

import pytest

from grip.measures.definitions import (
    DEFINITIONS_PATH,
    DefinitionError,
    load_definitions,
    parse_definitions,
)
from grip.measures.engine import implemented_ids

REQUIRED_AREAS = {
    "front_door", "assessments", "s47", "child_protection", "children_in_need",
    "children_in_care", "care_leavers", "adoption", "workforce",
}  # fmt: skip


def test_every_definition_is_implemented() -> None:
    defs = load_definitions()
    assert implemented_ids(defs) == {m.id for m in defs.measures}


def test_every_area_has_measures_with_sources_and_rules() -> None:
    defs = load_definitions()
    assert {m.area for m in defs.measures} == REQUIRED_AREAS
    for m in defs.measures:
        assert m.definition and m.numerator and m.source
        assert m.unit == "count" or m.denominator


def test_bands_expand_from_data() -> None:
    by_id = load_definitions().by_id()
    # Working Together ICPC bands 0-10, 11-15, 16-20, 21+.
    assert [by_id[f"S47_ICPC_BANDS_B{i}"].band for i in range(1, 5)] == [
        (0, 10), (11, 15), (16, 20), (21, None)
    ]  # fmt: skip
    assert by_id["CP_CATEGORY_NEG"].name == "Plans by initial category of abuse: Neglect"


def test_bad_definition_names_the_measure_and_field() -> None:
    text = DEFINITIONS_PATH.read_text(encoding="utf-8")
    at = text.index("id: FD_REREFERRAL")
    text = text[:at] + text[at:].replace("unit: percent", "unit: percentage", 1)
    with pytest.raises(DefinitionError, match=r"measure FD_REREFERRAL: unit: .*percentage"):
        parse_definitions(text)


def test_unknown_source_is_refused() -> None:
    text = DEFINITIONS_PATH.read_text(encoding="utf-8").replace("source: [WT]", "source: [NOPE]", 1)
    with pytest.raises(DefinitionError, match="unknown source 'NOPE'"):
        parse_definitions(text)


def test_not_yaml_is_refused() -> None:
    with pytest.raises(DefinitionError, match=r"defs\.yaml: expected a mapping"):
        parse_definitions("- just a list", name="defs.yaml")
