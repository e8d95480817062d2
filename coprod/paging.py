"""Long lists in pages: a page shows a fixed number of things, so it costs what it shows, not what
the board holds (issue 15). `?page=N` in the address; a page past the end shows the last one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from flask import request

T = TypeVar("T")
MAX_PAGE = 100_000


def page_number() -> int:
    """The page asked for in the address (1 if it is not a sensible number)."""
    value = request.args.get("page", "1")
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


def page_of(things: Sequence[T], per_page: int, number: int | None = None) -> Page[T]:
    """One page of a list already in memory (the list is not copied beyond the page)."""
    total = len(things)
    pages = max(1, -(-total // per_page))
    number = min(number if number is not None else page_number(), pages)
    start = (number - 1) * per_page
    return Page(things[start:start + per_page], number, pages, total, start + 1 if total else 0)
