"""Every route declares its permission (issue 4: authorisation by declaration)."""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.routing import Mount

from grip.settings import Settings
from grip.web.app import create_app, iter_routes
from grip.web.security import PERMISSION_ATTR, PUBLIC_PATHS

STATIC_MOUNTS = {"/static", "/assets/govuk"}


def _declared(route: APIRoute) -> set[str]:
    return {
        getattr(dep.call, PERMISSION_ATTR)
        for dep in route.dependant.dependencies
        if hasattr(dep.call, PERMISSION_ATTR)
    }


def test_every_route_declares_a_permission(settings: Settings) -> None:
    app = create_app(settings)
    missing = []
    for route in iter_routes(app):
        if isinstance(route, Mount):
            assert route.path in STATIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        assert isinstance(route, APIRoute), f"unexpected route type {route!r}"
        perms = _declared(route)
        if len(perms) != 1:
            missing.append(route.path)
        elif perms == {"public"}:
            assert route.path in PUBLIC_PATHS, f"{route.path} is public but not allow-listed"
    assert missing == []
