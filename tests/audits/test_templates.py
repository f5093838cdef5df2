"""Audit templates as data: the Southwark QA framework 2015 tool, the ILACS headings, thematic and
multi-agency variants; bad files are refused with the file and the place named."""

from __future__ import annotations

from pathlib import Path

import pytest

from grip.audits.templates import (
    ANSWERS,
    GRADES,
    TEMPLATES_DIR,
    TemplateError,
    all_templates,
    load_template,
    parse_template,
)


def test_single_case_follows_seed_004_appendix_1_section_4() -> None:
    t = load_template("single-case-2015")
    assert [s.title for s in t.sections] == [
        "Case information",
        "Current referral information",
        "Assessment and analysis of need",
        "Planning for the child",
        "Child focus",
        "Recording",
        "Management oversight",
    ]
    assert t.period_months == 12  # App. 1 §2b
    planning = t.section("planning")
    hint = next(q.hint for q in planning.questions if q.id == "reviewing-arrangements")
    assert hint and "15 working days" in hint and "4 weeks" in hint
    assert any(q.scale == "agreement" for q in t.family.questions)
    assert "§2c" in t.reflection.source and "§2d" in t.family.source


def test_ilacs_template_has_the_17_headings() -> None:
    t = load_template("ilacs-2017-headings")
    assert len(t.sections) == 17
    assert len(set(t.section_ids())) == 17
    assert all("ofsted-170040" in s.source for s in t.sections)
    assert t.sections[0].title.startswith("Early help")


def test_multi_agency_has_agency_sections_then_joint_discussion() -> None:
    t = load_template("multi-agency-2015")
    assert [s.agency for s in t.sections[:-1]] == ["social-care", "health", "police", "education"]
    assert t.sections[-1].id == "joint-discussion"
    assert t.question_keys()[0] == "agency-social-care.identified-need"


def test_thematic_needs_a_theme_and_scales_are_fixed() -> None:
    assert load_template("thematic-2015").theme_required
    assert list(ANSWERS) == ["yes", "partly", "no", "not_applicable"]
    assert list(GRADES) == ["outstanding", "good", "requires_improvement", "inadequate"]
    assert len(all_templates()) == 4


def test_unknown_template_names_the_choices() -> None:
    with pytest.raises(KeyError, match="single-case-2015"):
        load_template("nope")


def test_bad_template_file_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nversion: 1\ntitle: T\nkind: single_case\nsummary: s\nsource: s\n"
        "sections:\n  - id: a\n    title: A\n    source: s\n    questions: []\n"
        "reflection: {source: s, questions: [{id: q, text: t}]}\n"
        "family: {source: s, questions: [{id: q, text: t}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"bad.yaml: at sections/0/questions"):
        parse_template(bad)
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="invalid YAML"):
        parse_template(bad)
    wrong = tmp_path / "other.yaml"
    wrong.write_text(
        (TEMPLATES_DIR / "thematic-2015.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="must match the file name"):
        parse_template(wrong)
