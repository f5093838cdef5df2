"""Web hardening: CSRF refused on every state-changing route enumerated from
the app, cross-site requests refused, security headers, upload cap, generic errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from accounts import make_user, sign_in
from grip.access.roles import policy
from grip.settings import Settings
from grip.web.app import create_app, iter_routes
from grip.web.security import PERMISSION_ATTR, UNSAFE_METHODS, public


def _unsafe_routes(app: Any) -> list[tuple[str, str, str]]:
    out = []
    for route in iter_routes(app):
        if not isinstance(route, APIRoute):
            continue
        perms = [
            getattr(d.call, PERMISSION_ATTR)
            for d in route.dependant.dependencies
            if hasattr(d.call, PERMISSION_ATTR)
        ]
        for method in sorted(route.methods & UNSAFE_METHODS):
            out.append((method, route.path, perms[0]))
    return out


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_csrf_refused_on_every_state_changing_route(client: Any, engine: Any, app: Any) -> None:
    routes = _unsafe_routes(app)
    assert ("POST", "/sign-in", "public") in routes and len(routes) >= 5
    for method, path, perm in routes:
        client.cookies.clear()
        client.headers.pop("X-CSRF-Token", None)
        if perm != "public":
            role = sorted(policy().roles_for(perm))[0]
            sign_in(client, engine, make_user(engine, role))
            client.headers.pop("X-CSRF-Token", None)
        else:
            client.get("/sign-in")  # the anonymous CSRF cookie exists; the form field does not
        r = client.request(method, _fill(path), data={"x": "1"}, follow_redirects=False)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        # A wrong token is refused the same way.
        r = client.request(
            method, _fill(path), data={"csrf_token": "forged"}, follow_redirects=False
        )
        assert r.status_code == 403, (method, path, r.status_code)


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "null"},
    ],
)
def test_cross_site_requests_refused_even_with_token(
    client: Any, engine: Any, headers: dict[str, str]
) -> None:
    user = sign_in(client, engine, make_user(engine, "qa_lead"))
    r = client.post(
        "/sign-out", data={"csrf_token": user.csrf_token}, headers=headers, follow_redirects=False
    )
    assert r.status_code == 403
    # Same-origin with the token works.
    r = client.post(
        "/sign-out",
        data={"csrf_token": user.csrf_token},
        headers={"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_security_headers_on_pages(client: Any, engine: Any) -> None:
    sign_in(client, engine, make_user(engine, "qa_lead"))
    for path in ("/sign-in", "/account", "/healthz", "/no-such-page"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
    page = client.get("/account").text
    nonce = re.search(
        r"'nonce-([^']+)'", client.get("/account").headers["content-security-policy"]
    ).group(1)  # type: ignore[union-attr]
    # Every inline script carries the nonce of its own response; no inline handlers.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or "nonce=" in tag
    assert not re.search(r"\son[a-z]+=", page)
    assert nonce


def test_templates_autoescape(app: Any) -> None:
    env = app.state.templates
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        if name.startswith(("auth/", "admin/")):
            assert "|safe" not in env.loader.get_source(env, name)[0].replace(" ", "")


def test_upload_cap_refused_before_reading(settings: Settings) -> None:
    from fastapi.testclient import TestClient

    small = Settings(**{**settings.model_dump(), "max_upload_bytes": 2048})
    app = create_app(small)
    seen: list[int] = []
    probe = APIRouter()

    @probe.post("/sign-in/probe", dependencies=[public()])
    async def probe_route(request: Request) -> dict[str, int]:
        body = await request.body()
        seen.append(len(body))
        return {"n": len(body)}

    app.include_router(probe)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.post(
            "/sign-in",
            content=b"x" * 5000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 413
        # A browser gets the service's own error page, in the layout, saying what the limit is.
        r = c.post(
            "/sign-in",
            content=b"x" * 5000,
            headers={"content-type": "application/x-www-form-urlencoded", "accept": "text/html"},
        )
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        assert "govuk-template" in r.text and "the most Grip accepts is 2,048 bytes" in r.text

        def chunks() -> Any:
            for _ in range(10):
                yield b"y" * 1000

        c.get("/sign-in")
        token = c.cookies.get("grip_csrf")
        r = c.post(
            "/sign-in/probe",
            content=chunks(),
            headers={"content-type": "application/octet-stream", "x-csrf-token": token},
        )
        assert r.status_code == 413 and seen == []


def test_errors_are_generic(settings: Settings) -> None:
    from fastapi.testclient import TestClient

    app = create_app(settings)
    boom = APIRouter()

    @boom.get("/healthz/boom", dependencies=[public()])
    def boom_route() -> None:
        raise RuntimeError("secret internal detail pers_forename=Canary")

    app.include_router(boom)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        r = c.get("/healthz/boom", headers={"accept": "text/html"})
        assert r.status_code == 500
        assert "secret internal detail" not in r.text and "Traceback" not in r.text
        assert "Sorry, there is a problem" in r.text
        assert r.headers["cache-control"] == "no-store"
        r = c.get("/no-such-page", headers={"accept": "text/html"})
        assert r.status_code == 404 and "Page not found" in r.text


def test_access_log_drops_query_strings(app: Any) -> None:
    import logging

    logger = logging.getLogger("uvicorn.access")
    record = logger.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/frameworks/search?q=Canary+Surname", "1.1", 200),
        None,
    )
    for f in logger.filters:
        f.filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /frameworks/search HTTP/1.1" 200'
