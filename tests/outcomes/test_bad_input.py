"""Bad files: each gets a clear error of its own, the rest of the batch is still read, nothing
is half-stored, and the PDF reader runs under time and memory limits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from grip.cli import main
from grip.outcomes import pdf
from grip.outcomes.extract import extract_all
from grip.outcomes.models import OutcomeJudgement, OutcomeReport
from grip.outcomes.register import import_reports

from .pdfs import minimal_pdf
from .reports import reports_dir

GOOD = "bexley-2023-03-24.pdf"


def _bad_files(folder: Path) -> dict[str, str]:
    """Write one file of each bad kind; file name -> words its error must contain."""
    real = (reports_dir() / GOOD).read_bytes()
    (folder / "a-zero-byte.pdf").write_bytes(b"")
    (folder / "b-empty.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "c-truncated.pdf").write_bytes(real[:4000])
    (folder / "d-encrypted.pdf").write_bytes(minimal_pdf(encrypted=True))
    (folder / "e-no-judgements.pdf").write_bytes(minimal_pdf())
    (folder / "f-text.pdf").write_text("Minutes of the corporate parenting panel\n")
    (folder / "g-page.pdf").write_text("<!DOCTYPE html><html><body>Report</body></html>")
    with (folder / "h-huge.pdf").open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(pdf.MAX_FILE_BYTES + 1)  # sparse: no real disk used
    return {
        "a-zero-byte.pdf": "empty (0 bytes)",
        "b-empty.pdf": "damaged",
        "c-truncated.pdf": "",
        "d-encrypted.pdf": "encrypted",
        "e-no-judgements.pdf": "no judgement table found",
        "f-text.pdf": "not a PDF",
        "g-page.pdf": "HTML page",
        "h-huge.pdf": "MB limit",
    }


def test_each_bad_file_gets_its_own_clear_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    expected = _bad_files(tmp_path)
    shutil.copy(reports_dir() / GOOD, tmp_path / "z-good.pdf")
    results = {r.file: r for r in extract_all([tmp_path])}
    assert set(results) == {*expected, "z-good.pdf"}
    for name, words in expected.items():
        assert results[name].error, name
        assert words in (results[name].error or ""), (name, results[name].error)
    assert results["z-good.pdf"].error is None
    assert results["z-good.pdf"].judgements["care-leavers"] == "outstanding"


def test_cli_prints_every_file_then_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    expected = _bad_files(tmp_path)
    shutil.copy(reports_dir() / GOOD, tmp_path / "z-good.pdf")
    result = CliRunner().invoke(main, ["outcomes", "extract", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    data = json.loads(result.output)
    assert [d["file"] for d in data] == sorted([*expected, "z-good.pdf"])
    assert all(set(d) == {"file", "error"} for d in data if d["file"] != "z-good.pdf")


def test_import_stores_the_good_report_and_nothing_of_the_bad(
    tmp_path: Path, engine: Engine
) -> None:
    _bad_files(tmp_path)
    shutil.copy(reports_dir() / GOOD, tmp_path / "z-good.pdf")
    results = import_reports(engine, [tmp_path])
    assert [r.status for r in results].count("added") == 1
    assert [r.status for r in results].count("error") == 8
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(OutcomeReport)) == 1
        assert conn.scalar(select(func.count()).select_from(OutcomeJudgement)) == 5


def test_reader_over_its_time_limit_is_stopped_with_a_clear_error() -> None:
    with pytest.raises(pdf.ReportRefused, match="took more than"):
        pdf.read_pdf(reports_dir() / GOOD, timeout=0.01)


def test_reader_over_its_memory_limit_is_stopped_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 8 MB of address space is too little for the reader: the child dies, this process does not.
    monkeypatch.setattr(pdf, "CHILD_MEMORY_BYTES", 8 * 1024 * 1024)
    with pytest.raises(pdf.ReportRefused, match="the PDF reader stopped"):
        pdf.read_pdf(reports_dir() / GOOD)


def test_missing_reports_folder_fails_with_where_it_was_expected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRIP_OFSTED_REPORTS", str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match=r"expected in .*nowhere"):
        reports_dir()
