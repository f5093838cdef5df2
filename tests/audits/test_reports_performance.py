"""The quarterly performance and quality pack's "Performance" section (Southwark QA framework 2015,
§1 "Quarterly Performance and Quality Meetings": performance data considered alongside audit
findings). Its figures are the measures engine's, not the pack's own: every test here holds the
pack to ``grip.measures.engine.compute`` for the same LA and date, and reads the exports back."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, make_url, text

from grip.access import clock
from grip.access.rls import APP_ROLE
from grip.access.scope import Scope, scoped, system_job
from grip.audits import lifecycle as lc
from grip.audits.reports import (
    PERFORMANCE_COLUMNS,
    PerformanceRow,
    build,
    quarter_end,
    quarter_words,
    to_docx,
    to_xlsx,
)
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise
from grip.measures.definitions import load_definitions
from grip.measures.engine import MeasuresRun, compute
from grip.store.db import make_engine

from .conftest import LA

AS_OF = dt.date(2026, 10, 15)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _synthetic_la(engine: Engine, tmp_path: Path) -> None:
    """A synthetic LA (300 children, no real names) loaded through the ordinary importer."""
    synthesise(tmp_path / "extract", 300, 21, AS_OF, la_code=LA)
    with system_job("test: load a synthetic extract"):
        result = import_extract(engine, tmp_path / "extract", LA, skip_invalid=True)
    assert result.ok, result.message


def _headline_ids() -> list[str]:
    return [m.id for m in load_definitions().measures if m.headline]


def _assert_equals_engine(rows: list[PerformanceRow], run: MeasuresRun, on: dt.date) -> None:
    """Each pack row is the engine's whole-LA value for that measure at ``on``."""
    assert [r.measure_id for r in rows] == _headline_ids()
    for r in rows:
        v = run.at(r.measure_id, on)
        assert (r.numerator, r.denominator, r.value) == (v.numerator, v.denominator, v.value), (
            r.measure_id
        )


def _docx_tables(body: bytes) -> list[list[list[str]]]:
    """Every table in a .docx, as rows of cell texts (read from the XML, not a library)."""
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    return [
        [
            ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
            for tr in tbl.iter(f"{W}tr")
        ]
        for tbl in root.iter(f"{W}tbl")
    ]


def _n(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def test_pack_performance_is_the_engines_at_quarter_end(engine: Engine, tmp_path: Path) -> None:
    """A finished quarter: the headline measures at its last day (30 September for Q3), equal
    to ``compute`` for the same LA and date, in the report, the XLSX and the DOCX."""
    _synthetic_la(engine, tmp_path)
    quarter = "2026-Q3"
    on = quarter_end(quarter)
    assert on == dt.date(2026, 9, 30)
    with scoped(engine, Scope(LA)) as db:
        rep = build(db, LA, quarter, AS_OF)
    assert rep.performance_on == on
    # The engine as ``grip measures --la LA1 --date 2026-09-30`` runs it: every measure, 12 months.
    run = compute(engine, LA, on)
    _assert_equals_engine(rep.performance, run, on)
    # Not a vacuous comparison: the synthetic LA has timescales due in the quarter.
    by_id = {r.measure_id: r for r in rep.performance}
    for mid in ("AS_45WD", "CP_VISITS_IN_TIME", "CLA_REVIEWS_IN_TIME"):
        assert by_id[mid].denominator, mid
    assert by_id["AS_45WD"].unit == "percent" and by_id["AS_45WD"].polarity == "higher_is_better"
    assert by_id["FD_REREFERRAL"].polarity == "lower_is_better"

    wb = load_workbook(io.BytesIO(to_xlsx(rep)))
    sheet = list(wb["Performance"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert header == PERFORMANCE_COLUMNS
    assert [r[2] for r in body] == _headline_ids()
    for r in body:
        v = run.at(str(r[2]), on)
        assert r[4] == v.numerator, r
        assert r[5] == v.denominator, r  # None (empty cell) for plain counts
        assert r[6] in ("Higher is better", "Lower is better", "Context (no good direction)")

    tables = _docx_tables(to_docx(rep))
    perf = next(t for t in tables if t[0][:3] == ["Area", "Measure", "Measure id"])
    assert [r[2] for r in perf[1:]] == _headline_ids()
    for r in perf[1:]:
        v = run.at(r[2], on)
        assert (r[4], r[5]) == (_n(v.numerator), _n(v.denominator)), r


def test_running_quarter_is_shown_as_it_stands_today(engine: Engine, tmp_path: Path) -> None:
    """While the quarter runs the measures are at ``as_of``, not at a future quarter end (a
    snapshot dated ahead would count plans as open that may yet end)."""
    _synthetic_la(engine, tmp_path)
    with scoped(engine, Scope(LA)) as db:
        rep = build(db, LA, "2026-Q4", AS_OF)
    assert rep.performance_on == AS_OF
    _assert_equals_engine(rep.performance, compute(engine, LA, AS_OF), AS_OF)


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    """An engine logged in as a member of grip_app, as the web app runs (PostgreSQL), so
    row-level security applies; the test engine itself on SQLite."""
    if engine.dialect.name != "postgresql":
        yield engine
        return
    login = f"grip_web_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {APP_ROLE}"))
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username=login)
    eng = make_engine(url.render_as_string(hide_password=False))
    yield eng
    eng.dispose()
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE {login}"))


def test_measures_are_read_under_row_level_security(
    engine: Engine, app_engine: Engine, tmp_path: Path
) -> None:
    """Built as the web app runs (the grip_app role on PostgreSQL), the figures still equal
    the owner's: the engine's connections set the LA that row-level security checks; without it they
    would count nothing."""
    _synthetic_la(engine, tmp_path)
    on = dt.date(2026, 9, 30)
    with scoped(app_engine, Scope(LA)) as db:
        rep = build(db, LA, "2026-Q3", AS_OF)
    run = compute(engine, LA, on)  # the owner's engine: every row, no policies
    _assert_equals_engine(rep.performance, run, on)
    assert any(r.denominator for r in rep.performance)


def test_unknown_la_is_a_clear_error(engine: Engine) -> None:
    with scoped(engine, Scope("ZZ9")) as db, pytest.raises(lc.InvalidInput) as err:
        build(db, "ZZ9", "2026-Q3", AS_OF)
    assert "unknown LA code 'ZZ9'" in str(err.value)


def test_reports_page_shows_the_engines_figures(app: Any, engine: Engine, tmp_path: Path) -> None:
    """/audits/reports renders the Performance table from the same figures."""
    from .test_web import _client

    _synthetic_la(engine, tmp_path)
    c, _ = _client(app, engine, "qa_lead")
    clock.freeze(dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC))
    try:
        page = c.get("/audits/reports?quarter=2026-Q3")
    finally:
        clock.freeze(None)
    assert page.status_code == 200
    on = dt.date(2026, 9, 30)
    run = compute(engine, LA, on)
    assert "headline measures for the whole LA at 30 September 2026" in page.text
    for mid in _headline_ids():
        v = run.at(mid, on)
        row = re.search(rf'data-measure="{mid}">(.*?)</tr>', page.text, re.S)
        assert row, mid
        num = re.search(r"data-numerator>([^<]*)<", row.group(1))
        den = re.search(r"data-denominator>([^<]*)<", row.group(1))
        assert num and float(num.group(1)) == v.numerator, mid
        assert den and den.group(1) == ("-" if v.denominator is None else f"{v.denominator:g}")


@pytest.mark.parametrize(
    ("quarter", "words"),
    [("2026-Q1", "January to March 2026"), ("2026-Q4", "October to December 2026")],
)
def test_a_quarter_is_shown_in_words(quarter: str, words: str) -> None:
    assert quarter_words(quarter) == words
