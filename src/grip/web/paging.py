"""Long lists a page at a time: the one way a page splits a list (shown with
``templates/_pagination.html``, the GOV.UK pagination component)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

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


def locate(total: int, number: int, per_page: int) -> tuple[int, int, int]:
    """For a list of ``total`` rows: the page to show (the last when ``number`` is beyond it),
    how many pages, and the offset of its first row."""
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    return number, pages, (number - 1) * per_page


def page_of(rows: Sequence[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` of ``rows`` (the last page when ``number`` is beyond it)."""
    number, pages, start = locate(len(rows), number, per_page)
    return Page(list(rows[start : start + per_page]), number, pages, start + 1, len(rows))


def page_of_query(db: Session, query: Select[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` of what ``query`` selects, counted and read by the database (a long
    list never loads whole)."""
    total = int(db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    number, pages, start = locate(total, number, per_page)
    rows = list(db.scalars(query.offset(start).limit(per_page)))
    return Page(rows, number, pages, start + 1, total)
