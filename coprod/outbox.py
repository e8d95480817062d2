"""Side effects that wait for the commit: emails and background jobs.

A service that wants something to happen outside the database (an email, a job) puts it here;
it is sent only after the request's (or command's) transaction commits, and dropped if it
rolls back. So nobody is ever emailed about a change that was not saved, and a worker never
looks for rows that are not there yet.

In immediate mode (tests) the job runs inside the commit hook, where the session cannot run SQL:
jobs sent through the outbox must open their own app context or not touch the database.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "coprod_outbox"
log = logging.getLogger(__name__)


def after_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits."""
    from coprod.extensions import db

    db.session().info.setdefault(_KEY, []).append((task, args, kwargs))


def pending(session: Session | None = None) -> list:
    """What waits for the commit (for tests and checks)."""
    from coprod.extensions import db

    return list((session or db.session()).info.get(_KEY, []))


def _send_all(session: Session) -> None:
    for task, args, kwargs in session.info.pop(_KEY, []):
        try:
            task(*args, **kwargs)
        except Exception as error:  # the change is saved; a queue that is down must not undo it
            # Only the job's name: its arguments can hold addresses and personal words.
            log.error("outbox: could not send %s (%s)", getattr(task, "name", task), type(error).__name__)


def _drop_all(session: Session, _previous_transaction=None) -> None:
    session.info.pop(_KEY, None)


def listen() -> None:
    if not event.contains(Session, "after_commit", _send_all):
        event.listen(Session, "after_commit", _send_all)
        event.listen(Session, "after_soft_rollback", _drop_all)
