"""Counting SQL statements, for the query guard test (tests/test_query_guard.py)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


@contextmanager
def count_queries(engine: Engine):
    """Count every statement sent to `engine` inside the block."""
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter._on_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter._on_execute)
