"""Health check for load balancers and the demo script."""

from __future__ import annotations

from fastapi import APIRouter

from grip.web.security import public

router = APIRouter()


@router.get("/healthz", dependencies=[public()])
def healthz() -> dict[str, str]:
    """Answer ``ok`` when the app is up."""
    return {"status": "ok"}
