"""Long lists a page at a time: the one way a page splits a list (shown with
``templates/_pagination.html``, the GOV.UK pagination component)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, its number (from 1), how many pages, and where it starts."""

    rows: list[T]
    number: int
    pages: int
    first: int
    total: int

    @property
    def last(self) -> int:
        """The position of the page's last row in the whole list (from 1)."""
        return self.first + len(self.rows) - 1


def page_of(rows: Sequence[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` of ``rows`` (the last page when ``number`` is beyond it)."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    return Page(list(rows[start : start + per_page]), number, pages, start + 1, len(rows))
