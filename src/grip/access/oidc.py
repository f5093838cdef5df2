"""Sign-in through an LA's own identity provider over OpenID Connect.

Authorization code flow with PKCE (S256), ``state`` and ``nonce``. The ID token is checked
with the provider's published keys (JWKS): signature, issuer, audience, expiry, issue time
and nonce. The token's ``preferred_username`` (else ``email``) must name an active Grip user
with a role in that LA: accounts are never created from a token, LA admins create them.
The LA's provider is trusted for the second factor (configure MFA there).

Configured per LA in ``<data_dir>/oidc.yaml`` (see docs/access.md). HTTP calls go through
:data:`transport`, which tests replace with an in-process provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from grip.access import clock
from grip.settings import Settings

SCOPES = "openid email profile"
ALGORITHMS = ["RS256", "ES256", "PS256"]
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10


class OidcError(Exception):
    """Sign-in through the identity provider failed; the message is for the log, not the user."""


@dataclass(frozen=True)
class OidcAuthority:
    """One LA's identity provider."""

    code: str
    name: str
    issuer: str
    client_id: str
    client_secret: str


def config_path(settings: Settings) -> Path:
    """Where the OIDC configuration lives."""
    return settings.data_dir / "oidc.yaml"


def load_config(settings: Settings) -> dict[str, OidcAuthority]:
    """The configured providers by LA code; errors name the file and the entry."""
    path = config_path(settings)
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("authorities", {}), dict):
        raise ValueError(f"{path}: expected a mapping 'authorities: {{LA code: settings}}'")
    out: dict[str, OidcAuthority] = {}
    for code, spec in data.get("authorities", {}).items():
        if not isinstance(spec, dict):
            raise ValueError(f"{path}: authorities.{code}: expected a mapping")
        missing = [k for k in ("name", "issuer", "client_id", "client_secret") if k not in spec]
        if missing:
            raise ValueError(f"{path}: authorities.{code}: missing {', '.join(missing)}")
        issuer = str(spec["issuer"]).rstrip("/")
        if not issuer.startswith("https://") and not issuer.startswith("http://127.0.0.1"):
            raise ValueError(f"{path}: authorities.{code}.issuer: expected an https:// URL")
        out[str(code)] = OidcAuthority(
            code=str(code),
            name=str(spec["name"]),
            issuer=issuer,
            client_id=str(spec["client_id"]),
            client_secret=str(spec["client_secret"]),
        )
    return out


def configured_authorities(settings: Settings) -> list[OidcAuthority]:
    """The LAs that offer OIDC sign-in, by name."""
    return sorted(load_config(settings).values(), key=lambda a: a.name)


# --- HTTP ------------------------------------------------------------------------------------


def _urllib_transport(method: str, url: str, form: dict[str, str] | None) -> dict[str, Any]:
    if not url.startswith(("https://", "http://127.0.0.1")):
        raise OidcError(f"refusing non-https URL {url}")
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=data, method=method, headers={"accept": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:  # noqa: S310
        body: dict[str, Any] = json.loads(resp.read(1_000_000))
        return body


#: ``transport(method, url, form) -> JSON``; replaced in tests by an in-process provider.
transport: Callable[[str, str, dict[str, str] | None], dict[str, Any]] = _urllib_transport


def discover(authority: OidcAuthority) -> dict[str, Any]:
    """The provider's metadata; its issuer must be the configured one."""
    meta = transport("GET", f"{authority.issuer}/.well-known/openid-configuration", None)
    if str(meta.get("issuer", "")).rstrip("/") != authority.issuer:
        raise OidcError("discovery document names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(key), str):
            raise OidcError(f"discovery document lacks {key}")
    return meta


# --- The flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """What the browser carries (in a signed cookie) between redirect and callback."""

    la_code: str
    state: str
    nonce: str
    verifier: str


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def start(authority: OidcAuthority, redirect_uri: str) -> tuple[str, Pending]:
    """The URL to send the browser to, and the pending state to keep for the callback."""
    meta = discover(authority)
    pending = Pending(
        la_code=authority.code,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),
    )
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": authority.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": _challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{meta['authorization_endpoint']}?{query}", pending


def finish(
    authority: OidcAuthority, pending: Pending, code: str, state: str, redirect_uri: str
) -> str:
    """Exchange ``code`` and validate the ID token; returns the username it names."""
    if not secrets.compare_digest(state.encode(), pending.state.encode()):
        raise OidcError("state does not match")
    meta = discover(authority)
    tokens = transport(
        "POST",
        meta["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": authority.client_id,
            "client_secret": authority.client_secret,
            "code_verifier": pending.verifier,
        },
    )
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("no id_token in the token response")
    claims = validate_id_token(
        authority, id_token, transport("GET", meta["jwks_uri"], None), pending.nonce
    )
    name = claims.get("preferred_username") or claims.get("email")
    if not isinstance(name, str) or not name:
        raise OidcError("the ID token names no user")
    return name.strip().lower()


def validate_id_token(
    authority: OidcAuthority, id_token: str, jwks: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """The ID token's claims after checking signature, issuer, audience, times and nonce."""
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise OidcError(f"ID token signature: {type(exc).__name__}") from exc
    claims: dict[str, Any] = dict(token.claims)
    now = clock.now().timestamp()
    if str(claims.get("iss", "")).rstrip("/") != authority.issuer:
        raise OidcError("ID token issuer differs")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if authority.client_id not in audiences:
        raise OidcError("ID token audience differs")
    if len(audiences) > 1 and claims.get("azp") != authority.client_id:
        raise OidcError("ID token azp differs")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp + LEEWAY_SECONDS < now:
        raise OidcError("ID token expired")
    if not isinstance(iat, int | float) or iat - LEEWAY_SECONDS > now:
        raise OidcError("ID token issued in the future")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
        claims["nonce"].encode(), nonce.encode()
    ):
        raise OidcError("ID token nonce differs")
    return claims
