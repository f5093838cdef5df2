"""Strict LA scoping for every test here: an unscoped query on an LA-owned table
raises, so an import, summary or synthetic-data query that forgets the LA fails loudly. Test
code that truly counts across LAs says so with ``grip.access.scope.system_job``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grip.access import scope


@pytest.fixture(autouse=True)
def _strict_scoping() -> Iterator[None]:
    scope.set_strict(True)
    yield
    scope.set_strict(False)
