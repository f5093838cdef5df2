"""Route permissions, declared on every route.

Every route states the permission it needs with ``dependencies=[requires("capability:action")]``;
``tests/web/test_routes_declared.py`` walks the app and fails on a route without one. The few
public routes (sign-in, health, static files) are listed in ``PUBLIC_PATHS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request

PUBLIC_PATHS: frozenset[str] = frozenset({"/healthz"})
PERMISSION_ATTR = "grip_permission"


def requires(permission: str) -> Any:
    """Dependency declaring (and enforcing) that a route needs ``permission``."""

    def check(request: Request) -> None:
        # Enforcement is filled in by the access capability (grip.access); the declaration is
        # what the route walk checks.
        request.state.permission = permission

    dep: Callable[[Request], None] = check
    setattr(dep, PERMISSION_ATTR, permission)
    return Depends(dep)


def public() -> Any:
    """Dependency declaring that a route is deliberately open (sign-in, health, assets)."""

    def check(request: Request) -> None:
        request.state.permission = "public"

    setattr(check, PERMISSION_ATTR, "public")
    return Depends(check)
