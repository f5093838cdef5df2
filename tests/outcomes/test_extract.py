"""Reading every published report in shared/data/ofsted-reports against values confirmed by
reading each one (tests/outcomes/expected.py, with the page each value is on)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from grip.cli import main
from grip.outcomes.extract import extract_file, flatten
from grip.outcomes.las import get

from .expected import EXPECTED, REFUSED, R, judgements
from .reports import reports_dir

KEYS = [
    "file",
    "local_authority",
    "framework",
    "inspection_type",
    "fieldwork_start",
    "fieldwork_end",
    "published",
    "judgements",
]


def _page_text(path: Path, page: int) -> str:
    # Read independently of grip, so the check does not lean on the code it checks.
    doc = pdfium.PdfDocument(str(path))
    try:
        return flatten(doc[page - 1].get_textpage().get_text_range()).lower()
    finally:
        doc.close()


def test_every_report_in_the_folder_has_expected_values(reports: Path) -> None:
    files = {p.name for p in reports.glob("*.pdf")}
    assert files == {r.file for r in EXPECTED} | set(REFUSED)
    assert len(files) == 45


@pytest.mark.parametrize("expected", EXPECTED, ids=[r.file for r in EXPECTED])
def test_report_values_match_what_the_report_says(expected: R) -> None:
    path = reports_dir() / expected.file
    got = extract_file(path)
    assert got.error is None
    assert got.la_code == expected.la_code
    assert got.local_authority == get(expected.la_code).name
    assert got.framework == expected.framework
    assert got.inspection_type == expected.inspection_type
    assert got.fieldwork_start == date.fromisoformat(expected.fieldwork_start)
    assert got.fieldwork_end == date.fromisoformat(expected.fieldwork_end)
    assert got.published == (date.fromisoformat(expected.published) if expected.published else None)
    assert got.judgements == judgements(expected)
    assert got.pages.get("judgements.lscb") == expected.lscb_page
    assert set(got.to_json()) == set(KEYS)


@pytest.mark.parametrize("expected", [r for r in EXPECTED if r.lscb_page], ids=lambda r: r.file)
def test_lscb_grade_is_on_the_page_recorded(expected: R) -> None:
    """SIF reports grade the LSCB review in its own section (Ofsted 130168), not on page 1."""
    text = _page_text(reports_dir() / expected.file, expected.lscb_page or 0)
    grade = judgements(expected)["lscb"].replace("-", " ").replace("requires", "require")
    assert "the local safeguarding children board" in text
    assert grade.split()[0] in text


def test_first_page_carries_the_dates_and_the_la(reports: Path) -> None:
    for expected in EXPECTED:
        text = _page_text(reports / expected.file, 1)
        end = date.fromisoformat(expected.fieldwork_end)
        assert str(end.year) in text and end.strftime("%B").lower() in text, expected.file
        assert "inspection date" in text, expected.file


def test_html_saved_as_pdf_is_refused_cleanly(reports: Path) -> None:
    for name, words in REFUSED.items():
        result = extract_file(reports / name)
        assert result.error is not None and words in result.error
        assert result.to_json() == {"file": name, "error": result.error}


@pytest.mark.slow
def test_cli_extract_json_reports_every_file_and_exits_non_zero(reports: Path) -> None:
    result = CliRunner().invoke(main, ["outcomes", "extract", str(reports), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert len(data) == 45
    by_file = {d["file"]: d for d in data}
    assert by_file["blackpool-2012-07-13.pdf"]["error"].startswith("not a PDF")
    bexley = by_file["bexley-2023-03-24.pdf"]
    assert list(bexley) == KEYS
    assert bexley["judgements"] == {
        "leaders": "outstanding",
        "help-protection": "good",
        "children-in-care": "good",
        "care-leavers": "outstanding",
        "overall": "outstanding",
    }
