"""``grip selfeval``: draft, refresh, export and readiness from the command line."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from grip.access.models import User
from grip.cli import main

from .conftest import LAWorld

pytestmark = pytest.mark.slow


def test_draft_refresh_export_and_bad_input(
    la: LAWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRIP_DATABASE_URL", la.engine.url.render_as_string(hide_password=False))
    with la.engine.connect() as conn:
        dcs = conn.scalar(select(User.username).where(User.id == la.dcs.user_id))
    runner = CliRunner()
    base = ["selfeval", "draft", "--la", "LA1", "--year", "2026", "--user", str(dcs)]
    first = runner.invoke(main, [*base, "--on", "2026-06-30"])
    assert first.exit_code == 0, first.output
    assert "drafted; evidence at 2026-06-30, version 1" in first.output
    again = runner.invoke(main, [*base, "--on", "2026-09-30", "--refresh"])
    assert again.exit_code == 0 and "opened; evidence at 2026-09-30, version 2" in again.output
    future = runner.invoke(main, [*base, "--on", "2030-01-01", "--refresh"])
    assert future.exit_code != 0 and "after today (2026-10-15)" in future.output
    nobody = runner.invoke(main, [*base[:-1], "nobody", "--on", "2026-06-30"])
    assert nobody.exit_code != 0 and "--user 'nobody'" in nobody.output
    out = runner.invoke(
        main, ["selfeval", "export", "--la", "LA1", "--year", "2026", "--out", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    written = docx.Document(str(tmp_path / "self-evaluation-LA1-2026.docx"))
    assert written.core_properties.title.endswith("self-evaluation of social work practice 2026")
    assert (tmp_path / "self-evaluation-LA1-2026.pdf").read_bytes().startswith(b"%PDF")
    ready = runner.invoke(main, ["selfeval", "readiness", "--la", "LA1", "--on", "2026-10-15"])
    assert ready.exit_code == 0, ready.output
    assert "self-evaluation: 15 days old" in ready.output
    assert "inspections: no inspection history recorded" in ready.output
