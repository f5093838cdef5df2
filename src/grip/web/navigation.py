"""The service navigation, built from the signed-in role's permissions.

The areas are data (``navigation.yaml``: label, href, permission); a role sees the areas whose
permission it holds, so each role sees exactly the parts of Grip it can use. The layout calls
:func:`nav_items` for every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from grip.access.principal import Principal
from grip.access.roles import policy

SOURCE = "navigation.yaml"


@dataclass(frozen=True)
class Area:
    """One entry of the service navigation."""

    label: str
    href: str
    permission: str
    hint: str = ""


@cache
def areas() -> tuple[Area, ...]:
    """Every area, in the order shown; unknown permissions fail at load."""
    text = resources.files("grip.web").joinpath(SOURCE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    found = tuple(Area(**entry) for entry in raw["areas"])
    for area in found:
        policy().roles_for(area.permission)
        if not area.href.startswith("/"):
            raise ValueError(f"{SOURCE}: {area.label}: href must start with '/'")
    return found


def areas_for(principal: Principal | None) -> list[Area]:
    """The areas ``principal`` may use (none before sign-in)."""
    if principal is None:
        return []
    return [a for a in areas() if principal.can(a.permission)]


def current_area(path: str, shown: list[Area]) -> Area | None:
    """The area a page belongs to: the one whose href is the longest prefix of ``path``."""
    matches = [
        a for a in shown if path == a.href or (a.href != "/" and path.startswith(a.href + "/"))
    ]
    return max(matches, key=lambda a: len(a.href), default=None)


def nav_items(principal: Principal | None, path: str) -> list[dict[str, Any]]:
    """The ``navigation`` argument of GOV.UK's service navigation for this page."""
    shown = areas_for(principal)
    active = current_area(path, shown)
    return [
        {"href": a.href, "text": a.label, "active": a is active, "current": a.href == path}
        for a in shown
    ]


HOME = "/"
_NOT_AFTER_SIGN_IN = ("/sign-in", "/sign-out")


def return_path(value: str | None) -> str | None:
    """The page to return to after sign-in, if ``value`` is a path on this site; ``None`` for
    anything else (another site, ``//host``, back-slashes, control characters), so sign-in can
    never send someone elsewhere."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or not value.isprintable():
        return None
    if value.split("?", 1)[0].startswith(_NOT_AFTER_SIGN_IN):
        return None
    return value


def landing(requested: str | None) -> str:
    """Where a newly signed-in user goes: the page they asked for, or their home page."""
    return return_path(requested) or HOME
