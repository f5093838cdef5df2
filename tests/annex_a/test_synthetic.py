"""Build -> check on a synthetic LA gives zero errors, for both specs and a past date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from grip.annex_a.builder import build
from grip.annex_a.checker import check_workbook
from grip.annex_a.spec import load_spec
from grip.annex_a.workbook import write_xlsx
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise

LA = "S01"
AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def synthetic(engine: Engine, tmp_path: Path) -> Engine:
    synth = synthesise(tmp_path / "s", 400, 11, AS_OF, la_code=LA)
    result = import_extract(engine, synth.out_dir, LA)
    assert result.outcome == "loaded", result.message
    return engine


@pytest.mark.parametrize(
    ("spec_id", "when"),
    [("ofsted-2024", AS_OF), ("ilacs-2017", AS_OF), ("ofsted-2024", dt.date(2025, 3, 31))],
)
def test_build_then_check_on_a_synthetic_la_has_no_errors(
    synthetic: Engine, tmp_path: Path, spec_id: str, when: dt.date
) -> None:
    annex = build(synthetic, LA, when, spec_id)
    counts = annex.counts()
    # A 400-child authority has contacts, referrals, children in need and in care.
    assert counts["List 1"] > 0 and counts["List 3"] > 0 and counts["List 6"] > 0
    assert counts["List 8"] > 0
    out = tmp_path / "a.xlsx"
    write_xlsx(annex, out)
    report = check_workbook(out, load_spec(spec_id), when)
    assert report.errors == [], report.errors[:10]
    assert report.rows_checked == sum(counts.values())
