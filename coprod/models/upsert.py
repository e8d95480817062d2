"""INSERT ... ON CONFLICT, for whichever database is in use: the one place that knows SQLite and
PostgreSQL spell it alike but in different modules.

A double tap, two tabs or two workers at once can never make a second row or a server error: the
table's unique key decides, in the statement itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert(dialect: str, table: Table) -> Any:
    """An INSERT into `table` that can say ON CONFLICT, for this dialect ("sqlite" or "postgresql")."""
    try:
        return _INSERTS[dialect](table)
    except KeyError:
        raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}") from None


def on_conflict(statement: Any, keys: Iterable[str], update: Iterable[str] = ()) -> Any:
    """ON CONFLICT (keys): set each column in `update` to the new row's value, or, with nothing to
    update, DO NOTHING (the row that is there stays as it is)."""
    update = tuple(update)
    if not update:
        return statement.on_conflict_do_nothing(index_elements=list(keys))
    return statement.on_conflict_do_update(index_elements=list(keys),
                                           set_={column: statement.excluded[column] for column in update})


@functools.cache
def upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], update: tuple[str, ...] = ()) -> Any:
    """Built once per (dialect, table, keys, update) and run with new values as parameters."""
    return on_conflict(insert(dialect, table), keys, update)


def upsert(session: Session, model: Any, values: dict[str, Any], *, keys: Iterable[str],
           update: Iterable[str] = (), returning: Any = None) -> Any:
    """Insert `values` as a row of `model` (a mapped class or a Table); if its unique `keys` already
    exist, update the `update` columns instead (none: leave the row as it is). With `returning`
    (a column), the value from the row inserted or updated, or None when nothing was written."""
    table = getattr(model, "__table__", model)
    statement = upsert_statement(session.get_bind().dialect.name, table, tuple(keys), tuple(update))
    if returning is not None:
        return session.scalar(statement.returning(returning), values)
    return session.execute(statement, values)
