"""Hostile extracts (penetration test, December 2026): a NUL or other control character in a
text value, and a table file that is a link to a file outside the extract folder. Both are
refused with where they are, and nothing of the extract loads (all or nothing).

Runs on SQLite and, with GRIP_TEST_DATABASE_URL, PostgreSQL (where a NUL in text fails the
COPY with a server-side error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from grip.access.scope import system_job
from grip.casedata.extract import example_rows, write_extract
from grip.casedata.importer import import_extract
from grip.casedata.models import CASE_TABLES
from grip.casedata.validate import validate_extract

LA = "T01"


def extract(folder: Path, change: Any = None) -> Path:
    """The example extract (3 children) after ``change(rows)``."""
    rows = example_rows(3)
    if change is not None:
        change(rows)
    return write_extract(folder, rows, {"la_code": LA, "as_of": "2026-11-01"})


def case_rows(engine: Engine) -> int:
    """Rows of every case table, every LA: an import refused leaves this unchanged."""
    with system_job("test: count the case rows"), engine.connect() as conn:
        return sum(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in CASE_TABLES.values()
        )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_text_is_refused_with_table_row_and_column(
    tmp_path: Path, engine: Engine, char: str
) -> None:
    def plant(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_person"][1]["pers_surname"] = f"Smi{char}th"

    folder = extract(tmp_path / "x", change=plant)
    report = validate_extract(folder, LA)
    [problem] = [p for p in report.problems if p.rule == "control_character"]
    assert (problem.table, problem.row, problem.column) == ("ssd_person", 2, "pers_surname")
    assert problem.value == f"Smi\\x{ord(char):02x}th"  # shown escaped, never raw
    assert f"U+{ord(char):04X} at character 4" in problem.expected
    result = import_extract(engine, folder, LA, skip_invalid=True)
    assert not result.ok and result.outcome != "loaded"
    assert case_rows(engine) == 0


def test_line_breaks_and_tabs_in_free_text_are_kept(tmp_path: Path) -> None:
    def plant(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_person"][0]["pers_surname"] = "Smith\tJones\r\nBrown"

    report = validate_extract(extract(tmp_path / "x", change=plant), LA)
    assert not [p for p in report.problems if p.rule == "control_character"]


def test_a_table_linked_to_a_file_outside_the_folder_is_not_read(
    tmp_path: Path, engine: Engine
) -> None:
    folder = extract(tmp_path / "x")
    secret = tmp_path / "elsewhere" / "ssd_person.csv"
    secret.parent.mkdir()
    secret.write_bytes((folder / "ssd_person.csv").read_bytes())
    (folder / "ssd_person.csv").unlink()
    (folder / "ssd_person.csv").symlink_to(secret)
    report = validate_extract(folder, LA)
    [problem] = [p for p in report.problems if p.rule == "outside_folder"]
    assert problem.table == "ssd_person" and report.fatal
    assert "ssd_person" not in report.tables  # never read
    result = import_extract(engine, folder, LA)
    assert not result.ok and case_rows(engine) == 0


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = extract(tmp_path / "x")
    (folder / "kept").mkdir()
    (folder / "ssd_person.csv").rename(folder / "kept" / "person.csv")
    (folder / "ssd_person.csv").symlink_to(folder / "kept" / "person.csv")
    assert validate_extract(folder, LA).ok


def test_a_manifest_linked_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    folder = extract(tmp_path / "x")
    outside = tmp_path / "manifest.json"
    outside.write_bytes((folder / "manifest.json").read_bytes())
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").symlink_to(outside)
    report = validate_extract(folder, LA)
    assert [p.table for p in report.problems if p.rule == "outside_folder"] == ["manifest"]
    assert report.fatal
