"""Audio made ahead of time: when content is saved, its pages' audio is prepared by a worker.

A feature says which pages show a model (`pages_of(Board)(lambda board: [...])`); after each
commit that added or changed such rows, one job renders those pages (signed out, in every
language) and makes their audio, so it is usually ready before anyone presses Listen. The job goes
through the outbox (coprod/outbox.py) like every other side effect.
"""

from __future__ import annotations

from typing import Callable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from coprod import outbox
from coprod.models import Board

_PAGES: dict[type, Callable[[object], list[str]]] = {}


def pages_of(model: type):
    def register(paths: Callable[[object], list[str]]):
        _PAGES[model] = paths
        return paths

    return register


def pages_for(instance) -> list[str]:
    """The public pages that show `instance` (none if its model registered none)."""
    pages = _PAGES.get(type(instance))
    return pages(instance) if pages is not None else []


pages_of(Board)(lambda board: [f"/boards/{board.slug}"])


def _collect(session: Session, _flush_context, _instances) -> None:
    """Before each flush: the pages showing rows added or changed join the transaction's one job,
    which the outbox sends after the commit (and drops if it rolls back)."""
    if not _PAGES:
        return
    paths = set()
    for instance in list(session.new) + [i for i in session.dirty if session.is_modified(i)]:
        pages = _PAGES.get(type(instance))
        if pages is not None:
            paths.update(pages(instance))
    if paths:
        outbox.gathered(session, _prepare_pages).update(paths)


def _prepare_pages(paths: set[str]) -> None:
    if not paths or not has_app_context() or "AUDIO_DIR" not in current_app.config:
        return
    from coprod.audio import tasks
    from coprod.audio.clips import queue_now

    queue_now(tasks.prepare_page_audio, sorted(paths))


def listen_for_changes() -> None:
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
