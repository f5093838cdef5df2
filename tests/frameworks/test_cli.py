"""``grip frameworks list|show|search|judge``."""

from __future__ import annotations

import json

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from grip import frameworks
from grip.cli import main

ILACS_GOOD = [
    "--overall",
    "good",
    "--help-protection",
    "good",
    "--children-in-care",
    "good",
    "--leaders",
    "good",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_framework_list() -> None:
    code, out = run("frameworks", "list")
    assert code == 0
    lines = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert lines == ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"]
    code, out = run("frameworks", "list", "--json")
    assert [f["id"] for f in json.loads(out)] == ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"]


def test_framework_show_text_has_headings_criteria_descriptors_and_rules() -> None:
    code, out = run("frameworks", "show", "ilacs-2017")
    assert code == 0
    assert "[ilacs-2017/help-protection/early-help]" in out
    assert "Requires improvement to be good: Requires improvement when" in out
    assert "widespread-failure-limits-overall" in out and "para 100" in out
    assert "Continuous professional development of the workforce" in out


def test_framework_show_json_validates_against_the_published_schema() -> None:
    for framework_id in frameworks.framework_ids():
        code, out = run("frameworks", "show", framework_id, "--json")
        assert code == 0
        data = json.loads(out)
        assert list(Draft202012Validator(frameworks.show_schema()).iter_errors(data)) == []
        assert data["id"] == framework_id


def test_framework_show_unknown_id_is_a_usage_error() -> None:
    code, out = run("frameworks", "show", "ilacs-2099")
    assert code == 2
    assert "no framework 'ilacs-2099'" in out and "ilacs-2017" in out


def test_framework_search() -> None:
    code, out = run("frameworks", "search", "privately", "fostered")
    assert code == 0
    assert "sif-2013/help-protection/good/private-fostering" in out
    code, out = run("frameworks", "search", "zzzqqq")
    assert code == 0 and "nothing found" in out
    code, out = run("frameworks", "search", "adoption", "--framework", "sif-2013", "--json")
    assert {h["framework_id"] for h in json.loads(out)} == {"sif-2013"}


def test_judge_allowed_set_exits_zero() -> None:
    code, out = run(
        "frameworks",
        "judge",
        "--framework",
        "ilacs-2017",
        *ILACS_GOOD,
        "--fact",
        "widespread-or-serious-failure=no",
    )
    assert code == 0, out
    assert "ALLOWED" in out


def test_judge_violation_exits_non_zero_and_says_why_with_the_paragraph() -> None:
    """ILACS framework (Ofsted 170040) para 101: an inadequate practice judgement makes overall
    inadequate."""
    code, out = run(
        "frameworks",
        "judge",
        "--framework",
        "ilacs-2017",
        *ILACS_GOOD,
        "--children-in-care",
        "inadequate",
        "--fact",
        "widespread-or-serious-failure=no",
        "--fact",
        "leaders-show-understanding=yes",
    )
    assert code == 1
    assert "NOT ALLOWED" in out
    assert "[broken] An inadequate practice judgement makes overall effectiveness inadequate" in out
    assert "ofsted-170040 para 101" in out
    assert "overall: inadequate   [recorded: good]" in out


def test_judge_incomplete_names_the_missing_finding() -> None:
    code, out = run("frameworks", "judge", "--framework", "ilacs-2017", *ILACS_GOOD)
    assert code == 3
    assert "depends on: widespread-or-serious-failure" in out


def test_judge_json() -> None:
    code, out = run(
        "frameworks",
        "judge",
        "--framework",
        "sif-2013",
        "--help-protection",
        "inadequate",
        "--overall",
        "requires improvement",
        "--json",
    )
    assert code == 1
    data = json.loads(out)
    assert data["status"] == "violation"
    broken = [r for r in data["rules"] if r["state"] == "broken"]
    assert [r["rule_id"] for r in broken] == ["inadequate-key-judgement-limits-overall"]
    assert "ofsted-130168 para 6" in broken[0]["citation"]
    assert data["allowed"]["overall"] == ["inadequate"]


def test_judge_bad_input_is_a_clear_usage_error() -> None:
    code, out = run("frameworks", "judge", "--framework", "ilacs-2017", "--adoption", "good")
    assert code == 2 and "--adoption is not a judgement of ilacs-2017" in out
    code, out = run("frameworks", "judge", "--framework", "ilacs-2017", "--overall", "adequate")
    assert code == 2 and "'adequate' is not a grade of ilacs-2017" in out
    code, out = run("frameworks", "judge", "--framework", "ilacs-2017", "--fact", "sunny")
    assert code == 2 and "expected NAME=yes or NAME=no" in out
    code, out = run("frameworks", "judge", "--framework", "ilacs-2017", "--fact", "sunny=yes")
    assert code == 2 and "'sunny' is not a fact of ilacs-2017" in out
    code, out = run("frameworks", "judge", "--framework", "nope")
    assert code == 2 and "no framework 'nope'" in out
