"""Fixtures for the outcomes register."""

from __future__ import annotations

from pathlib import Path

import pytest

from .reports import reports_dir


@pytest.fixture
def reports() -> Path:
    """The folder of the 45 published Ofsted reports."""
    return reports_dir()
