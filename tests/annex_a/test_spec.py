"""Annex A specs are data: they load, validate, cover every column with rules, and a template
change (Gender renamed Sex) needs a new spec file, not new code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from grip.annex_a.builder import DERIVE
from grip.annex_a.checker import check_sheets, column_rules
from grip.annex_a.guard import Sheet
from grip.annex_a.spec import (
    DERIVATIONS,
    SPEC_LOADER,
    SPECS_DIR,
    SpecError,
    available_specs,
    load_spec,
    match_headers,
    normalise_header,
    read_spec,
)

SPECS = available_specs()


def test_both_required_specs_exist() -> None:
    assert {"ilacs-2017", "ofsted-2024"} <= set(SPECS)


@pytest.mark.parametrize("spec_id", SPECS)
def test_spec_has_eleven_lists_in_template_order(spec_id: str) -> None:
    spec = load_spec(spec_id)
    assert [lst.number for lst in spec.lists] == list(range(1, 12))
    assert [lst.sheet for lst in spec.lists] == [f"List {n}" for n in range(1, 12)]
    for lst in spec.lists:
        assert lst.paras, f"list {lst.number} cites no ILACS framework (Ofsted 170040) paragraph"
        assert 249 in lst.paras  # every list is defined in para 249


@pytest.mark.parametrize("spec_id", SPECS)
def test_every_column_of_every_spec_is_covered_by_a_rule(spec_id: str) -> None:
    spec = load_spec(spec_id)
    for lst in spec.lists:
        for col in lst.columns:
            rules = column_rules(spec, lst, col)
            # The type rule of the column always applies, plus the header rule.
            assert rules, f"{spec_id} {lst.sheet} {col.header}: no rule"
            assert "header.missing_column" in rules
            type_rule = {
                "id": "type.id",
                "text": "type.text",
                "date": "type.date",
                "integer": "type.integer",
                "number": "type.number",
                "code": "code.allowed",
                "postcode": "type.postcode",
            }[col.type]
            assert type_rule in rules
            if col.required:
                assert "required.blank" in rules
            if col.not_before:
                assert "date.order" in rules


@pytest.mark.parametrize("spec_id", SPECS)
def test_every_derived_column_states_its_rule(spec_id: str) -> None:
    spec = load_spec(spec_id)
    derived = [c for lst in spec.lists for c in lst.columns if c.derived]
    assert derived
    for c in derived:
        assert c.rule and len(c.rule) > 20, c.id


def test_builder_implements_every_derivation_the_specs_may_name() -> None:
    assert set(DERIVE) == set(DERIVATIONS)


def test_2017_windows_follow_para_249_and_one_row_per_child_para_251() -> None:
    spec = load_spec("ilacs-2017")
    windows = {lst.number: lst.population.window_months for lst in spec.lists}
    # Para 249: contacts and referrals 3 months; early help, assessments, s47 6 months; CIN and
    # CP ceased in 3 months; CLA ceased in 6 months; adoption and adopters 12 months.
    assert windows == {1: 3, 2: 6, 3: 3, 4: 6, 5: 6, 6: 3, 7: 3, 8: 6, 9: 0, 10: 12, 11: 12}
    rows = {lst.number: lst.row for lst in spec.lists}
    assert all(rows[n] == "per_child" for n in range(3, 11))  # para 251
    assert rows[1] == rows[2] == "per_event"
    # Para 253: list 8 carries the number of brothers and sisters.
    assert spec.list(8).has_column("siblings")


def test_ofsted_2024_list_9_has_17_columns_with_pa_pathway_and_contact() -> None:
    lst = load_spec("ofsted-2024").list(9)
    assert len(lst.columns) == 17
    headers = [c.header for c in lst.columns]
    assert "Allocated Personal Adviser" in headers
    assert "Latest Pathway Plan Review Date" in headers
    assert "Latest Date of Contact" in headers


def test_codes_are_in_lettered_form_with_aliases() -> None:
    spec = load_spec("ofsted-2024")
    eth = spec.code_sets["ethnicity"]
    assert eth.allowed[0] == "a) WBRI"
    assert eth.canonical("WBRI") == "a) WBRI"
    assert eth.canonical(" a)  wbri ") == "a) WBRI"
    assert eth.from_source("BAFR") == "o) BAFR"
    assert spec.code_sets["yes_no"].from_source(True) == "a) Yes"


def test_header_matching_tolerates_case_quotes_spacing_and_misspellings() -> None:
    lst = load_spec("ofsted-2024").list(1)
    headers = [
        "child  uniqe id",
        "GENDER",
        "Ethinicity",
        "Date of brith",
        "Age of Child (years)",
        "Date of Contact",
        "Contact Source",
        "LA notes",
    ]
    m = match_headers(headers, lst)
    assert m.positions == {
        "child_id": 0,
        "gender": 1,
        "ethnicity": 2,
        "date_of_birth": 3,
        "age": 4,
        "date_of_contact": 5,
        "contact_source": 6,
    }
    assert m.unknown == ("LA notes",)
    assert normalise_header("Child’s Legal Status") == normalise_header("Child's legal status")


def _copy_spec(tmp_path: Path, spec_id: str) -> Path:
    for p in SPECS_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    return tmp_path / f"{spec_id}.yaml"


def test_a_header_rename_is_a_new_spec_file_not_new_code(tmp_path: Path) -> None:
    src = _copy_spec(tmp_path, "ofsted-2024")
    text = src.read_text(encoding="utf-8")
    text = text.replace("id: ofsted-2024", "id: ofsted-2099").replace(
        "    header: Gender\n    aliases: [Sex, Gender/Sex]", "    header: Sex\n    aliases: []"
    )
    (tmp_path / "ofsted-2099.yaml").write_text(text, encoding="utf-8")
    spec = load_spec("ofsted-2099", tmp_path)
    assert spec.list(1).column("gender").header == "Sex"
    header = [c.header for c in spec.list(1).columns]
    sheet = Sheet("List 1", [header, ["C1", "a) Male", "a) WBRI", None, 9, None, "q) 6: Police"]])
    report = check_sheets([sheet], spec)
    assert report.lists_found[1] == "List 1"
    assert not [p for p in report.problems if p.rule == "header.missing_column" and p.list == 1]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("codes: gender\n", "codes: sexes\n", "unknown code set 'sexes'"),
        ("window_months: 6\n", "window_months: -1\n", "window_months"),
        ("source: event.source\n", "source: event.nonsense\n", "has no field 'nonsense'"),
        ("not_before: [assessment_start_date]\n", "not_before: [nowhere]\n", "unknown column"),
    ],
)
def test_invalid_spec_is_refused_naming_file_and_problem(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    src = _copy_spec(tmp_path, "ofsted-2024")
    src.write_text(src.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec("ofsted-2024", tmp_path)
    assert "ofsted-2024.yaml" in str(err.value)
    assert message in str(err.value)


def test_unknown_spec_id_is_a_clear_error() -> None:
    with pytest.raises(SpecError, match="not found"):
        load_spec("ofsted-1999")
    with pytest.raises(SpecError, match="not a valid name"):
        load_spec("../etc/passwd")


@pytest.mark.parametrize("spec_id", ["ofsted-2024", "ilacs-2017"])
def test_the_kept_spec_equals_a_fresh_read(spec_id: str) -> None:
    """``load_spec`` keeps what it read (pages name every spec); it must equal the plain read."""
    assert load_spec(spec_id) == read_spec(spec_id)
    assert load_spec(spec_id) is load_spec(spec_id)


@pytest.mark.parametrize("path", sorted(SPECS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_the_fast_yaml_loader_reads_every_spec_file_as_the_plain_one_does(path: Path) -> None:
    """Specs are read with libyaml's loader for speed; it must make exactly the plain data."""
    text = path.read_text(encoding="utf-8")
    assert SPEC_LOADER is yaml.CSafeLoader  # PyYAML's wheels carry libyaml
    assert yaml.load(text, Loader=SPEC_LOADER) == yaml.safe_load(text)


def test_a_changed_spec_file_is_read_again(tmp_path: Path) -> None:
    for p in SPECS_DIR.glob("*"):
        shutil.copy(p, tmp_path / p.name)
    before = load_spec("ofsted-2024", tmp_path)
    path = tmp_path / "ofsted-2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(before.title, before.title + " (changed)", 1),
        encoding="utf-8",
    )
    after = load_spec("ofsted-2024", tmp_path)
    assert after.title == before.title + " (changed)"
    assert after == read_spec("ofsted-2024", tmp_path)


@pytest.mark.parametrize("spec_id", ["ofsted-2024"])
def test_every_care_leaver_activity_the_import_accepts_has_a_template_code(spec_id: str) -> None:
    """SSDA903 activity codes (children looked after return guide: F4/P4 apprenticeship, F5/P5
    other training or employment) all reach list 9 as a template code: a built workbook must
    pass its own check (a 20,000-child build once wrote F5 as recorded and failed it)."""
    from grip.annex_a.spec import load_codes
    from grip.casedata.format import load_format

    accepted = set(load_format().codes["care_leaver_activity"].values)
    spec = load_spec(spec_id)
    mapped = set(load_codes(spec.codes_id)["activity"]._by_source)
    assert accepted - mapped == set()
