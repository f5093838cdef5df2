"""The app answers its health check, in process and in a real browser."""

from __future__ import annotations

from typing import Any

import pytest


def test_health_in_process(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.browser
def test_health_in_browser(live_server: str, page: Any) -> None:
    response = page.goto(f"{live_server}/healthz")
    assert response.status == 200
    assert '"ok"' in page.content()


def test_the_server_puts_its_long_lived_objects_out_of_the_collectors_reach(app: Any) -> None:
    """A full collection then walks only what requests made (docs/performance.md)."""
    import gc

    from fastapi.testclient import TestClient

    gc.unfreeze()
    with TestClient(app, base_url="http://127.0.0.1") as c:  # runs the lifespan
        assert gc.get_freeze_count() > 10_000
        assert c.get("/healthz").status_code == 200
