"""The Atom feed of new records and action changes, made with feedgen. No personal data."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from feedgen.feed import FeedGenerator

from coprod import times
from coprod.follow.forms import STATUS_LABELS
from coprod.models import ActionUpdate, Board, Record


def atom(board: Board, records: list[Record], updates: list[ActionUpdate]) -> bytes:
    site = current_app.config["PUBLIC_URL"].rstrip("/")

    def record_link(record: Record) -> str:
        return site + url_for("follow.record", slug=board.slug, record_id=record.id)

    made = FeedGenerator()
    made.id(site + url_for("follow.feed", slug=board.slug))
    made.title(_("You said, we did: %(board)s", board=board.name))
    made.link(href=site + url_for("follow.tracker", slug=board.slug), rel="alternate")
    made.link(href=site + url_for("follow.feed", slug=board.slug), rel="self")
    made.author({"name": board.name})
    entries = [(r.published_dt, "record", r) for r in records] + [(u.created_dt, "update", u) for u in updates]
    entries.sort(key=lambda e: e[0])
    for when, kind, thing in entries:
        entry = made.add_entry()
        if kind == "record":
            entry.id(f"{record_link(thing)}#published")
            entry.title(_("New: %(title)s", title=thing.title))
            entry.link(href=record_link(thing))
            entry.summary(thing.did_text or thing.said_text)
        else:
            action = thing.action
            entry.id(f"{record_link(action.record)}#update-{thing.id}")
            if thing.change == "due_date" and thing.due_date is not None:
                said = _("The date changed to %(date)s.", date=times.easy_date(thing.due_date))
            elif thing.change == "removed":
                said = _("Taken away.")
            else:
                said = str(STATUS_LABELS[thing.status])
            entry.title(_("%(what)s: %(status)s", what=action.what[:80], status=said))
            entry.link(href=record_link(action.record) + f"#action-{action.id}")
            entry.summary(thing.note or said)
        entry.updated(when)
        entry.published(when)
    made.updated(entries[-1][0] if entries else board.created_dt)
    return made.atom_str(pretty=True)
