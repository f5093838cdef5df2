"""Fixtures for the outcomes register."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import pytest

from .reports import reports_dir


@pytest.fixture
def reports() -> Path:
    """The folder of the 45 published Ofsted reports."""
    return reports_dir()


_EXTRACTED: dict[bytes, Any] = {}
_EVIDENCE: dict[tuple[str, tuple[str, ...]], Any] = {}


@pytest.fixture
def quick_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read each real report once per test run: the register's own storing still runs in
    full for every test, but the PDF reading and theme finding (tested in test_extract.py and
    test_themes.py) are remembered by the file's bytes."""
    from grip.outcomes import register

    real_extract, real_evidence = register.extract_file, register.find_evidence

    def extract(path: Path) -> Any:
        key = hashlib.sha256(path.read_bytes()).digest()
        if key not in _EXTRACTED:
            _EXTRACTED[key] = real_extract(path)
        return copy.deepcopy(_EXTRACTED[key])

    def evidence(pages: list[str], framework: str) -> Any:
        key = (framework, tuple(pages))
        if key not in _EVIDENCE:
            _EVIDENCE[key] = real_evidence(pages, framework)
        return _EVIDENCE[key]

    monkeypatch.setattr(register, "extract_file", extract)
    monkeypatch.setattr(register, "find_evidence", evidence)
