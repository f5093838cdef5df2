"""Hatch build hook: put the GOV.UK Frontend build (from npm, ``make install``) into the wheel.

The assets are never committed; a wheel built where ``node_modules`` holds them carries the
files the pages load (the stylesheet, the script, fonts and images) as ``grip/web/govuk-frontend``,
which ``grip.settings`` finds first. An editable install reads them from ``node_modules``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: The GOV.UK Frontend files the layout loads, relative to its ``dist/govuk`` folder.
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js", "assets")
TARGET = "grip/web/govuk-frontend"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds the built assets to a (non-editable) wheel when they are present."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Force-include each asset present; say so when none are (the wheel still builds)."""
        if version == "editable":
            return
        dist = Path(self.root) / "node_modules" / "govuk-frontend" / "dist" / "govuk"
        present = [name for name in FILES if (dist / name).exists()]
        if not present:
            self.app.display_warning(f"{dist} is missing: the wheel has no GOV.UK assets")
        for name in present:
            build_data["force_include"][str(dist / name)] = f"{TARGET}/{name}"
