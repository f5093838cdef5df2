"""Host allow-list, forwarded headers only from trusted proxies, and an Origin check on scheme,
host and port (penetration test, December 2026: the Origin check compared only host and port,
any Host was answered, and X-Forwarded-For was believed from anyone)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from accounts import make_user, sign_in
from grip.access.models import AuditEvent
from grip.settings import Settings
from grip.store.db import transaction
from grip.web.app import create_app


def _client(settings: Settings, base_url: str = "http://127.0.0.1", **kw: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=kw)), base_url=base_url)


def test_a_host_not_on_the_allow_list_is_refused(settings: Settings) -> None:
    c = _client(settings, "http://grip.example.gov.uk")
    assert c.get("/healthz").status_code == 400
    assert "Unknown host" in c.get("/sign-in").text
    ok = _client(settings, "http://grip.example.gov.uk", allowed_hosts=("grip.example.gov.uk",))
    assert ok.get("/healthz").status_code == 200
    # The defaults suit a local instance.
    assert _client(settings, "http://localhost:8000").get("/healthz").status_code == 200
    assert Settings().allowed_hosts == ("127.0.0.1", "localhost", "testserver")


def test_allowed_hosts_and_trusted_proxies_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIP_ALLOWED_HOSTS", "grip.example.gov.uk, Localhost")
    monkeypatch.setenv("GRIP_TRUSTED_PROXIES", "10.0.0.0/8,192.168.1.5")
    s = Settings()
    assert s.allowed_hosts == ("grip.example.gov.uk", "localhost")
    assert s.trusted_proxies == ("10.0.0.0/8", "192.168.1.5")
    monkeypatch.setenv("GRIP_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings()


@pytest.mark.parametrize(
    "origin",
    [
        "https://127.0.0.1",  # another scheme
        "http://127.0.0.1:8080",  # another port
        "http://127.0.0.1.evil.example",  # another host
        "http://127.0.0.1:80@evil.example",
        "null",
    ],
)
def test_an_origin_differing_in_scheme_host_or_port_is_refused(
    settings: Settings, engine: Engine, origin: str
) -> None:
    c = _client(settings)
    user = sign_in(c, engine, make_user(engine, "social_worker", "LA1"))
    r = c.post("/sign-out", data={"csrf_token": user.csrf_token}, headers={"origin": origin})
    assert r.status_code == 403 and "Cross-origin" in r.text


def test_the_same_origin_with_its_default_port_is_accepted(
    settings: Settings, engine: Engine
) -> None:
    c = _client(settings)
    user = sign_in(c, engine, make_user(engine, "social_worker", "LA1"))
    r = c.post(
        "/sign-out",
        data={"csrf_token": user.csrf_token},
        headers={"origin": "http://127.0.0.1:80"},
        follow_redirects=False,
    )
    assert r.status_code == 303


def _sign_in_ip(settings: Settings, engine: Engine, headers: dict[str, str], **kw: Any) -> str:
    """The address the audit trail records for a sign-in sent with ``headers``."""
    app = create_app(settings.model_copy(update=kw))
    user = make_user(engine, "social_worker", "LA1")
    with TestClient(app, base_url="http://127.0.0.1", headers=headers) as c:
        sign_in(c, engine, user)
    with transaction(engine) as db:
        ip = db.scalars(
            select(AuditEvent.source_ip)
            .where(AuditEvent.username == user.username)
            .order_by(AuditEvent.id.desc())
        ).first()
    return str(ip)


def test_forwarded_headers_are_believed_only_from_trusted_proxies(
    settings: Settings, engine: Engine
) -> None:
    spoof = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}
    # TestClient connects from "testclient": not a trusted proxy, so the header is ignored.
    assert _sign_in_ip(settings, engine, spoof) == "testclient"


def test_a_trusted_proxy_gives_the_client_address_scheme_and_host(settings: Settings) -> None:
    import ipaddress

    from grip.web.middleware import apply_forwarded

    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    scope: dict[str, Any] = {
        "client": ("10.1.2.3", 5000),
        "scheme": "http",
        "headers": [
            (b"host", b"internal:8000"),
            (b"x-forwarded-for", b"198.51.100.7, 203.0.113.9, 10.9.9.9"),
            (b"x-forwarded-proto", b"https"),
            (b"x-forwarded-host", b"grip.example.gov.uk"),
        ],
    }
    apply_forwarded(scope, proxies)
    # The right-most address that is not a trusted proxy: the left ones could be forged.
    assert scope["client"] == ("203.0.113.9", 0)
    assert scope["scheme"] == "https"
    assert (b"host", b"grip.example.gov.uk") in scope["headers"]
    untrusted = {**scope, "client": ("198.51.100.1", 5000), "scheme": "http"}
    untrusted["headers"] = [(b"host", b"a"), (b"x-forwarded-for", b"1.2.3.4")]
    apply_forwarded(untrusted, proxies)
    assert untrusted["client"] == ("198.51.100.1", 5000) and untrusted["scheme"] == "http"
