"""OIDC sign-in through an LA's identity provider, against a tiny in-process
provider: discovery, authorization with PKCE/state/nonce, token endpoint and JWKS."""

from __future__ import annotations

import base64
import hashlib
import time
import urllib.parse
from typing import Any

import pytest
import yaml
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import Engine, select

from accounts import make_user
from grip.access import oidc
from grip.access.models import AuditEvent
from grip.settings import Settings
from grip.store.db import transaction

ISSUER = "https://idp.la1.test"


class Provider:
    """A minimal OpenID provider: just enough to run the code flow against Grip."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.codes: dict[str, dict[str, str]] = {}
        self.claims_override: dict[str, Any] = {}
        self.sign_with: RSAKey | None = None

    def authorize(self, url: str, username: str) -> tuple[str, str]:
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert q["code_challenge_method"] == "S256" and q["response_type"] == "code"
        code = f"code-{len(self.codes)}"
        self.codes[code] = {**q, "username": username}
        return code, q["state"]

    def transport(self, method: str, url: str, form: dict[str, str] | None) -> dict[str, Any]:
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
            }
        if url == f"{ISSUER}/jwks":
            return KeySet([self.key]).as_dict(private=False)
        if url == f"{ISSUER}/token" and method == "POST" and form is not None:
            grant = self.codes.pop(form["code"])  # a code works once
            digest = hashlib.sha256(form["code_verifier"].encode()).digest()
            assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == grant["code_challenge"]
            assert form["client_secret"] == "s3cret" and form["client_id"] == "grip"
            assert form["redirect_uri"] == grant["redirect_uri"]
            now = int(time.time())
            claims = {
                "iss": ISSUER,
                "aud": "grip",
                "sub": "abc",
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "preferred_username": grant["username"],
                **self.claims_override,
            }
            key = self.sign_with or self.key
            token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
            return {"access_token": "at", "token_type": "Bearer", "id_token": token}
        raise AssertionError(f"unexpected request {method} {url}")


@pytest.fixture
def provider(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Provider:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "oidc.yaml").write_text(
        yaml.safe_dump(
            {
                "authorities": {
                    "LA1": {
                        "name": "Test Council",
                        "issuer": ISSUER,
                        "client_id": "grip",
                        "client_secret": "s3cret",
                    }
                }
            }
        )
    )
    p = Provider()
    monkeypatch.setattr(oidc, "transport", p.transport)
    return p


def _sign_in(client: Any, provider: Provider, username: str) -> Any:
    r = client.get("/sign-in/oidc/LA1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"{ISSUER}/authorize?")
    code, state = provider.authorize(r.headers["location"], username)
    return client.get(f"/sign-in/oidc/callback?code={code}&state={state}", follow_redirects=False)


def test_oidc_sign_in(client: Any, engine: Engine, provider: Provider) -> None:
    user = make_user(engine, "qa_lead", "LA1")
    assert "Test Council" in client.get("/sign-in").text
    r = _sign_in(client, provider, user.username)
    assert r.status_code == 303, r.text
    page = client.get("/account")
    assert page.status_code == 200 and 'id="current-la">LA1<' in page.text
    with transaction(engine) as db:
        ok = db.scalars(select(AuditEvent).where(AuditEvent.action == "signin.success")).one()
    assert ok.detail == "oidc" and ok.user_id == user.id


@pytest.mark.parametrize(
    "override",
    [
        {"iss": "https://evil.test"},
        {"aud": "someone-else"},
        {"nonce": "replayed"},
        {"exp": 1_000_000},
        {"iat": 4_000_000_000},
    ],
)
def test_bad_id_tokens_refused(
    client: Any, engine: Engine, provider: Provider, override: dict[str, Any]
) -> None:
    user = make_user(engine, "qa_lead", "LA1")
    provider.claims_override = override
    r = _sign_in(client, provider, user.username)
    assert r.status_code == 400 and "did not work" in r.text
    assert client.get("/account").status_code == 401


def test_token_signed_by_another_key_refused(
    client: Any, engine: Engine, provider: Provider
) -> None:
    user = make_user(engine, "qa_lead", "LA1")
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert _sign_in(client, provider, user.username).status_code == 400
    assert client.get("/account").status_code == 401


def test_state_mismatch_unknown_user_and_other_la(
    client: Any, engine: Engine, provider: Provider
) -> None:
    user = make_user(engine, "qa_lead", "LA1")
    r = client.get("/sign-in/oidc/LA1", follow_redirects=False)
    code, _state = provider.authorize(r.headers["location"], user.username)
    bad = client.get(f"/sign-in/oidc/callback?code={code}&state=forged", follow_redirects=False)
    assert bad.status_code == 400
    assert _sign_in(client, provider, "nobody-here").status_code == 400
    elsewhere = make_user(engine, "qa_lead", "LA2")
    assert _sign_in(client, provider, elsewhere.username).status_code == 400
    assert client.get("/account").status_code == 401
    assert client.get("/sign-in/oidc/LA9", follow_redirects=False).status_code == 404
    # A callback without the pending cookie is refused too.
    client.cookies.clear()
    assert client.get("/sign-in/oidc/callback?code=x&state=y").status_code == 400
