"""``grip inspections``: the timeline without a database, the pathway and the list."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As
from grip.cli import main
from grip.inspections.pathway import PastActivity, record_history


def _run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["inspections", *args], env=env)


def test_timeline_json_needs_no_database() -> None:
    """The issue's shape: ``milestones`` of ``{id, title, date, time, paragraph}``."""
    result = _run("timeline", "--type", "standard", "--fieldwork-start", "2026-03-02", "--json",
                  env={"GRIP_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    by_id = {m["id"]: m for m in out["milestones"]}
    assert by_id["notification"] == {
        "id": "notification",
        "title": "Notification call to the DCS; Annex A requested",
        "date": "2026-02-23",
        "time": "9.30am",
        "paragraph": "73, 242 and footnote 18",
    }
    assert by_id["fieldwork_end"]["date"] == "2026-03-13"
    assert by_id["publication"]["date"] == "2026-04-15"


def test_timeline_text() -> None:
    result = _run("timeline", "--type", "focused-visit", "--fieldwork-start", "2026-03-03")
    assert result.exit_code == 0, result.output
    assert "Tue 24 Feb 2026 (9.30am)" not in result.output  # focused visits give no time
    assert "Tue 03 Mar 2026" in result.output and "[para 103]" in result.output


def test_a_forbidden_date_exits_non_zero_with_the_paragraph() -> None:
    """Para 14: no standard inspection in August."""
    result = _run("timeline", "--type", "standard", "--fieldwork-start", "2026-08-03")
    assert result.exit_code == 1
    assert "August" in result.output and "para 14" in result.output


def test_bad_input_is_named() -> None:
    result = _run("timeline", "--type", "thematic", "--fieldwork-start", "2026-03-02")
    assert result.exit_code == 2 and "'thematic' is not one of" in result.output
    result = _run("timeline", "--type", "short", "--fieldwork-start", "2/3/2026")
    assert result.exit_code == 2 and "expected a date as YYYY-MM-DD" in result.output


def test_plan_from_the_history(
    engine: Engine, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    qa = make_user("qa_lead", "LA1")
    with scoped(engine, Scope("LA1", qa.id, qa.role)) as db:
        record_history(db, "LA1", PastActivity("standard", _d(2024, 3, 15), overall="good"),
                       As(qa.id, qa.role))  # fmt: skip
    monkeypatch.setenv("GRIP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    from grip.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    result = _run("plan", "--la", "LA1", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["pathway"] == 1
    assert out["next"]["what"] == "The next short inspection"
    assert (out["next"]["earliest"], out["next"]["latest"]) == ("2026-09-15", "2027-09-15")
    text = _run("plan", "--la", "LA1").output
    assert "Pathway 1: good or outstanding (para 17-18)" in text


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def test_list_json(engine: Engine, make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from grip.inspections import NewInspection, create_inspection

    qa = make_user("qa_lead", "LA1")
    with scoped(engine, Scope("LA1", qa.id, qa.role)) as db:
        spec = NewInspection("focused-visit", "mock", topic="Care leavers",
                             fieldwork_start=dt.date(2026, 3, 3))  # fmt: skip
        iid = create_inspection(db, "LA1", spec, As(qa.id, qa.role)).id
    monkeypatch.setenv("GRIP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    from grip.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    out = json.loads(_run("list", "--la", "LA1", "--json").output)
    expected = {
        "id": iid,
        "type": "focused-visit",
        "kind": "mock",
        "framework": "ilacs-2017",
        "state": "planned",
        "title": "Focused visit",
        "fieldwork_start": "2026-03-03",
    }
    assert out == [expected]
