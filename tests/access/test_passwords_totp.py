"""Password policy, Argon2id hashing and TOTP single use."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grip.access import passwords, totp


def test_length_rules_no_composition() -> None:
    with pytest.raises(passwords.WeakPassword, match="at least 15"):
        passwords.check_policy("too short pw")
    passwords.check_policy("lowercase only words here")  # no composition rules
    passwords.check_policy("x" * 14 + "y")  # exactly 15, not a pure repetition
    passwords.check_policy("ab" * 31 + "cde")  # 65 characters accepted
    passwords.check_policy("q" + "w" * 126 + "e")  # 128 accepted
    with pytest.raises(passwords.WeakPassword, match="128"):
        passwords.check_policy("a" + "b" * 128)


def test_fourteen_characters_refused() -> None:
    with pytest.raises(passwords.WeakPassword):
        passwords.check_policy("fourteen chars")
    assert len("fourteen chars") == 14


@pytest.mark.parametrize(
    "pw",
    [
        "passwordpassword",
        "Password1234567890",
        "correct horse battery staple",
        "QWERTYUIOPASDFGHJKL",
        "aaaaaaaaaaaaaaaaaaaa",
        "abcabcabcabcabcabc",
    ],
)
def test_common_and_repeated_refused(pw: str) -> None:
    with pytest.raises(passwords.WeakPassword):
        passwords.check_policy(pw)


def test_username_in_password_refused() -> None:
    with pytest.raises(passwords.WeakPassword, match="username"):
        passwords.check_policy("jsmith likes long walks", username="jsmith")


def test_argon2id_hash_and_verify() -> None:
    h = passwords.hash_password("a long enough passphrase")
    assert h.startswith("$argon2id$")
    assert passwords.verify_password(h, "a long enough passphrase")
    assert not passwords.verify_password(h, "a long enough passphrasE")
    assert not passwords.verify_password(None, "a long enough passphrase")
    assert not passwords.verify_password("not a hash", "anything")


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=15, max_size=128).filter(lambda s: len(set(s.lower())) > 3))
def test_any_long_varied_text_is_policy_checked_without_crashing(pw: str) -> None:
    try:
        passwords.check_policy(pw)
    except passwords.WeakPassword as exc:
        assert pw not in str(exc)  # never echoes the password


T0 = dt.datetime(2026, 11, 22, 10, 0, 0, tzinfo=dt.UTC)


def test_totp_code_works_once_within_its_step() -> None:
    secret = totp.new_secret()
    code = totp.code_at(secret, T0)
    step = totp.verify(secret, code, T0 + dt.timedelta(seconds=5), None)
    assert step == totp.step_at(secret, T0)
    # Reuse in the same step: refused.
    assert totp.verify(secret, code, T0 + dt.timedelta(seconds=10), step) is None
    # The same code in the next step: refused (only the current step is accepted).
    assert totp.verify(secret, code, T0 + dt.timedelta(seconds=31), None) is None
    # The next step's code after the last accepted step: accepted.
    later = T0 + dt.timedelta(seconds=30)
    assert totp.verify(secret, totp.code_at(secret, later), later, step) == step + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_refused(code: str) -> None:
    assert totp.verify(totp.new_secret(), code, T0, None) is None
