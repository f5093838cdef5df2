"""Passwords: Argon2id hashes and a length-only policy (ASVS 5.0 V6.2).

At least 15 characters; anything up to 128 accepted (well over the 64 asked); no composition
rules; a shipped list of common passwords, passwords built from one repeated character or
a repeated short unit, and the username itself are refused.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 15
MAX_LENGTH = 128
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()


class WeakPassword(ValueError):
    """A password the policy refuses; the message says why, never echoing the password."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _is_repetition(password: str) -> bool:
    text = password.lower()
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return False


def check_policy(password: str, username: str = "") -> None:
    """Raise :class:`WeakPassword` when ``password`` breaks the policy."""
    length = len(password)
    if length < MIN_LENGTH:
        raise WeakPassword(f"Password must be at least {MIN_LENGTH} characters")
    if length > MAX_LENGTH:
        raise WeakPassword(f"Password must be {MAX_LENGTH} characters or fewer")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        raise WeakPassword("Password is too common; choose another")
    if _is_repetition(password):
        raise WeakPassword("Password is a repeated pattern; choose another")
    if username and username.lower() in lowered:
        raise WeakPassword("Password must not contain the username")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("grip-dummy-password-for-equal-timing")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``.

    With no hash (unknown user) a dummy hash is checked anyway, so an unknown username takes
    as long as a known one (no user enumeration by timing).
    """
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with older parameters and should be replaced at sign-in."""
    return _hasher.check_needs_rehash(stored_hash)
