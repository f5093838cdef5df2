"""An installed wheel finds GOV.UK Frontend's assets (not only an editable checkout): the build
hook (hatch_build.py) bundles them from node_modules, and grip.settings looks there first."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grip.settings import default_frontend_dir

REPO = Path(__file__).resolve().parents[1]
ASSETS = ("govuk-frontend.min.css", "govuk-frontend.min.js", "assets/images/favicon.svg")


def test_an_editable_checkout_reads_node_modules() -> None:
    assert default_frontend_dir() == REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk"


@pytest.mark.slow
def test_a_wheel_carries_the_assets_and_finds_them(tmp_path: Path) -> None:
    # make test installs node_modules first (npm ci), so the assets are always there to bundle.
    assert (REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk").is_dir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path), str(REPO)], check=True)
    (wheel,) = tmp_path.glob("grip-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ASSETS:
        assert f"grip/web/govuk-frontend/{asset}" in names, asset
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from grip.settings import Settings; print(Settings().frontend_dir)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    ).stdout.strip()
    assert Path(found) == site / "grip" / "web" / "govuk-frontend"
    assert (Path(found) / "govuk-frontend.min.css").is_file()
