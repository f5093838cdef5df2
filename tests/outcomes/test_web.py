"""The register's pages: latest per LA with filters, an LA and its neighbours, a report with
its evidence, statistics equal to the JSON, themes with their sentences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.outcomes import all_reports, import_reports
from grip.outcomes.stats import summary

from .reports import reports_dir

FILES = [
    "bexley-2018-08-20.pdf",
    "bexley-2023-03-24.pdf",
    "havering-2016-12-09.pdf",
    "havering-2024-02-16.pdf",
    "wirral-2016-09-20.pdf",
    "wirral-2019-07-29.pdf",
]


@pytest.fixture
def register(engine: Engine, tmp_path: Path, quick_import: None) -> Engine:
    for name in FILES:
        shutil.copy(reports_dir() / name, tmp_path / name)
    assert {r.status for r in import_reports(engine, [tmp_path])} == {"added"}
    return engine


def test_signed_out_visitor_cannot_read_the_register(client: Any) -> None:
    assert client.get("/outcomes", follow_redirects=False).status_code in (302, 303, 401)
    assert client.get("/api/outcomes/stats").status_code == 401


def test_register_lists_latest_per_la_and_filters(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in(role="social_worker")
    html = client.get("/outcomes").text
    assert re.findall(r'data-la="(\d+)"', html) == ["303", "311", "344"]
    html = client.get("/outcomes", params={"grade": "inadequate"}).text
    assert re.findall(r'data-la="(\d+)"', html) == ["311"]
    html = client.get("/outcomes", params={"to": "2019-01-01"}).text
    assert re.findall(r'data-la="(\d+)"', html) == ["303", "311", "344"]
    assert "sif-2013" in html


def test_bad_filter_shows_the_error_in_place_and_keeps_the_input(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    # GOV.UK date input (Service Manual, "Dates"): 31 February is named in place, kept as typed.
    typed = {"ended_from-day": "31", "ended_from-month": "2", "ended_from-year": "2023"}
    response = client.get("/outcomes", params=typed | {"region": "Atlantis"})
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html and "YYYY-MM-DD" not in html
    assert 'href="#ended_from-day"' in html
    assert "Fieldwork ended on or after must be a real date" in html
    assert 'href="#region"' in html
    assert 'value="31"' in html and 'value="2023"' in html


def test_date_filters_take_the_date_input_and_older_iso_links(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    typed = {"ended_to-day": "1", "ended_to-month": "1", "ended_to-year": "2017"}
    html = client.get("/outcomes", params=typed).text
    assert re.findall(r'data-la="(\d+)"', html) == ["311", "344"]
    # A link made before the date input (?from=YYYY-MM-DD) gives the same list.
    assert client.get("/outcomes", params={"to": "2017-01-01"}).text.count("data-la=") == 2


def test_la_page_shows_history_with_pages_and_neighbours(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    html = client.get("/outcomes/la/344").text  # Wirral
    assert html.count('data-judgement="overall"') == 2
    assert "Report page 36" in html  # the 2016 LSCB judgement
    # Each judgement under its own framework's title, overall effectiveness first.
    assert "The experiences and progress of children in care and care leavers" in html
    assert "Key judgement 2: The experiences and progress of children looked after" in html
    first = re.search(r'data-judgement="([a-z-]+)"', html)
    assert first and first.group(1) == "overall"
    assert 'id="neighbours"' in html
    assert client.get("/outcomes/la/999").status_code == 404


def test_neighbours_who_improved_and_their_themes(
    client: Any, signed_in: Any, register: Engine
) -> None:
    """Wirral (344) went from inadequate (2016) to requires improvement (2019); it is a DfE
    statistical neighbour of Knowsley (340)."""
    signed_in()
    html = client.get("/outcomes/la/340").text
    assert "Wirral (Inadequate to Requires improvement)" in html
    assert "data-theme=" in html


def test_report_page_evidence_comes_from_that_report(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    row = next(r for r in all_reports(register) if r.source_file == "havering-2016-12-09.pdf")
    html = client.get(f"/outcomes/reports/{row.id}").text
    assert (
        "Challenge by independent reviewing officers (IROs) is not consistent or effective." in html
    )
    assert "(page 20)" in html
    assert client.get("/outcomes/reports/99999").status_code == 404


def test_stats_page_and_json_equal_the_figures_recomputed_from_the_rows(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    expected = summary(all_reports(register))
    assert client.get("/api/outcomes/stats").json() == expected
    html = client.get("/outcomes/stats").text
    for c in expected["by_framework"]:
        row = re.search(
            rf'data-row="all\|{c["framework"]}\|{c["judgement"]}">(.*?)</tr>', html, re.S
        )
        assert row, c
        counts = dict(re.findall(r'data-grade="([a-z-]+)" data-count="(\d+)"', row.group(1)))
        assert {g: int(n) for g, n in counts.items()} == c["counts"]
    moves = expected["transitions"]["movement"]
    assert moves == {"improved": 1, "same": 1, "declined": 1}
    assert f"improved {moves['improved']}, stayed the same {moves['same']}" in html
    assert html.count('data-agrees="false"') == 6


def test_theme_pages_show_the_sentences_behind_each_number(
    client: Any, signed_in: Any, register: Engine
) -> None:
    signed_in()
    html = client.get("/outcomes/themes").text
    assert 'data-theme="management-oversight"' in html
    html = client.get("/outcomes/themes/iro-and-chair-challenge").text
    assert "not consistent or effective" in html
    assert client.get("/outcomes/themes/no-such-theme").status_code == 404
