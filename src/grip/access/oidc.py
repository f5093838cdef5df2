"""Sign-in through an LA's own identity provider over OpenID Connect (issue 4 §2).

Configured per LA in ``<data_dir>/oidc.yaml`` (see docs/access.md). Without that file no LA
offers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grip.settings import Settings


@dataclass(frozen=True)
class OidcAuthority:
    """One LA's identity provider."""

    code: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    jwks: dict[str, Any] | None = None


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
        missing = [k for k in ("name", "issuer", "client_id", "client_secret") if k not in spec]
        if missing:
            raise ValueError(f"{path}: authorities.{code}: missing {', '.join(missing)}")
        out[str(code)] = OidcAuthority(
            code=str(code),
            name=str(spec["name"]),
            issuer=str(spec["issuer"]).rstrip("/"),
            client_id=str(spec["client_id"]),
            client_secret=str(spec["client_secret"]),
            jwks=spec.get("jwks"),
        )
    return out


def configured_authorities(settings: Settings) -> list[OidcAuthority]:
    """The LAs that offer OIDC sign-in, by name."""
    return sorted(load_config(settings).values(), key=lambda a: a.name)
