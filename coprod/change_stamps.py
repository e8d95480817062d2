"""Change stamps: what cached public pages and open-data files are keyed by.

A stamp is a random token kept in the shared cache (coprod/public_cache.py: files in the instance
folder, or Redis), so every web process and worker sees the same one; nothing is kept inside one
process. There are three kinds of stamp:

- `site`: anything that can show on every board's pages (a person's name, a picture, a word in the
  jargon buster) or a change we could not trace to one board (bulk statements, erasure).
- `pages:<slug>`: anything a board's public pages show (its records, actions, meetings, votes,
  questions, settings...).
- `data:<slug>`: what the board's open data holds (records, actions, their history, answers, questions).

The one seam: SQLAlchemy session events. Before each flush the rows added, changed or removed are
traced to their board; statements run on whole tables (`update()`, `delete()`, `insert()`) are too,
where the rows say which board, else they count as a site change. The stamps are made new only
AFTER the commit (through the outbox, coprod/outbox.py), so a reader never gets a new stamp before
the new data is there; a rollback changes nothing. A reader reads the stamp before it reads the
database, so whatever it builds is never stored under a stamp newer than its data.

Tokens are random (never a counter): a stamp lost from the cache (evicted, cache emptied) is simply
made again, and can never bring back pages stored under an older one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from coprod import outbox

log = logging.getLogger(__name__)

SITE = "site"

# Tables nothing public shows: changes to them never make a page or a file stale (sign-ins are
# written on every visit of a signed-in person; votes' audio clips are made all day by the worker).
PRIVATE_TABLES = frozenset({
    "data_export", "submission_key", "audio_clip", "login_card", "magic_link", "sign_in", "recovery_code",
    "login_attempt", "audit_event", "account_notice", "said_did_follower", "said_did_person_update",
    # A vote changes only the live results and room screen, which are never cached (public_cache.PAGES);
    # a record page showing a vote's results is cached for a minute at most. Renewing a stamp on every
    # vote cost a cache write in each of a meeting's burst of votes (issue 15: a vote must cost little).
    "vote", "ballot",
})
# Tables whose rows are in the open data files (coprod/follow/open_files.py).
OPEN_DATA_TABLES = frozenset({
    "said_did_record", "said_did_action", "said_did_action_update", "said_did_feedback",
    "said_did_record_question", "question", "board",
})
# Rows without a board_id: the column that points to a row that has one.
PARENTS = {
    "said_did_action_update": ("action_id", "Action"),
    "said_did_feedback": ("record_id", "Record"),
    "said_did_record_question": ("record_id", "Record"),
    "agenda_item": ("meeting_id", "Meeting"),
    "choice": ("proposal_id", "Proposal"),
    "room_count": ("proposal_id", "Proposal"),
    "me_too": ("question_id", "Question"),
}
# What people's names show publicly: an asker who chose to be named. Other columns of a person
# (last seen, language, text size) never show on a public page.
USER_PUBLIC_COLUMNS = ("name",)

_PREFIX = "coprod-stamp:"


def _cache():
    from coprod.public_cache import cache

    return cache


def pages(slug: str) -> str:
    return f"pages:{slug}"


def data(slug: str) -> str:
    return f"data:{slug}"


def current(scope: str) -> str:
    """The scope's stamp now; made if there is none yet (first use, or lost from the cache)."""
    store = _cache()
    found = store.get(_PREFIX + scope)
    if found is None:
        store.add(_PREFIX + scope, secrets.token_hex(8), timeout=0)  # only if no other process made one
        found = store.get(_PREFIX + scope) or "lost"
    return found


def stamp_of(*scopes: str) -> str:
    """One token for what a page or file depends on: the site's stamp and its own."""
    return "-".join(current(scope) for scope in (SITE, *scopes))


def renew(scopes: Iterable[str]) -> None:
    """New stamps for these scopes: what was cached under the old ones is never served again."""
    if not has_app_context() or current_app.extensions.get("cache") is None:
        return
    store = _cache()
    for scope in sorted(set(scopes)):
        try:
            store.set(_PREFIX + scope, secrets.token_hex(8), timeout=0)
        except Exception as error:  # the change is saved; the cache being down must not undo it
            log.error("change stamps: could not renew %s (%s)", scope, type(error).__name__)
    slugs = sorted(scope.removeprefix("data:") for scope in scopes if scope.startswith("data:"))
    if SITE in scopes:
        slugs = ["*"]
    if slugs:
        from coprod.follow import open_files

        open_files.queue_rebuild(slugs)


# ---- tracing changes to boards -------------------------------------------------------------------

def _board_slug(session: Session, board_id) -> str | None:
    from coprod.models import Board

    board = session.identity_map.get(identity_key(Board, board_id)) if board_id is not None else None
    # Only what is loaded: reading an expired attribute here would run SQL in the middle of a flush.
    return board.__dict__.get("slug") if board is not None else None


def _scopes_for_row(session: Session, table: str, values) -> set[str]:
    """The stamps a row of `table` makes stale; `values(name)` reads one of its columns."""
    from coprod import models

    if table in PRIVATE_TABLES:
        return set()
    board_id = values("id") if table == "board" else values("board_id")
    if board_id is None and table in PARENTS:
        column, model_name = PARENTS[table]
        parent = session.identity_map.get(identity_key(getattr(models, model_name), values(column)))
        board_id = parent.__dict__.get("board_id") if parent is not None else None
    slug = _board_slug(session, board_id)
    if slug is None:
        return {SITE}  # not traced to one board: every page may show it
    found = {pages(slug)}
    if table in OPEN_DATA_TABLES:
        found.add(data(slug))
    return found


def _before_flush(session: Session, _flush_context, _instances) -> None:
    from sqlalchemy import inspect

    from coprod.models import Board, User

    scopes: set[str] = set()
    changed = [i for i in session.dirty if session.is_modified(i)]
    for instance in [*session.new, *session.deleted, *changed]:
        if isinstance(instance, User):
            # A new person shows nowhere yet; a removed one, or a new name, may show on any board.
            if instance in session.deleted or (instance in changed and any(
                    inspect(instance).attrs[name].history.has_changes() for name in USER_PUBLIC_COLUMNS)):
                scopes.add(SITE)
        elif isinstance(instance, Board):
            # Its pages show its name and settings; its open data only its address (slug).
            history = inspect(instance).attrs["slug"].history
            slugs = {slug for slug in [instance.__dict__.get("slug"), *history.deleted] if slug}
            gone = instance in session.deleted or bool(history.deleted)
            scopes |= {scope for slug in slugs for scope in ((pages(slug), data(slug)) if gone else (pages(slug),))}
            scopes |= set() if slugs else {SITE}
        else:
            # Only what is loaded (__dict__): reading an expired column would run SQL mid-flush.
            scopes |= _scopes_for_row(session, getattr(instance, "__tablename__", ""), instance.__dict__.get)
    if scopes:
        outbox.gathered(session, renew).update(scopes)


def _on_execute(state: ORMExecuteState) -> None:
    """A statement on a whole table (update, delete, insert with many rows): trace it if its rows
    name their board, else count it as a site change."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", "")
    if table in PRIVATE_TABLES:
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    scopes: set[str] = set()
    if state.is_insert and rows and all(isinstance(row, dict) for row in rows):
        for row in rows:
            scopes |= _scopes_for_row(state.session, table, row.get)
    else:
        scopes.add(SITE)
    if scopes:
        outbox.gathered(state.session, renew).update(scopes)


def listen() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
