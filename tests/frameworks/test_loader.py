"""Bad framework files get a clear error naming file, line, column, value and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grip.frameworks import FrameworkError, parse_file
from grip.frameworks.loader import DATA_DIR


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def ilacs_data() -> dict[str, object]:
    data = yaml.safe_load((DATA_DIR / "ilacs-2017.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_copy_of_a_shipped_file_loads(tmp_path: Path, ilacs_data: dict[str, object]) -> None:
    fw = parse_file(_write(tmp_path, "ilacs-2017", ilacs_data))
    assert len(fw.iter_headings()) == 17


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        parse_file(path)
    assert err.value.file == str(path)
    assert err.value.line is not None and err.value.line >= 2
    assert "invalid YAML" in str(err.value)


def test_schema_error_names_path_line_value_and_expectation(
    tmp_path: Path, ilacs_data: dict[str, object]
) -> None:
    judgements = ilacs_data["judgements"]
    assert isinstance(judgements, list)
    judgements[1]["kind"] = "bonus"
    path = _write(tmp_path, "ilacs-2017", ilacs_data)
    with pytest.raises(FrameworkError) as err:
        parse_file(path)
    message = str(err.value)
    assert str(path) in message
    assert err.value.path == "judgements/1/kind"
    assert err.value.value == "bonus"
    assert "'overall'" in message and "'review'" in message  # what was expected
    lines = path.read_text(encoding="utf-8").splitlines()
    assert err.value.line is not None
    assert "bonus" in lines[err.value.line - 1]


def test_criterion_without_paragraph_or_page_is_refused(
    tmp_path: Path, ilacs_data: dict[str, object]
) -> None:
    judgements = ilacs_data["judgements"]
    assert isinstance(judgements, list)
    judgements[1]["headings"][0]["criteria"][0]["source"] = {"document": "ofsted-170040"}
    with pytest.raises(FrameworkError, match="a source needs a paragraph or a page") as err:
        parse_file(_write(tmp_path, "ilacs-2017", ilacs_data))
    assert err.value.path.startswith("judgements/1/headings/0/criteria/0/source")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            lambda d: d["rules"][0]["then"].update({"adoption": ["inadequate"]}),
            "unknown judgement 'adoption'",
        ),
        (lambda d: d["rules"][0]["when"].update({"fact": "sunny"}), "unknown fact 'sunny'"),
        (
            lambda d: d["rules"][1]["when"].update({"grade_in": ["adequate"]}),
            "unknown grade 'adequate'",
        ),
        (
            lambda d: d["judgements"][0]["source"].update({"document": "ofsted-999"}),
            "source document 'ofsted-999' is not one of",
        ),
        (
            lambda d: d["judgements"][2].update({"id": "help-protection"}),
            "duplicate judgement ids: help-protection",
        ),
        (lambda d: d["rules"][4].update({"when": {"fact": "x"}}), "either 'when' and 'then'"),
    ],
)
def test_broken_cross_references_are_refused(
    tmp_path: Path, ilacs_data: dict[str, object], change: object, needle: str
) -> None:
    assert callable(change)
    change(ilacs_data)
    with pytest.raises(FrameworkError, match=needle):
        parse_file(_write(tmp_path, "ilacs-2017", ilacs_data))


def test_file_name_must_match_id(tmp_path: Path, ilacs_data: dict[str, object]) -> None:
    with pytest.raises(FrameworkError, match="must match the file name 'other'") as err:
        parse_file(_write(tmp_path, "other", ilacs_data))
    assert err.value.line == 1


@pytest.mark.parametrize("text", ["", "- a list\n", "just text\n", "\x00\x01"])
def test_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError):
        parse_file(path)


def test_unreadable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(FrameworkError, match="cannot read the file"):
        parse_file(path)
    with pytest.raises(FrameworkError, match="cannot read the file"):
        parse_file(tmp_path / "missing.yaml")
