"""TOTP second factor (RFC 6238): 30-second steps, six digits, a code works once.

Only the current step is accepted ("within its step"), and a step is accepted at
most once per user: the last accepted step is stored and anything not later is refused.
"""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp

ISSUER = "Grip"


def new_secret() -> str:
    """A new random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def step_at(secret: str, at: dt.datetime) -> int:
    """The TOTP time step that ``at`` falls in."""
    return int(pyotp.TOTP(secret).timecode(at))


def code_at(secret: str, at: dt.datetime) -> str:
    """The code valid at ``at`` (for tests and the demo)."""
    return pyotp.TOTP(secret).at(at)


def verify(secret: str, code: str, at: dt.datetime, last_step: int | None) -> int | None:
    """The step ``code`` is valid for at ``at``, or ``None`` (wrong, expired, or reused)."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    step = int(totp.timecode(at))
    if last_step is not None and step <= last_step:
        return None
    if hmac.compare_digest(totp.generate_otp(step), code):
        return step
    return None
