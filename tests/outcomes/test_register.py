"""The register: idempotent import with page provenance, history, filters, record_outcome."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from grip.cli import main
from grip.outcomes import (
    Filters,
    OutcomeError,
    history,
    import_reports,
    latest,
    record_outcome,
)
from grip.outcomes.models import OutcomeEvidence, OutcomeJudgement, OutcomeReport

from .reports import reports_dir

FILES = ["bexley-2018-08-20.pdf", "bexley-2023-03-24.pdf", "havering-2016-12-09.pdf"]


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.scalar(select(func.count()).select_from(t))
            for t in (OutcomeReport, OutcomeJudgement, OutcomeEvidence)
        )


@pytest.fixture
def three(tmp_path: Path, quick_import: None) -> Path:
    for name in FILES:
        shutil.copy(reports_dir() / name, tmp_path / name)
    return tmp_path


def test_import_twice_changes_nothing(engine: Engine, three: Path) -> None:
    first = import_reports(engine, [three])
    assert [r.status for r in first] == ["added"] * 3
    before = _counts(engine)
    assert before[:2] == (3, 5 + 4 + 7)
    second = import_reports(engine, [three])
    assert [r.status for r in second] == ["unchanged"] * 3
    assert [r.report_id for r in second] == [r.report_id for r in first]
    assert _counts(engine) == before


def test_same_inspection_from_another_copy_is_recognised(
    engine: Engine, three: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import_reports(engine, [three])
    # The same report saved again with a byte appended: a different file, the same inspection.
    copy = tmp_path_factory.mktemp("copy") / "bexley-again.pdf"
    copy.write_bytes((three / FILES[1]).read_bytes() + b"\n")
    (result,) = import_reports(engine, [copy])
    assert result.status == "unchanged"


def test_history_keeps_each_value_with_its_page(engine: Engine, three: Path) -> None:
    import_reports(engine, [three])
    bexley = history(engine, "303")
    assert [r.framework for r in bexley] == ["ilacs-2017", "ilacs-2023"]
    assert bexley[1].judgements["care-leavers"] == "outstanding"
    assert bexley[1].pages["judgements.care-leavers"] == 1
    havering = history(engine, "311")[0]
    assert havering.judgements["lscb"] == "requires-improvement"
    assert havering.pages["judgements.lscb"] == 38
    assert havering.published == dt.date(2016, 12, 9)
    assert havering.pages["published"] == 1


def test_latest_per_la_with_filters(engine: Engine, three: Path) -> None:
    import_reports(engine, [three])
    rows = latest(engine)
    assert [(r.la_name, r.framework) for r in rows] == [
        ("Bexley", "ilacs-2023"),
        ("Havering", "sif-2013"),
    ]
    assert [r.la_name for r in latest(engine, Filters(grade="requires-improvement"))] == [
        "Havering"
    ]
    assert latest(engine, Filters(region="North East")) == []
    to_2019 = latest(engine, Filters(date_to=dt.date(2019, 1, 1)))
    assert [(r.la_name, r.framework) for r in to_2019] == [
        ("Bexley", "ilacs-2017"),
        ("Havering", "sif-2013"),
    ]
    assert [r.la_name for r in latest(engine, Filters(framework="ilacs-2017"))] == ["Bexley"]


GRIP_INSPECTION = {
    "la_code": "303",
    "framework": "ilacs-2023",
    "fieldwork_start": dt.date(2026, 3, 2),
    "fieldwork_end": dt.date(2026, 3, 13),
    "published": dt.date(2026, 4, 24),
    "judgements": {
        "overall": "good",
        "help-protection": "good",
        "children-in-care": "good",
        "care-leavers": "requires-improvement",
        "leaders": "good",
    },
}


def test_record_outcome_adds_an_inspection_run_in_grip_once(engine: Engine) -> None:
    report_id = record_outcome(engine, **GRIP_INSPECTION)  # type: ignore[arg-type]
    assert record_outcome(engine, **GRIP_INSPECTION) == report_id  # type: ignore[arg-type]
    (row,) = history(engine, "303")
    assert row.origin == "grip" and row.judgements == GRIP_INSPECTION["judgements"]
    changed = {**GRIP_INSPECTION, "judgements": {"overall": "inadequate"}}
    with pytest.raises(OutcomeError, match="conflicts"):
        record_outcome(engine, **changed)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"la_code": "999"}, "'999' is not a DfE LA code"),
        ({"framework": "ilacs-2099"}, "no framework 'ilacs-2099'"),
        ({"judgements": {"adoption": "good"}}, "judgement 'adoption' is not one of ilacs-2023's"),
        ({"judgements": {"overall": "adequate"}}, "grade 'adequate' for overall"),
        ({"published": dt.date(2026, 3, 1)}, "dates out of order"),
    ],
)
def test_record_outcome_refuses_bad_values_and_stores_nothing(
    engine: Engine, change: dict[str, object], words: str
) -> None:
    with pytest.raises(OutcomeError, match=words):
        record_outcome(engine, **{**GRIP_INSPECTION, **change})  # type: ignore[arg-type]
    assert _counts(engine) == (0, 0, 0)


def test_cli_import_list_show(
    engine: Engine, three: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    result = runner.invoke(main, ["outcomes", "import", str(three)])
    assert result.exit_code == 0 and "3 added, 0 unchanged, 0 error" in result.output
    result = runner.invoke(main, ["outcomes", "list", "--region", "London", "--json"])
    assert [r["local_authority"] for r in json.loads(result.output)] == ["Bexley", "Havering"]
    result = runner.invoke(main, ["outcomes", "list", "--region", "Atlantis"])
    assert result.exit_code == 2 and "the regions are" in result.output
    result = runner.invoke(main, ["outcomes", "show", "Havering"])
    assert "lscb: requires-improvement (page 38)" in result.output
    result = runner.invoke(main, ["outcomes", "show", "Narnia"])
    assert result.exit_code == 1 and "neither a DfE LA code" in result.output
