"""``grip audits sample`` and ``grip audits agreement``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from grip.cli import main

from .conftest import World, add_child


@pytest.fixture
def env(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("GRIP_DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    from grip.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    return world


def test_sample_json_dry_run_then_store(env: World) -> None:
    for i, team in enumerate(["T1", "T1", "T2", "T3"]):
        add_child(env.engine, f"P{i}", team)
    runner = CliRunner()
    args = ["audits", "sample", "--la", "LA1", "--month", "2026-10", "--seed", "5", "--json"]
    dry = runner.invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    assert data["stored"] is False and data["seed"] == 5
    assert sorted(p["team_id"] for p in data["picks"]) == ["T1", "T2", "T3"]
    assert all(p["reason"] for p in data["picks"])
    stored = runner.invoke(main, args)
    assert stored.exit_code == 0, stored.output
    assert json.loads(stored.output)["picks"] == data["picks"]  # same seed, same sample
    again = runner.invoke(main, args)
    assert again.exit_code != 0 and "already has a sample for 2026-10" in again.output
    bad = runner.invoke(main, ["audits", "sample", "--la", "LA1", "--month", "10/2026"])
    assert bad.exit_code != 0 and "expected YYYY-MM" in bad.output
    inc = runner.invoke(main, [*args, "--dry-run", "--include", "P0"])
    assert inc.exit_code != 0 and "PERSON_ID=REASON" in inc.output


def test_agreement_json_with_no_moderations(env: World) -> None:
    result = CliRunner().invoke(main, ["audits", "agreement", "--la", "LA1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"] == {
        "group": "all",
        "n": 0,
        "small_sample": True,
        "agreed": 0,
        "percent_agreement": None,
        "kappa": None,
    }
    text = CliRunner().invoke(main, ["audits", "agreement", "--la", "LA1"])
    assert "kappa undefined" in text.output


def test_inspection_list_is_the_last_six_months(env: World) -> None:
    """ILACS para 257: child ID, audit theme and completion date of audits in the six months
    before the inspection."""
    import datetime as dt

    from grip.audits import lifecycle as lc

    from .conftest import LA
    from .helpers import to_submitted

    w = env
    for pid, when in (
        ("P1", dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)),
        ("P2", dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)),
    ):
        with w.session() as db, db.begin():
            a = lc.allocate(
                db,
                la_code=LA,
                person_id=pid,
                auditor_id=w["auditor"].user_id,
                actor=w["qa_lead"],
                month=when.strftime("%Y-%m"),
                now=when,
            )
            from grip.access import clock

            clock.freeze(when)
            to_submitted(db, a, w["auditor"])
    result = CliRunner().invoke(
        main, ["audits", "inspection-list", "--la", LA, "--date", "2026-10-05", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"child_id": "P2", "theme": "Single case audit", "completed": "2026-09-01", "grade": "good"}
    ]
