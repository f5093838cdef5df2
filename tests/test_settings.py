"""Every setting is documented, and settings come from GRIP_-prefixed variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grip.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `GRIP_([A-Z0-9_]+)`", DOC.read_text(), re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "settings without a row in docs/settings.md"
    assert documented - fields == set(), "docs/settings.md lists settings that do not exist"


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRIP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRIP_CP_VISIT_WORKING_DAYS", "15")
    s = Settings()
    assert s.cp_visit_working_days == 15
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'grip.sqlite3').resolve()}"


def test_database_url_overrides_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIP_DATABASE_URL", "postgresql://grip@db/grip")
    assert Settings().resolved_database_url == "postgresql://grip@db/grip"


def test_invalid_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIP_CP_VISIT_WORKING_DAYS", "0")
    with pytest.raises(ValueError, match="cp_visit_working_days"):
        Settings()


def test_a_copy_with_another_database_url_uses_it(tmp_path: Path) -> None:
    # Tests run the app as another database login by copying the settings.
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url.startswith("sqlite:///")
    copy = s.model_copy(update={"database_url": "postgresql://grip_web@db/grip"})
    assert copy.resolved_database_url == "postgresql://grip_web@db/grip"


#: The shells: the only modules that may build or read ``Settings``.
SHELLS = (
    "grip.web",
    "grip.cli",
    "grip.settings",
    "grip.demo",
    "grip.access.sessions",
    "grip.access.oidc",
)


def test_domain_code_never_reads_settings() -> None:
    """Domain functions take what they need as arguments; only the shells build Settings."""
    src = Path(__file__).resolve().parents[1] / "src"
    readers = [
        str(p.relative_to(src))
        for p in (src / "grip").rglob("*.py")
        if re.search(
            r"^\s*(from grip\.settings import|import grip\.settings)",
            p.read_text(encoding="utf-8"),
            re.M,
        )
        and not ".".join(p.relative_to(src).with_suffix("").parts).startswith(SHELLS)
    ]
    assert readers == []
