"""Every route declares its permission, and every declared permission exists."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import Mount

from grip.access.roles import UnknownPermission, policy
from grip.settings import Settings
from grip.web.app import create_app, iter_routes
from grip.web.security import PERMISSION_ATTR, PUBLIC_PATHS, requires

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
        else:
            policy().roles_for(next(iter(perms)))  # raises for an unknown permission
    assert missing == []


def test_unknown_permission_fails_at_declaration() -> None:
    with pytest.raises(UnknownPermission, match="casedata:raed"):
        requires("casedata:raed")


def test_a_route_without_declaration_is_caught(settings: Settings) -> None:
    app = create_app(settings)
    rogue = APIRouter()

    @rogue.get("/rogue")
    def rogue_route() -> dict[str, str]:
        return {}

    app.include_router(rogue)
    app.state.routers.append(rogue)
    undeclared = [
        r.path for r in iter_routes(app) if isinstance(r, APIRoute) and len(_declared(r)) != 1
    ]
    assert undeclared == ["/rogue"]
