"""Where the real published reports are kept (never in the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The reports are never copied into the repository: tests read them from ../shared/data beside
# the checkout (CI lays a copy of shared/ there), or from GRIP_OFSTED_REPORTS.
REPO = Path(__file__).resolve().parents[2]
DEFAULT_REPORTS = REPO.parent / "shared" / "data" / "ofsted-reports"


def reports_dir() -> Path:
    """The folder of published Ofsted reports; fails the test with where it was expected."""
    folder = Path(os.environ.get("GRIP_OFSTED_REPORTS", DEFAULT_REPORTS))
    if not folder.is_dir() or not any(folder.glob("*.pdf")):
        pytest.fail(
            f"the published Ofsted reports are expected in {folder} (shared/data/ofsted-reports "
            "beside the repository, or set GRIP_OFSTED_REPORTS); they are not there",
            pytrace=False,
        )
    return folder
