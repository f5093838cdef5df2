"""The ``grip`` command: groups by capability, lazy loading, old spellings, one date parser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grip.cli import COMMANDS, DEPRECATED, load, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_loads_under_its_name(name: str) -> None:
    command = load(name)
    assert command.name == name
    assert not command.hidden


def test_help_lists_every_command_and_no_old_spelling() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    for name in COMMANDS:
        assert f"  {name} " in out
    for old in DEPRECATED:
        assert f"  {old} " not in out


def test_help_imports_no_command_module() -> None:
    """``grip --help`` starts at once: no command module, no database or web library."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from grip.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "heavy = [m for m in ('sqlalchemy', 'fastapi', 'grip.cli.measures') if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("old", sorted(DEPRECATED))
def test_old_spelling_still_works_and_names_the_new_one(old: str) -> None:
    result = CliRunner().invoke(main, [old, "--help"])
    assert result.exit_code == 0, result.output
    new = "grip " + " ".join(DEPRECATED[old])
    assert f"use '{new}' instead" in " ".join(result.output.split())


def test_old_measures_form_runs_compute_with_a_note(tmp_path: Path) -> None:
    env = {"GRIP_DATA_DIR": str(tmp_path / "none")}
    result = CliRunner().invoke(main, ["measures", "--la", "X99", "--date", "2026-01-01"], env=env)
    assert "use 'grip measures compute --la …' instead" in result.output
    # It ran compute: the missing database is reported, not a usage error about "--la".
    assert "cannot open the database" in result.output or "not set up" in result.output


def test_a_bad_date_is_named_with_what_was_expected() -> None:
    result = CliRunner().invoke(
        main, ["inspections", "timeline", "--type", "standard", "--fieldwork-start", "31/12/2026"]
    )
    assert result.exit_code == 2
    assert "expected a date as YYYY-MM-DD, got '31/12/2026'" in result.output
    assert "--fieldwork-start" in result.output


def test_a_database_not_set_up_is_one_clear_line(tmp_path: Path) -> None:
    env = {"GRIP_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["users", "list"], env=env)
    assert result.exit_code == 1
    assert "run `grip db upgrade` first" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_commands_are_click_commands() -> None:
    assert all(isinstance(load(n), click.Command) for n in COMMANDS)
