"""The kinds of content that can have versions in other languages and an easy-read check.

Adding a kind is one `Kind` here: how to find it on a board, its texts, who may change it and
where to go back to. The tables, pages, forms and reading helpers are shared.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coprod.extensions import db
from coprod.models import AgendaItem, Board, Meeting, Proposal, Record, Role


@dataclass(frozen=True)
class Text:
    """One text of a piece of content, as its version form asks for it."""
    name: str
    label: Any
    original: str
    maximum: int
    required: bool = False
    multiline: bool = False


@dataclass(frozen=True)
class Kind:
    name: str                                   # in the database and in addresses
    model: type
    label: Any                                  # "agenda item", for headings
    picture: str
    texts: Callable[[Any], list[Text]]
    load: Callable[[Board, int], Any]           # the content, only if it is this board's
    writers: frozenset[Role]                    # who may change it (and add versions), besides admins
    back: Callable[[Any, Board], str]           # the writer's page for it

    def may_write(self, user, board: Board) -> bool:
        return user.is_authenticated and (user.is_admin or user.role_on(board) in self.writers)


def texts_of(kind: Kind, content) -> dict[str, str]:
    return {text.name: text.original for text in kind.texts(content)}


def digest(texts: dict[str, str]) -> str:
    """What an easy-read check remembers of the words it checked."""
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def may_mark_checked(user, board: Board) -> bool:
    return user.is_authenticated and (user.is_admin or user.role_on(board) == Role.SECRETARY)


# ---- the kinds ----------------------------------------------------------------------------------

def _agenda_item_texts(item: AgendaItem) -> list[Text]:
    return [Text("title", _l("What is this item about?"), item.title, 200, required=True),
            Text("summary", _l("Say more in easy read"), item.summary, 2000, multiline=True)]


def _load_agenda_item(board: Board, item_id: int):
    return db.session.scalar(select(AgendaItem).join(Meeting).where(AgendaItem.id == item_id,
                                                                    Meeting.board_id == board.id))


def _proposal_texts(proposal: Proposal) -> list[Text]:
    texts = [Text("title", _l("What is the board deciding?"), proposal.title, 200, required=True),
             Text("body", _l("Say more in easy read"), proposal.body, 3000, multiline=True)]
    return texts + [Text(f"choice_{choice.id}", _l("Answer: %(answer)s", answer=choice.label), choice.label, 120)
                    for choice in proposal.choices]


def _load_proposal(board: Board, proposal_id: int):
    return db.session.scalar(select(Proposal).where(Proposal.id == proposal_id, Proposal.board_id == board.id)
                             .options(selectinload(Proposal.choices)))


def _record_texts(record: Record) -> list[Text]:
    return [Text("title", _l("What is it about?"), record.title, 200, required=True),
            Text("said_text", _l("You said"), record.said_text, 3000, multiline=True),
            Text("did_text", _l("We did"), record.did_text, 3000, multiline=True)]


def _load_record(board: Board, record_id: int):
    return db.session.scalar(select(Record).where(Record.id == record_id, Record.board_id == board.id))


KINDS = {kind.name: kind for kind in (
    Kind("agenda-item", AgendaItem, _l("Agenda item"), "page", _agenda_item_texts, _load_agenda_item,
         frozenset({Role.SECRETARY}),
         lambda item, board: url_for("meetings.manage", slug=board.slug, meeting_id=item.meeting_id,
                                     _anchor=f"item-{item.id}")),
    Kind("proposal", Proposal, _l("Proposal"), "vote", _proposal_texts, _load_proposal,
         frozenset({Role.SECRETARY}),
         lambda proposal, board: url_for("votes.manage", slug=board.slug, proposal_id=proposal.id)),
    Kind("record", Record, _l("You said, we did"), "yes", _record_texts, _load_record,
         frozenset({Role.SECRETARY, Role.COMMISSIONER}),
         lambda record, board: url_for("follow.record", slug=board.slug, record_id=record.id)),
)}
BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def kind_of(content) -> Kind:
    return BY_MODEL[type(content)]
