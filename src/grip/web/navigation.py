"""The service navigation: the areas a signed-in person can use, from ``navigation.yaml``.

Built from the role's permissions, so each role sees exactly the areas it can open; the
layout renders it on every page with the GOV.UK service navigation component.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from grip.access.principal import Principal
from grip.access.roles import policy

NAVIGATION_FILE = Path(__file__).with_name("navigation.yaml")


@dataclass(frozen=True)
class Area:
    """One area of the service: its link text, address and the permission that shows it."""

    text: str
    href: str
    permission: str


def parse_areas(raw: Any, source: str, routes: Iterable[str] | None = None) -> tuple[Area, ...]:
    """Validate the navigation data: known permissions, and (given ``routes``) real addresses."""
    if not isinstance(raw, dict) or not isinstance(raw.get("areas"), list):
        raise ValueError(f"{source}: expected a mapping with a list 'areas'")
    known = set(routes) if routes is not None else None
    areas = []
    for i, item in enumerate(raw["areas"]):
        where = f"{source}: areas[{i}]"
        if not isinstance(item, dict) or set(item) != {"text", "href", "permission"}:
            raise ValueError(f"{where}: expected text, href and permission")
        area = Area(str(item["text"]), str(item["href"]), str(item["permission"]))
        if area.permission not in policy().permissions:
            raise ValueError(f"{where}: unknown permission {area.permission!r}")
        if known is not None and area.href not in known:
            raise ValueError(f"{where}: {area.href!r} is not a page of the app")
        areas.append(area)
    return tuple(areas)


@cache
def areas() -> tuple[Area, ...]:
    """The shipped areas (loaded once)."""
    with NAVIGATION_FILE.open(encoding="utf-8") as fh:
        return parse_areas(yaml.safe_load(fh), NAVIGATION_FILE.name)


def check_routes(routes: Iterable[str]) -> None:
    """Fail at start-up if an area's address is not one of ``routes``."""
    with NAVIGATION_FILE.open(encoding="utf-8") as fh:
        parse_areas(yaml.safe_load(fh), NAVIGATION_FILE.name, routes)


def items(principal: Principal | None, path: str) -> list[dict[str, Any]]:
    """The navigation items for ``principal`` on the page at ``path`` (none when signed out).

    An area is active when the page is the area's address or below it; Home only on ``/``.
    """
    if principal is None:
        return []
    shown = [a for a in areas() if principal.can(a.permission)]
    active = _active(shown, path)
    return [
        {"href": a.href, "text": a.text, "active": a is active, "current": a.href == path}
        for a in shown
    ]


def _active(shown: list[Area], path: str) -> Area | None:
    def under(a: Area) -> bool:
        return path == a.href or (a.href != "/" and path.startswith(a.href + "/"))

    matches = [a for a in shown if under(a)]
    return max(matches, key=lambda a: len(a.href), default=None)


RETURN_COOKIE = "grip_return_to"
_MAX_RETURN = 300


def safe_return_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site to return to after sign-in, else ``None``.

    Only a local absolute path: never another site (``//host``, ``/\\host``, a scheme), so the
    cookie cannot be used to send someone elsewhere after they sign in (an open redirect).
    """
    if not value or len(value) > _MAX_RETURN or not value.startswith("/"):
        return None
    if value.startswith(("//", "/\\")) or any(ord(c) < 32 for c in value):
        return None
    if value.startswith(("/sign-in", "/sign-out")):
        return None
    return value
