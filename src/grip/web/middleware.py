"""Web hardening: security headers, a per-request CSP nonce, Origin and
Sec-Fetch-Site checks on state-changing requests, the upload size cap, and generic error pages.

``install(app)`` is called by the app factory. The CSRF *token* is checked by the route
dependencies in ``grip.web.security`` (they know the session); this layer refuses cross-site
requests before any route runs.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grip.jobs import Busy, user_owner
from grip.web import navigation
from grip.web.security import (
    UNSAFE_METHODS,
    PasswordChangeRequired,
    SignInRequired,
)

log = logging.getLogger(__name__)

# Paths whose responses never hold child data and may be cached (GOV.UK assets, our JS/CSS).
CACHEABLE_PREFIXES = ("/static/", "/assets/")


def content_security_policy(nonce: str) -> str:
    """A strict CSP: only our own scripts and styles; the one inline script GOV.UK Frontend's
    page template needs is allowed by its per-request nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(nonce: str, path: str, hsts: bool) -> dict[str, str]:
    """The headers every response carries."""
    headers = {
        "content-security-policy": content_security_policy(nonce),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        # same-origin, not no-referrer: under no-referrer Chromium posts forms with
        # "Origin: null", which the cross-site check must refuse; same-origin still sends
        # nothing to other sites.
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if hsts:
        headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
    if not path.startswith(CACHEABLE_PREFIXES):
        headers["cache-control"] = "no-store"
    return headers


class BodyTooLarge(Exception):
    """The request body passed the upload cap."""


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}


def _in(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def apply_forwarded(scope: Scope, proxies: tuple[Network, ...]) -> None:
    """Believe X-Forwarded-For, -Proto and -Host only when the connection comes from a trusted
    proxy (``GRIP_TRUSTED_PROXIES``); otherwise the headers are ignored. The client is the
    right-most address of X-Forwarded-For that is not itself a trusted proxy."""
    client = scope.get("client")
    if not client or not _in(client[0], proxies):
        return
    raw = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    chain = [a.strip() for a in raw.get("x-forwarded-for", "").split(",") if a.strip()]
    if chain:
        untrusted = [a for a in chain if not _in(a, proxies)]
        scope["client"] = (untrusted[-1] if untrusted else chain[0], 0)
    proto = raw.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    if proto in DEFAULT_PORTS:
        scope["scheme"] = proto
    host = raw.get("x-forwarded-host", "").split(",")[0].strip()
    if host:
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() != b"host"]
        scope["headers"].append((b"host", host.encode("latin-1")))


def origin_triple(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host name, port) of ``scheme://netloc``, the port defaulted by the scheme;
    ``None`` when it cannot be read."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme.lower(), parts.hostname.lower(), port


class SecurityMiddleware:
    """Pure ASGI middleware: forwarded headers from trusted proxies only, the Host allow-list,
    headers on every response, cross-site refusal, body cap."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        hsts: bool,
        allowed_hosts: Iterable[str] = ("*",),
        trusted_proxies: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.hsts = hsts
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.proxies = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope.get("path", "")
        apply_forwarded(scope, self.proxies)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in raw}
                extra = security_headers(nonce, path, self.hsts)
                for name, value in extra.items():
                    if name == "cache-control" or name not in present:
                        raw = [(k, v) for k, v in raw if k.decode("latin-1").lower() != name]
                        raw.append((name.encode(), value.encode("latin-1")))
                message["headers"] = raw
            await send(message)

        if not self._host_allowed(headers.get("host", "")):
            await _refuse(scope, receive, send_with_headers, 400, UNKNOWN_HOST)
            return
        if scope["method"] in UNSAFE_METHODS:
            refusal = self._cross_site(headers, scope)
            if refusal:
                await _refuse(scope, receive, send_with_headers, 403, refusal)
                return
            declared = headers.get("content-length")
            if declared is not None:
                if not declared.isdigit():
                    await _refuse(scope, receive, send_with_headers, 400, "Bad Content-Length")
                    return
                if int(declared) > self.max_body:
                    await _too_large(scope, receive, send_with_headers, self.max_body)
                    return

        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, capped_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _too_large(scope, receive, send_with_headers, self.max_body)

    def _host_allowed(self, host: str) -> bool:
        """The Host header names one of ``GRIP_ALLOWED_HOSTS`` (the port is not compared)."""
        if "*" in self.allowed_hosts:
            return True
        parsed = origin_triple("http", host)
        return parsed is not None and parsed[1] in self.allowed_hosts

    @staticmethod
    def _cross_site(headers: dict[str, str], scope: Scope) -> str | None:
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return "Cross-site request refused"
        origin = headers.get("origin")
        if origin is not None:
            # Scheme, host and port must all match: http://host for an https service, or
            # the same host on another port, is another origin.
            own = origin_triple(scope.get("scheme", "http"), headers.get("host", ""))
            parts = urlsplit(origin)
            theirs = origin_triple(parts.scheme, parts.netloc) if parts.scheme else None
            if origin == "null" or own is None or theirs != own:
                return "Cross-origin request refused"
        return None


UNKNOWN_HOST = "Unknown host: this service does not answer to that name"


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    """Answer before the app runs with the same error page as everywhere else (the layout's,
    for a browser); plain text only where the app is not there to render it."""
    app = scope.get("app")
    if app is None or not hasattr(app.state, "templates"):
        await PlainTextResponse(message, status_code=status)(scope, receive, send)
        return
    await error_response(Request(scope), status, message)(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    size = f"{limit / 1_048_576:g} MB" if limit >= 1_048_576 else f"{limit:,} bytes"
    message = f"The file is too large: the most Grip accepts is {size}"
    await _refuse(scope, receive, send, 413, message)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
        "/api/"
    )


_MESSAGES = {
    400: "Bad request",
    401: "Sign in required",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "Method not allowed",
    413: "The upload is too large",
    422: "The request could not be understood",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    502: "The sign-in service of your council did not answer",
}


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    """A generic error page (HTML) or JSON body: never a stack trace or internal detail."""
    default = _MESSAGES.get(status, "Error")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    message = detail if detail and status < 500 and detail != phrase else default
    if _wants_html(request):
        env = request.app.state.templates
        html = env.get_template("auth/error.html").render(
            request=request, status=status, message=message, title=message
        )
        return HTMLResponse(html, status_code=status)
    return JSONResponse({"detail": message}, status_code=status)


def busy_response(request: Request, exc: Busy) -> Response:
    """The page for a heavy job over its limit: 429 when it is the user's own limit (with
    links to their running jobs), 503 when the whole service is at its limit; both say what to
    do and when to try again (``Retry-After``)."""
    status = 429 if exc.per_user else 503
    principal = getattr(request.state, "principal", None)
    running = request.app.state.jobs.active_for(user_owner(principal.user_id)) if principal else []
    headers = {"Retry-After": str(exc.retry_after)}
    if not _wants_html(request):
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)
    html = request.app.state.templates.get_template("jobs/busy.html").render(
        request=request,
        title="Too many jobs running",
        message=str(exc),
        running=running,
        status=status,
        principal=principal,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


class DropQueryStrings(logging.Filter):
    """Access-log filter: log the path without its query string (search terms and filters may
    hold child data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def install(app: FastAPI) -> None:
    """Add the security middleware and the exception handlers to ``app``."""
    settings = app.state.settings
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryStrings) for f in access_log.filters):
        access_log.addFilter(DropQueryStrings())
    app.add_middleware(
        SecurityMiddleware,
        max_body=settings.max_upload_bytes,
        hsts=settings.secure_cookies,
        allowed_hosts=settings.allowed_hosts,
        trusted_proxies=settings.trusted_proxies,
    )

    async def sign_in_required(request: Request, _exc: Exception) -> Any:
        if request.method == "GET" and _wants_html(request):
            response = RedirectResponse("/sign-in", status_code=303)
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if navigation.safe_return_path(wanted):
                # Remembered for after sign-in (GOV.UK pattern: return people to what they asked).
                response.set_cookie(
                    navigation.RETURN_COOKIE,
                    wanted,
                    max_age=1800,
                    httponly=True,
                    secure=settings.secure_cookies,
                    samesite="strict",
                )
            return response
        return error_response(request, 401)

    async def password_change(request: Request, _exc: Exception) -> Any:
        if request.method == "GET" and _wants_html(request):
            return RedirectResponse("/account/password", status_code=303)
        return error_response(request, 403, "Change your one-time password first")

    async def http_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        response = error_response(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def validation_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, RequestValidationError)
        # Field names and messages only: the submitted values might hold child data.
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", "")} for e in exc.errors()]
        if _wants_html(request):
            # Which field was wrong and what was expected (pydantic's messages hold no value).
            said = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in errors if e["loc"])
            return error_response(request, 422, f"{_MESSAGES[422]}: {said}" if said else None)
        return JSONResponse({"detail": errors}, status_code=422)

    async def server_error(request: Request, exc: Exception) -> Any:
        log.error(
            "unhandled error on %s %s: %s",
            request.method,
            request.scope.get("route") and request.scope["route"].path,
            type(exc).__name__,
        )
        # Starlette answers unhandled errors outside the user middleware, so this response
        # gets its security headers here.
        response = error_response(request, 500)
        nonce = getattr(request.state, "csp_nonce", "") or secrets.token_urlsafe(18)
        response.headers.update(
            security_headers(nonce, request.url.path, request.app.state.settings.secure_cookies)
        )
        return response

    async def busy(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, Busy)
        return busy_response(request, exc)

    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(PasswordChangeRequired, password_change)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
