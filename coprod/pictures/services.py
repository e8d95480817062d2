"""The picture library: the bundled symbols and the organisation's uploads, found by word.
Functions flush; the view commits once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, url_for
from sqlalchemy import func, literal, select, union_all

from coprod import audit
from coprod.extensions import db
from coprod.models import AgendaItem, Board, Choice, GlossaryTerm, Group, Meeting, Picture, Proposal, Record, User, utcnow
from coprod.models.picture import UPLOAD_PREFIX
from coprod.pictures import symbols, uploads

FALLBACK = "info"
MAX_FOUND = 60
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Uploaded:
    """What pages need of an uploaded picture (one query per request loads them all)."""

    id: int
    file_name: str
    alt_text: str
    search_words: str

    @property
    def name(self) -> str:
        return f"{UPLOAD_PREFIX}{self.id}"


@dataclass(frozen=True)
class Card:
    """One picture as a tile or a choice: its name in content, what to call it, and its words."""

    name: str
    label: str
    url: str
    words: str  # its own words: a typed word may be the start of one
    names: str = ""  # Unicode's English name: see _name_word_matches
    is_upload: bool = False

    @property
    def upload_id(self) -> int | None:
        return int(self.name.removeprefix(UPLOAD_PREFIX)) if self.is_upload else None


def uploaded() -> dict[int, Uploaded]:
    """The pictures in the library now, newest first, loaded once per request."""
    found = g.get("_uploaded_pictures")
    if found is None:
        rows = db.session.execute(
            select(Picture.id, Picture.file_name, Picture.alt_text, Picture.search_words)
            .where(Picture.removed_dt.is_(None)).order_by(Picture.id.desc()))
        found = {row.id: Uploaded(row.id, row.file_name, row.alt_text, row.search_words) for row in rows}
        g._uploaded_pictures = found
    return found


def _forget_uploaded() -> None:
    g.pop("_uploaded_pictures", None)


def upload_of(name: str | None) -> Uploaded | None:
    if not name or not name.startswith(UPLOAD_PREFIX):
        return None
    number = name.removeprefix(UPLOAD_PREFIX)
    if not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return uploaded().get(int(number))


def exists(name: str | None) -> bool:
    """A name content may use: a meaning, an OpenMoji symbol, or a picture in the library now."""
    if not name:
        return False
    return symbols.is_symbol(name) or upload_of(name) is not None


def picture_url(name: str | None) -> str:
    """The address of a picture by its name. A removed or unknown picture shows a plain one instead."""
    name = name or FALLBACK
    if name.startswith(UPLOAD_PREFIX):
        found = upload_of(name)
        if found is not None:
            return url_for("pictures.file", file_name=found.file_name)
        name = FALLBACK
    elif not symbols.is_symbol(name):
        name = FALLBACK
    return url_for("pictures.picture", name=name, v=symbols.VERSION)


def picture_alt(name: str | None) -> str:
    """Alt text for a picture that carries meaning: an uploaded picture's own words; the bundled
    symbols stand beside words that say the same, so they are decoration (alt="")."""
    found = upload_of(name)
    return found.alt_text if found else ""


# ---- finding pictures -----------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _name_word_matches(word: str, q: str) -> bool:
    """Unicode's names are long and full of other words ("busts in silhouette", "business suit"): a
    short word must match a whole word there (or its plural); from 4 letters on, the start is enough."""
    return word == q or word == q + "s" or (len(q) >= 4 and word.startswith(q))


def _matches(query_words: list[str], words: str, names: str = "") -> bool:
    """Every word typed starts a word of the picture's own words, or matches a word of its Unicode name."""
    own, named = _words(words), _words(names)
    return all(any(word.startswith(q) for word in own) or any(_name_word_matches(word, q) for word in named)
               for q in query_words)


def _upload_card(found: Uploaded) -> Card:
    return Card(found.name, found.alt_text, url_for("pictures.file", file_name=found.file_name),
                f"{found.alt_text} {found.search_words}", is_upload=True)


def _meaning_card(name: str) -> Card:
    label = str(symbols.MEANINGS[name][1])  # in the page's language; the name is English
    return Card(name, label, picture_url(name), f"{label} {name.replace('-', ' ')}", symbols.unicode_words(name))


def _openmoji_card(name: str, names: str) -> Card:
    return Card(name, names.capitalize(), url_for("pictures.picture", name=name, v=symbols.VERSION), "", names)


def browse() -> list[Card]:
    """Without a search: our own pictures first, then the pictures for meanings."""
    cards = [_upload_card(found) for found in uploaded().values()]
    cards += sorted((_meaning_card(name) for name in symbols.MEANINGS), key=lambda c: c.label.casefold())
    return cards


def search(query: str, limit: int = MAX_FOUND) -> list[Card]:
    """Pictures whose words start with every word typed: our own pictures (alt text and search
    words), the meanings (name, label in this language, Unicode name), then the other symbols."""
    query_words = _words(query)[:8]
    if not query_words:
        return []
    found = [_upload_card(u) for u in uploaded().values() if _matches(query_words, f"{u.alt_text} {u.search_words}")]
    found += [card for name in symbols.MEANINGS
              if _matches(query_words, (card := _meaning_card(name)).words, card.names)]
    shown_codes = {symbols.code_of(card.name) for card in found if not card.is_upload}
    for name, words in symbols.openmoji_symbols().items():
        if len(found) >= limit:
            break
        if _matches(query_words, "", words) and symbols.code_of(name) not in shown_codes:
            found.append(_openmoji_card(name, words))
    return found[:limit]


def card_for(name: str | None) -> Card | None:
    """The card of one picture (the one chosen now), or None if there is no such picture."""
    if not name:
        return None
    if (found := upload_of(name)) is not None:
        return _upload_card(found)
    if name in symbols.MEANINGS:
        return _meaning_card(name)
    if symbols.is_symbol(name):
        return _openmoji_card(name, symbols.openmoji_symbols()[name])
    return None


# ---- uploads -------------------------------------------------------------------------------------

def add_upload(pending_name: str, *, alt_text: str, search_words: str, by: User) -> Picture:
    """Put a checked, waiting picture into the library. Raises uploads.PictureRefused."""
    file_name, width, height = uploads.take_pending(pending_name)
    picture = Picture(file_name=file_name, alt_text=alt_text, search_words=search_words, width=width,
                      height=height, uploaded_by_id=by.id)
    db.session.add(picture)
    db.session.flush()
    audit.record("picture.upload", target=picture, actor=by, detail=f"{picture.name}: {alt_text}"[:500])
    _forget_uploaded()
    return picture


def live_picture(picture_id: int) -> Picture | None:
    return db.session.scalar(select(Picture).where(Picture.id == picture_id, Picture.removed_dt.is_(None)))


# Every column that holds a picture name.
_PICTURE_COLUMNS = (Meeting.place_picture, AgendaItem.picture, Proposal.picture, Choice.picture, Record.did_picture,
                    GlossaryTerm.picture, Board.picture, User.picture, Group.picture)


def times_used(picture: Picture) -> int:
    """How many things show this picture now (one query)."""
    counts = union_all(*(select(func.count().label("n")).where(column == picture.name)
                         for column in _PICTURE_COLUMNS)).subquery()
    return int(db.session.scalar(select(func.coalesce(func.sum(counts.c.n), literal(0)))) or 0)


def remove(picture: Picture, *, by: User) -> int:
    """Take a picture out of the library (the view deletes its file after the commit). Things that
    used it show a plain picture instead; their words stay. Returns how many things used it."""
    used = times_used(picture)
    picture.removed_dt = utcnow()
    picture.removed_by_id = by.id
    audit.record("picture.remove", target=picture, actor=by,
                 detail=f"{picture.name}: {picture.alt_text} (used {used} times)"[:500])
    db.session.flush()
    _forget_uploaded()
    return used
