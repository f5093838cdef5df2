"""The performance pack through ``grip measures --out``: contents, safety, and its audit event."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grip.access.models import AuditEvent
from grip.cli import main
from grip.settings import Settings

from .builders import CaseBook


def _book(engine: Engine) -> None:
    b = CaseBook("T01")
    b.team("T1", '=HYPERLINK("x")')  # a team name that would be a formula if written raw
    b.worker("W1", "T1")
    for pid in ("C1", "C2", "C3"):
        b.child(pid)
        b.allocate(pid, "W1", date(2026, 11, 1), team="T1")
        r = b.referral(pid, date(2026, 12, 7))
        # Working Together: 45 working days from Mon 7 Dec 2026 is Thu 11 Feb 2027 (Christmas
        # and New Year bank holidays excluded). C1 in time; C2 1 and C3 3 working days late.
        auth = {"C1": date(2027, 2, 11), "C2": date(2027, 2, 12), "C3": date(2027, 2, 16)}[pid]
        b.assessment(pid, r, date(2026, 12, 8), auth)
    b.save(engine)


def _invoke(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("GRIP_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("GRIP_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _sheet_rows(path: Path, name: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def test_pack_lists_children_not_meeting_and_is_audited(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _book(engine)
    out = tmp_path / "pack.xlsx"
    _invoke(settings, monkeypatch, "measures", "compute", "--la", "T01", "--date", "2027-03-31",
            "--out", str(out))  # fmt: skip
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "Summary" and "Drift" in wb.sheetnames
    # The summary (written row by row in constant-memory mode) holds the headline and its trend.
    [summary] = [r for r in _sheet_rows(out, "Summary") if len(r) > 1 and r[1] == "AS_45WD"]
    assert summary[4:7] == (33.3, 1, 3)  # 1 of 3 assessments in 45 working days
    assert summary[-1] == 33.3 and len(summary) == 8 + 12  # 12 monthly points, the last now
    rows = _sheet_rows(out, "Children not meeting")
    assert rows[0] == ("Measure", "Person", "Item", "Due", "Done", "Working days late", "Team",
                       "Worker")  # fmt: skip
    late = [r for r in rows[1:] if r[0] == "AS_45WD"]
    # Most working days late first; due date and done as real dates; formula text neutralised.
    assert [(r[1], r[5]) for r in late] == [("C3", 3), ("C2", 1)]
    assert late[0][3] == datetime(2027, 2, 11) and late[0][4] == datetime(2027, 2, 16)
    assert late[0][6] == '\'=HYPERLINK("x")'
    assert late[0][7] == "Worker W1 (W1)"
    with Session(engine) as db:
        [ev] = db.scalars(select(AuditEvent).where(AuditEvent.action == "export.xlsx")).all()
    assert (ev.authority_code, ev.object_type, ev.object_id) == (
        "T01",
        "measures_pack",
        "T01:2027-03-31",
    )
    assert ev.username is not None and ev.username.startswith("cli:")


def test_pack_with_all_children_lists_those_meeting_too(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _book(engine)
    out = tmp_path / "pack.xlsx"
    _invoke(settings, monkeypatch, "measures", "compute", "--la", "T01", "--date", "2027-03-31",
            "--out", str(out), "--all-children")  # fmt: skip
    rows = _sheet_rows(out, "Children")
    assert rows[0][3:5] == ("In numerator", "In denominator")
    assessed = sorted((r[1], r[3]) for r in rows[1:] if r[0] == "AS_45WD")
    assert assessed == [("C1", 1), ("C2", 0), ("C3", 0)]


def test_pack_counts_a_restricted_child_but_never_lists_it(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As on the measures pages: whole-LA figures count every child; no list names a
    restricted one (children and drift sheets)."""
    import datetime as dt

    from grip.access import restrictions
    from grip.access.scope import Scope
    from grip.store.db import transaction

    _book(engine)
    with transaction(engine) as db:
        restrictions.restrict_case(db, Scope("T01"), "C3", "test", dt.date(2027, 6, 1), [])
    out = tmp_path / "pack.xlsx"
    _invoke(settings, monkeypatch, "measures", "compute", "--la", "T01", "--date", "2027-03-31",
            "--out", str(out), "--all-children")  # fmt: skip
    [summary] = [r for r in _sheet_rows(out, "Summary") if len(r) > 1 and r[1] == "AS_45WD"]
    assert summary[4:7] == (33.3, 1, 3)  # C3 still counted in the statutory figure
    listed = {r[1] for r in _sheet_rows(out, "Children")[1:]}
    assert {"C1", "C2"} <= listed and "C3" not in listed
    assert all(r[1] != "C3" for r in _sheet_rows(out, "Drift")[1:])
