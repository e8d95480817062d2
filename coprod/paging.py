"""Long lists in pages: a page shows a fixed number of things, so it costs what it shows, not what
the board holds (issue 15). `?page=N` in the address; a page past the end shows the last one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from flask import request
from sqlalchemy import Select

from coprod.extensions import db

T = TypeVar("T")
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The page asked for in the address (1 if it is not a sensible number); `name` for a page with
    several lists, each with its own pages."""
    value = request.args.get(name, "1")
    return max(1, min(int(value), MAX_PAGE)) if value.isascii() and value.isdigit() and len(value) < 7 else 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    pages: int
    total: int
    first: int  # the position of the first thing shown, from 1 (0 when there is nothing)

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def _where(total: int, per_page: int, number: int | None) -> tuple[int, int, int]:
    """The page's number (past the end: the last page), how many pages, and the offset of its first thing."""
    pages = max(1, -(-total // per_page))
    number = min(number if number is not None else page_number(), pages)
    return number, pages, (number - 1) * per_page


def page_from(statement: Select, total: int, per_page: int, number: int | None = None) -> Page:
    """One page read from the database: `statement` (ordered, for a stable order) with LIMIT and
    OFFSET, `total` being how many rows it has in all (counted by the caller, often with other numbers).
    A statement selecting one entity gives its objects; one selecting several columns gives rows."""
    number, pages, start = _where(total, per_page, number)
    if not total:
        return Page([], number, pages, 0, 0)
    result = db.session.execute(statement.limit(per_page).offset(start))
    items = list(result.scalars() if len(statement.column_descriptions) == 1 else result.all())
    return Page(items, number, pages, total, start + 1 if items else 0)
