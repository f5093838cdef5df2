"""Import of case extracts: round trip, idempotence, replacement, refusal, skip-invalid, CLI.

Runs on SQLite and, with GRIP_TEST_DATABASE_URL, PostgreSQL (COPY path). Only synthetic data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import Engine

from grip.access.scope import system_job
from grip.casedata.extract import example_rows, write_extract
from grip.casedata.format import load_format
from grip.casedata.importer import current_extract, import_extract, import_history
from grip.casedata.models import CASE_TABLES
from grip.casedata.runs import data_range
from grip.casedata.synth import synthesise
from grip.cli import main

LA = "T01"
OTHER = "T02"


def extract(
    folder: Path,
    la: str = LA,
    as_of: str = "2026-11-01",
    children: int = 3,
    change: Any = None,
    **manifest: Any,
) -> Path:
    rows = example_rows(children)
    if change is not None:
        change(rows)
    return write_extract(folder, rows, {"la_code": la, "as_of": as_of, **manifest})


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every case table and of the run log, sorted: the whole case state."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    # Every LA's rows on purpose: an import must leave the other LAs untouched too.
    with system_job("test: snapshot of every LA's case state"), engine.connect() as conn:
        for name, table in CASE_TABLES.items():
            out[name] = sorted(tuple(r) for r in conn.execute(sa.select(table)))
        out["local_authority"] = sorted(
            tuple(r) for r in conn.execute(sa.text("SELECT code, name FROM local_authority"))
        )
        out["runs"] = sorted(
            tuple(r)
            for r in conn.execute(
                sa.text("SELECT la_code, run_id, outcome, content_hash FROM casedata_import_run")
            )
        )
    return out


def typed(columns: dict[str, Any], row: dict[str, str]) -> dict[str, Any]:
    """A CSV row's text as the values the store should hold."""
    convert = {
        "date": dt.date.fromisoformat,
        "bool": lambda v: v == "Y",
        "int": int,
        "decimal": float,
    }
    return {c: None if v == "" else convert.get(columns[c].type, str)(v) for c, v in row.items()}


def stored(engine: Engine, table: str, la: str = LA) -> list[dict[str, Any]]:
    t = CASE_TABLES[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(t).where(t.c.la_code == la))]


def test_example_extract_round_trips_every_value(engine: Engine, tmp_path: Path) -> None:
    rows = example_rows(3)
    write_extract(tmp_path / "x", rows, {"la_code": LA, "as_of": "2026-11-01", "la_name": "Tesh"})
    result = import_extract(engine, tmp_path / "x", LA)
    assert result.outcome == "loaded" and result.ok, result.message
    assert result.rows_loaded == {name: 3 for name in CASE_TABLES}
    fmt = load_format()
    for name, table in fmt.tables.items():
        got = {r[table.key]: r for r in stored(engine, name)}
        assert len(got) == len(rows[name])
        for row in rows[name]:
            back = got[row[table.key]]
            assert back["la_code"] == LA
            for col, value in row.items():
                assert back[col] == value, f"{name}.{col}"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM local_authority")).scalar_one() == "Tesh"


def test_synthetic_extract_round_trips(engine: Engine, tmp_path: Path) -> None:
    """Every row of a synthetic authority's extract is stored, with its values."""
    synth = synthesise(tmp_path / "s", 300, 5, dt.date(2026, 10, 31), la_code=LA)
    result = import_extract(engine, synth.out_dir, LA)
    assert result.outcome == "loaded", result.message
    assert result.rows_loaded == synth.rows
    fmt = load_format()
    for name, table in fmt.tables.items():
        got = {r[table.key]: r for r in stored(engine, name)}
        with open(synth.out_dir / table.filename, encoding="utf-8", newline="") as fh:
            source = list(csv.DictReader(fh))
        assert len(got) == len(source) == synth.rows[name]
        for row in source:
            back = got[row[table.key]]
            assert {c: back[c] for c in row} == typed(table.columns, row), name


def test_synthetic_defects_are_all_reported_and_nothing_loads(
    engine: Engine, tmp_path: Path
) -> None:
    synth = synthesise(tmp_path / "s", 300, 8, dt.date(2026, 10, 31), la_code=LA, defects=0.02)
    assert synth.defects
    before = snapshot(engine)
    result = import_extract(engine, synth.out_dir, LA)
    assert result.outcome == "rejected" and not result.ok
    reported = {(p.table, p.row, p.column) for p in result.report.problems}
    assert {(d.table, d.row, d.column) for d in synth.defects} <= reported
    assert snapshot(engine) == before  # not even the LA row is created


def test_reimporting_the_same_extract_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = extract(tmp_path / "a")
    assert import_extract(engine, folder, LA).outcome == "loaded"
    # Touch a stored row behind the importer's back: an "unchanged" import must not rewrite
    # rows, so the touch survives.
    t = CASE_TABLES["ssd_person"]
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.la_code == LA).values(pers_upn="touched"))
    before = {k: v for k, v in snapshot(engine).items() if k != "runs"}
    again = import_extract(engine, folder, LA)
    assert again.outcome == "unchanged" and again.ok
    assert "already loaded" in again.message
    assert {k: v for k, v in snapshot(engine).items() if k != "runs"} == before
    assert [r.outcome for r in import_history(engine, LA)] == ["unchanged", "loaded"]
    assert again.report.tables == {}  # seen by its hash alone: not even validated again


def test_same_content_with_a_later_as_of_is_unchanged_but_current_as_of_advances(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_extract(engine, extract(tmp_path / "a", as_of="2026-11-01"), LA).ok
    later = import_extract(engine, extract(tmp_path / "b", as_of="2026-11-02"), LA)
    assert later.outcome == "unchanged"
    current = current_extract(engine, LA)
    assert current is not None and current.as_of == dt.date(2026, 11, 2)


def test_a_newer_extract_replaces_only_that_las_data(engine: Engine, tmp_path: Path) -> None:
    assert import_extract(engine, extract(tmp_path / "o", la=OTHER), OTHER).ok
    other_before = {n: stored(engine, n, OTHER) for n in CASE_TABLES}
    assert import_extract(engine, extract(tmp_path / "a", children=3), LA).ok

    newer = extract(tmp_path / "b", as_of="2026-12-01", children=2)
    result = import_extract(engine, newer, LA)
    assert result.outcome == "loaded"
    assert {r["pers_person_id"] for r in stored(engine, "ssd_person")} == {
        "ssd_person-1",
        "ssd_person-2",
    }
    assert all(len(stored(engine, n)) == 2 for n in CASE_TABLES)
    assert {n: stored(engine, n, OTHER) for n in CASE_TABLES} == other_before
    current = current_extract(engine, LA)
    assert current is not None and current.as_of == dt.date(2026, 12, 1)


def test_same_as_of_with_different_content_replaces(engine: Engine, tmp_path: Path) -> None:
    assert import_extract(engine, extract(tmp_path / "a"), LA).ok

    def rename(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_person"][0]["pers_forename"] = "Corrected"

    result = import_extract(engine, extract(tmp_path / "b", change=rename), LA)
    assert result.outcome == "loaded"
    names = {r["pers_forename"] for r in stored(engine, "ssd_person")}
    assert "Corrected" in names


def test_an_older_extract_is_refused_unless_allowed(engine: Engine, tmp_path: Path) -> None:
    assert import_extract(engine, extract(tmp_path / "new", as_of="2026-11-01"), LA).ok
    before = snapshot(engine)
    old = extract(tmp_path / "old", as_of="2026-10-01", children=2)
    refused = import_extract(engine, old, LA)
    assert refused.outcome == "refused_older" and not refused.ok
    assert "--allow-older" in refused.message
    after = snapshot(engine)
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }
    allowed = import_extract(engine, old, LA, allow_older=True)
    assert allowed.outcome == "loaded"
    assert len(stored(engine, "ssd_person")) == 2


def test_invalid_extract_loads_nothing_and_is_logged(engine: Engine, tmp_path: Path) -> None:
    assert import_extract(engine, extract(tmp_path / "a"), LA).ok
    before = {k: v for k, v in snapshot(engine).items() if k != "runs"}

    def spoil(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_cin_episodes"][0]["cine_referral_date"] = "2026-02-30"

    result = import_extract(engine, extract(tmp_path / "b", as_of="2026-12-01", change=spoil), LA)
    assert result.outcome == "rejected"
    assert "--skip-invalid" in result.message
    assert {k: v for k, v in snapshot(engine).items() if k != "runs"} == before
    assert [r.outcome for r in import_history(engine, LA)] == ["rejected", "loaded"]


def test_skip_invalid_loads_the_rest_and_drops_dependants(engine: Engine, tmp_path: Path) -> None:
    def spoil(rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["ssd_person"][1]["pers_dob"] = "someday"

    folder = extract(tmp_path / "a", change=spoil)
    result = import_extract(engine, folder, LA, skip_invalid=True)
    assert result.outcome == "loaded", result.message
    fmt = load_format()
    person_tables = [t.name for t in fmt.tables.values() if t.person]
    for name in ["ssd_person", *person_tables]:
        people = {r[fmt.tables[name].person or "pers_person_id"] for r in stored(engine, name)}
        assert "ssd_person-2" not in people, name
        assert result.rows_loaded[name] == 2
    assert result.rows_skipped == result.report.rows_invalid >= 1 + len(person_tables)
    assert "left out" in result.message


def test_whole_file_problems_stop_even_skip_invalid(engine: Engine, tmp_path: Path) -> None:
    folder = extract(tmp_path / "a")
    (folder / "ssd_missing.csv").unlink()
    result = import_extract(engine, folder, LA, skip_invalid=True)
    assert result.outcome == "rejected"
    assert stored(engine, "ssd_person") == []


def test_extract_for_another_la(engine: Engine, tmp_path: Path) -> None:
    folder = extract(tmp_path / "a", la=OTHER)
    assert import_extract(engine, folder, LA).outcome == "rejected"
    result = import_extract(engine, folder, LA, from_la=OTHER, la_name="Renamed")
    assert result.outcome == "loaded"
    assert len(stored(engine, "ssd_person", LA)) == 3
    assert stored(engine, "ssd_person", OTHER) == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM local_authority")).scalar_one() == "Renamed"


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"GRIP_DATABASE_URL": database_url, "GRIP_DATA_DIR": str(tmp_path / "data")}


def test_cli_imports_and_prints_json(
    engine: Engine, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder = extract(tmp_path / "a")
    run = CliRunner().invoke(
        main, ["casedata", "import", str(folder), "--la", LA, "--json"], env=cli_env
    )
    assert run.exit_code == 0, run.output
    body = json.loads(run.stdout)
    assert body["outcome"] == "loaded" and body["rows_loaded"]["ssd_person"] == 3
    again = CliRunner().invoke(main, ["casedata", "import", str(folder), "--la", LA], env=cli_env)
    assert again.exit_code == 0 and "unchanged: already loaded" in again.stdout


def test_cli_reports_problems_and_writes_them_all(
    engine: Engine, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    def spoil(rows: dict[str, list[dict[str, Any]]]) -> None:
        for r in rows["ssd_contacts"]:
            r["cont_contact_source_code"] = "=1+1"

    folder = extract(tmp_path / "a", change=spoil)
    errors = tmp_path / "errors.csv"
    run = CliRunner().invoke(
        main,
        ["casedata", "import", str(folder), "--la", LA, "--errors-out", str(errors)],
        env=cli_env,
    )
    assert run.exit_code == 1
    assert "ssd_contacts.csv: code x3" in run.stdout
    assert "rejected: nothing loaded" in run.stdout
    with open(errors, encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    contacts = [r for r in written if r["table"] == "ssd_contacts"]
    assert [(r["row"], r["value"]) for r in contacts] == [
        ("1", "'=1+1"),
        ("2", "'=1+1"),
        ("3", "'=1+1"),
    ]
    assert stored(engine, "ssd_contacts") == []


def test_cli_check_only_writes_nothing(
    engine: Engine, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder = extract(tmp_path / "a")
    run = CliRunner().invoke(
        main, ["casedata", "import", str(folder), "--la", LA, "--check-only"], env=cli_env
    )
    assert run.exit_code == 0 and "would load" in run.stdout
    assert stored(engine, "ssd_person") == []


def test_cli_usage_errors(tmp_path: Path, cli_env: dict[str, str]) -> None:
    folder = extract(tmp_path / "a")
    bad_la = CliRunner().invoke(
        main, ["casedata", "import", str(folder), "--la", "no good"], env=cli_env
    )
    assert bad_la.exit_code == 2 and "LA code" in bad_la.output
    missing = CliRunner().invoke(
        main, ["casedata", "import", str(tmp_path / "nope"), "--la", LA], env=cli_env
    )
    assert missing.exit_code == 2


def _first_record(engine: Engine) -> dt.date:
    contacts, referrals = CASE_TABLES["ssd_contacts"], CASE_TABLES["ssd_cin_episodes"]
    with system_job("test: every contact and referral date"), engine.connect() as conn:
        dates = [
            r[0]
            for r in conn.execute(contacts.select().with_only_columns(contacts.c.cont_contact_date))
        ]
        dates += [
            r[0]
            for r in conn.execute(
                referrals.select().with_only_columns(referrals.c.cine_referral_date)
            )
        ]
    return min(d for d in dates if d is not None)


def test_the_range_runs_from_the_first_record_to_the_extract_date(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.connect() as conn:
        assert data_range(conn, LA) is None  # nothing imported yet
    assert import_extract(engine, extract(tmp_path / "a", as_of="2026-11-01"), LA).ok
    with engine.connect() as conn:
        assert data_range(conn, LA) == (_first_record(engine), dt.date(2026, 11, 1))
        assert data_range(conn, OTHER) is None  # one LA's data says nothing of another's
