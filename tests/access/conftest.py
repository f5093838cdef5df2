"""Strict LA scoping for every test here: an unscoped query on an LA-owned table
raises, so a page or helper that forgets the LA fails loudly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grip.access import scope


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)
