"""Side effects that wait for the commit: emails and background jobs.

A service that wants something to happen outside the database (an email, a job) puts it here;
it is sent only after the request's (or command's) transaction commits, and dropped if it
rolls back. So nobody is ever emailed about a change that was not saved, and a worker never
looks for rows that are not there yet.

Jobs that do not depend on the transaction's changes (making a page's missing Listen audio) use
`after_transaction`: they wait for the end of the transaction too, but are sent either way.

In immediate mode (tests) the job runs inside the commit hook, where the session cannot run SQL:
jobs sent through the outbox must open their own app context or not touch the database.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "coprod_outbox"
_GATHERED = "coprod_outbox_gathered"
_ANYWAY = "coprod_outbox_anyway"
log = logging.getLogger(__name__)


def after_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits."""
    from coprod.extensions import db

    _add(db.session(), task, args, kwargs)


def after_transaction(task: Callable[..., Any], *args: Any) -> None:
    """Send `task(*args)` when the current transaction ends, committed or rolled back: for jobs
    that do not depend on its changes (the Listen audio an error page is missing, too)."""
    from coprod.extensions import db

    db.session().info.setdefault(_ANYWAY, []).append((task, args, {}))


def gathered(session: Session, task: Callable[[set], Any]) -> set:
    """One `task(items)` for the whole transaction, sent after it commits: returns the set that
    collects its items (the same set all transaction long). For hooks that see each flush, such as
    audio/publish.py gathering the pages whose audio to make again."""
    sets = session.info.setdefault(_GATHERED, {})
    if task not in sets:
        sets[task] = set()
        _add(session, task, (sets[task],), {})
    return sets[task]


def _add(session: Session, task: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    session.info.setdefault(_KEY, []).append((task, args, kwargs))


def pending(session: Session | None = None) -> list:
    """What waits for the commit (for tests and checks)."""
    from coprod.extensions import db

    return list((session or db.session()).info.get(_KEY, []))


def _send_all(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint, not the commit: wait for the outermost transaction
    session.info.pop(_GATHERED, None)
    _send(session.info.pop(_ANYWAY, []) + session.info.pop(_KEY, []))


def _send(entries: list) -> None:
    for task, args, kwargs in entries:
        try:
            task(*args, **kwargs)
        except Exception as error:  # the change is saved; a queue that is down must not undo it
            # Only the job's name: its arguments can hold addresses and personal words.
            log.error("outbox: could not send %s (%s)", getattr(task, "name", task), type(error).__name__)


def _drop_all(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without a commit (or after one, with nothing left): drop what waits.
    Only the outermost one: a savepoint rolled back inside it does not undo the rest."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)
        session.info.pop(_GATHERED, None)
        _send(session.info.pop(_ANYWAY, []))


def listen() -> None:
    if not event.contains(Session, "after_commit", _send_all):
        event.listen(Session, "after_commit", _send_all)
        event.listen(Session, "after_transaction_end", _drop_all)
