"""``grip evidence headings`` and ``grip evidence check`` (the name guard over a file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from grip.cli import main

from .conftest import add_children


def test_headings_lists_the_17_ilacs_headings() -> None:
    result = CliRunner().invoke(main, ["evidence", "headings", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 17
    bad = CliRunner().invoke(main, ["evidence", "headings", "--framework", "nope"])
    assert bad.exit_code == 2 and "nope" in bad.output


@pytest.fixture
def db_env(engine: Engine, make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user("qa_lead", "LA1")
    add_children(engine)
    monkeypatch.setenv("GRIP_DATABASE_URL", engine.url.render_as_string(hide_password=False))


def test_check_names_the_line_and_exits_1(db_env: None, tmp_path: Path) -> None:
    draft = tmp_path / "letter.txt"
    draft.write_text("Leaders know their services.\nThornby's plan drifted.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evidence", "check", str(draft), "--la", "LA1"])
    assert result.exit_code == 1
    assert "letter.txt:2: 'Thornby'" in result.output
    draft.write_text("Leaders know their services.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evidence", "check", str(draft), "--la", "LA1"])
    assert result.exit_code == 0 and "nothing found" in result.output


def test_check_refuses_a_binary_file_and_an_empty_la(db_env: None, tmp_path: Path) -> None:
    blob = tmp_path / "x.bin"
    blob.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(main, ["evidence", "check", str(blob), "--la", "LA1"])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["evidence", "check", str(tmp_path / "ok.txt"), "--la", "ZZ9"]
    )
    assert result.exit_code == 1 and "no case records" in result.output
