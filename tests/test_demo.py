"""The demo: a synthetic LA, imported, served, with headline counts on the first page."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import Engine

from grip.casedata.summary import headline_counts
from grip.cli import main
from grip.demo import build_demo
from grip.settings import Settings

AS_OF = date(2026, 11, 20)


def test_build_demo_imports_every_synthetic_row(settings: Settings, engine: Engine) -> None:
    result = build_demo(settings, children=400, seed=7, as_of=AS_OF, la_code="X98")
    assert result.imported.outcome == "loaded"
    assert result.imported.rows_loaded == result.synth.rows
    with engine.connect() as conn:
        counts = headline_counts(conn, "X98", AS_OF)
    assert counts.children == 400
    roles = {c.role for c in result.credentials}
    assert {"dcs", "qa_lead", "auditor", "inspector"} <= roles
    assert all(len(c.password) >= 15 for c in result.credentials)
    # a year of audits in every state of the lifecycle
    assert result.audits.audits > 0
    lifecycle = yaml.safe_load((files("grip.audits") / "lifecycle.yaml").read_text())
    assert set(result.audits.by_state) == set(lifecycle["states"])


@pytest.mark.browser
def test_demo_first_page_shows_headline_counts(
    settings: Settings, engine: Engine, live_server: str, page: Any, browser_sign_in: Any
) -> None:
    today = date.today()
    build_demo(settings, children=150, seed=3, as_of=today, la_code="X97")
    with engine.connect() as conn:
        expected = headline_counts(conn, "X97", today)
    assert expected.children == 150 and expected.looked_after > 0
    browser_sign_in(page, live_server, "dcs", la="X97")
    response = page.goto(f"{live_server}/")
    assert response.status == 200
    table = page.locator("#headline-counts")
    for key, value in [
        ("children", expected.children),
        ("open-cin", expected.open_cin_episodes),
        ("cp", expected.cp_plans),
        ("cla", expected.looked_after),
        ("care-leavers", expected.care_leavers),
    ]:
        cell = table.locator(f"tr[data-measure='{key}'] td")
        assert cell.inner_text().replace(",", "") == str(value)


def test_demo_code_refuses_a_bad_secret() -> None:
    result = CliRunner().invoke(main, ["demo-code", "short"])
    assert result.exit_code == 2
    assert "not a TOTP secret" in result.output


def test_demo_says_how_the_command_line_reaches_its_database(tmp_path: Any) -> None:
    """The demo keeps its own database file; it prints the setting that points the command
    line at it, and with that setting ``grip users list`` lists the demo's accounts."""
    env = {"GRIP_DATA_DIR": str(tmp_path)}
    args = ["demo", "--children", "40", "--as-of", "2026-11-20", "--no-serve"]
    built = CliRunner().invoke(main, args, env=env)
    assert built.exit_code == 0, built.output
    line = next(x for x in built.output.splitlines() if "export GRIP_DATABASE_URL=" in x)
    url = line.split("=", 1)[1]
    listed = CliRunner().invoke(main, ["users", "list"], env={**env, "GRIP_DATABASE_URL": url})
    assert listed.exit_code == 0, listed.output
    assert "demo" in listed.output
