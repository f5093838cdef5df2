"""The OpenAPI description of the JSON API, for signed-in clients only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi

from grip.web.security import requires

router = APIRouter()


@router.get("/api/openapi.json", dependencies=[requires("api:schema")], include_in_schema=False)
def openapi(request: Request) -> dict[str, Any]:
    """The app's OpenAPI document."""
    app = request.app
    if app.openapi_schema is None:
        app.openapi_schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    schema: dict[str, Any] = app.openapi_schema
    return schema
