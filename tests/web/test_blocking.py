"""No route runs on the event loop (issue 10 §6, "Blocking work").

An ``async def`` route runs on the event loop, so any blocking work in it (a database query,
a file copy, a child process) stalls every other user; one legal upload froze the whole server
for 43 seconds that way. Every route is a plain ``def`` (FastAPI runs those in its threadpool)
and takes its form as ``form: FormBody``. The attack itself, on a real server, is in
``tests/annex_a/test_jobs_web.py``.
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.routing import APIRoute

from grip.web.app import iter_routes


def test_no_route_is_a_coroutine(app: Any) -> None:
    """An ``async def`` route runs on the event loop: any blocking work in it stalls every
    user. Routes are plain ``def`` and take their form as ``form: FormBody``."""
    async_routes = [
        r.path
        for r in iter_routes(app)
        if isinstance(r, APIRoute) and inspect.iscoroutinefunction(r.endpoint)
    ]
    assert async_routes == []
