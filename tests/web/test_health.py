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
