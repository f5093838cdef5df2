"""One typed settings object, read from ``GRIP_``-prefixed environment variables.

Every field is documented in ``docs/settings.md``; ``tests/test_settings.py`` fails when a field
is added without its documentation.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from grip.measures.standards import DefaultVisitStandards

_REPO_ROOT = Path(__file__).resolve().parents[2]
#: Where an installed wheel carries GOV.UK Frontend's assets (hatch_build.py puts them there).
_BUNDLED_FRONTEND = Path(__file__).resolve().parent / "web" / "govuk-frontend"


def default_frontend_dir() -> Path:
    """GOV.UK Frontend's built assets: those bundled in an installed wheel, else the checkout's
    ``node_modules`` (an editable install after ``make install``)."""
    if _BUNDLED_FRONTEND.is_dir():
        return _BUNDLED_FRONTEND
    return _REPO_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"


class Settings(BaseSettings):
    """Grip's configuration. Construct directly in tests; from the environment in production."""

    model_config = SettingsConfigDict(env_prefix="GRIP_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path("grip-data"),
        description="Folder for Grip's own files: the default SQLite database, uploads, exports.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the case store, e.g. postgresql+psycopg://grip@host/grip. "
            "Default: a SQLite file grip.sqlite3 in the data folder."
        ),
    )
    secret_key: str = Field(
        default_factory=lambda: secrets.token_urlsafe(32),
        description=(
            "Key for signing tokens. Set it in production; the default is random per process, "
            "so sessions do not survive a restart."
        ),
        repr=False,
    )
    frontend_dir: Path = Field(
        default_factory=default_frontend_dir,
        description="Folder of the GOV.UK Frontend build installed from npm (make install).",
    )
    cp_visit_working_days: int = Field(
        default=DefaultVisitStandards.cp_visit_working_days,
        ge=1,
        description="LA-local standard: visit a child on a CP plan at least every N working days.",
    )
    cin_visit_working_days: int = Field(
        default=DefaultVisitStandards.cin_visit_working_days,
        ge=1,
        description="LA-local standard: visit a child on a CIN plan at least every N working days.",
    )
    measures_warm_seconds: float = Field(
        default=60,
        gt=0,
        description="How often a running server brings every LA's measures up to date in the "
        "background, so the first dashboard view after an import reads a kept run.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A signed-in session ends after this many idle minutes."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A signed-in session ends this many hours after sign-in."
    )
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        description="Largest upload accepted; larger bodies are refused before reading.",
    )
    heavy_jobs_overall: int = Field(
        default=2,
        ge=1,
        description=(
            "Heavy jobs (Annex A builds, workbook checks) run at once in one Grip process; "
            "more are refused with a page saying to try again shortly."
        ),
    )
    heavy_jobs_per_user: int = Field(
        default=1,
        ge=1,
        description="Heavy jobs one user may have unfinished at once.",
    )
    secure_cookies: bool = Field(
        default=True,
        description=(
            "Send cookies with Secure and the __Host- prefix. Only turn off for plain-HTTP "
            "local development on localhost."
        ),
    )
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("127.0.0.1", "localhost", "testserver"),
        description=(
            "Host names the service answers to, comma-separated (a request for any other Host "
            "is refused); '*' allows any."
        ),
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "Addresses or networks (CIDR) of the reverse proxies in front of Grip, "
            "comma-separated: X-Forwarded-For, -Proto and -Host are believed only from these."
        ),
    )

    @field_validator("allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v.strip().lower() for v in value.split(",") if v.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for v in value:
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted_proxies: {v!r} is not an IP address or network such as 10.0.0.0/8"
                ) from None
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'grip.sqlite3').resolve()}"


def get_settings() -> Settings:
    """Settings from the environment (a new object each call; cheap)."""
    return Settings()
