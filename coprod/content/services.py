"""Versions in other languages, easy-read checks, and what a reader sees. Functions flush; the
view commits once.

Reading: `shown(content)` gives the texts in the reader's language when there is a version,
otherwise the original with a note. Pages that show many pieces call `load(...)` first, which
reads the versions and checks of all of them in one query (never one per piece).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import object_session

from coprod.errors import Refused
from coprod import audit, i18n
from coprod.audio.publish import pages_for, pages_of
from coprod.content.kinds import KINDS, Kind, digest, kind_of, texts_of
from coprod.extensions import db
from coprod.glossary.services import page_language
from coprod.models import Board, ContentLanguage, Membership, Role, User, utcnow

# Whole sentences per language (not a name put into one sentence): languages change words
# around a name (Welsh "fersiwn Gymraeg").
WRITTEN_IN = {"en": _l("This is in English."), "cy": _l("This is in Welsh."), "ur": _l("This is in Urdu.")}
NO_VERSION = {"en": _l("There is no English version yet."), "cy": _l("There is no Welsh version yet."),
              "ur": _l("There is no Urdu version yet.")}
LANGUAGE_NAMES = {"en": _l("English"), "cy": _l("Welsh"), "ur": _l("Urdu")}


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def writer_language() -> str:
    """The language new content is written in: the writer's language on this page (outside a
    request, e.g. the demo, the site's first language)."""
    return page_language() if has_request_context() else "en"


# ---- reading ------------------------------------------------------------------------------------

@dataclass
class Shown:
    """A piece of content as one reader sees it. Texts are read when asked for, so a page that
    shows only a proposal's title never loads its answers."""
    kind: Kind
    content: Any
    language: str                      # the language of the texts shown
    reader: str                        # the page's language
    version: ContentLanguage | None    # the version shown, None for the original
    row: ContentLanguage | None        # the row for `language` (it may hold a check)

    def text(self, name: str) -> str:
        if self.version is not None and self.version.texts.get(name):
            return self.version.texts[name]
        return getattr(self.content, name)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self.__dict__.get("_names", ()):
            raise AttributeError(name)
        return self.text(name)

    def __post_init__(self):
        self._names = TEXT_NAMES.get(self.kind.name, ())

    def choice(self, choice) -> str:
        if self.version is not None and self.version.texts.get(f"choice_{choice.id}"):
            return self.version.texts[f"choice_{choice.id}"]
        return choice.label

    @property
    def texts(self) -> dict[str, str]:
        original = texts_of(self.kind, self.content)
        if self.version is None:
            return original
        return {name: self.version.texts.get(name) or text for name, text in original.items()}

    @property
    def check(self) -> ContentLanguage | None:
        return self.row if self.row is not None and self.row.is_checked else None

    @property
    def check_is_current(self) -> bool:
        return self.check is not None and self.check.checked_digest == digest(self.texts)

    @property
    def is_other_language(self) -> bool:
        return self.language != self.reader

    @property
    def attrs(self) -> Markup:
        """lang (and dir) for the element around the texts, when they are not in the page's language:
        screen readers and Listen then speak them in the right voice."""
        if not self.is_other_language:
            return Markup("")
        return i18n.lang_attrs(self.language)

    @property
    def note(self) -> list[str]:
        """"This is in English. There is no Welsh version yet." (empty when it is in the reader's language)."""
        if not self.is_other_language:
            return []
        return [str(WRITTEN_IN.get(self.language, _l("This is in another language."))),
                str(NO_VERSION.get(self.reader, _l("There is no version in your language yet.")))]


# The plain texts each kind has as attributes (answers are read with Shown.choice).
TEXT_NAMES = {"agenda-item": ("title", "summary"), "proposal": ("title", "body"),
              "record": ("title", "said_text", "did_text")}


def _key(content) -> tuple[str, int]:
    return kind_of(content).name, content.id


def load(*contents) -> None:
    """Read the versions and checks of these pieces of content (any kinds) in one query."""
    cache = g.setdefault("content_languages", {})
    wanted: dict[str, set[int]] = {}
    for content in contents:
        if content is None:
            continue
        name, content_id = _key(content)
        if (name, content_id) not in cache:
            wanted.setdefault(name, set()).add(content_id)
            cache[(name, content_id)] = {}
    if not wanted:
        return
    where = or_(*(and_(ContentLanguage.kind == name, ContentLanguage.content_id.in_(sorted(ids)))
                  for name, ids in wanted.items()))
    for row in db.session.scalars(select(ContentLanguage).where(where)):
        cache[(row.kind, row.content_id)][row.language] = row


def forget(content) -> None:
    """Delete every version and check of this content (it is being deleted): the rows name it only by
    kind and id, so no foreign key can do it, and nothing may pass them on to a later row."""
    name, content_id = _key(content)
    db.session.execute(delete(ContentLanguage).where(ContentLanguage.kind == name,
                                                     ContentLanguage.content_id == content_id))
    if has_request_context():
        g.get("content_languages", {}).pop((name, content_id), None)


def rows_of(content) -> dict[str, ContentLanguage]:
    """language -> its row (a version, a check, or both)."""
    key = _key(content)
    if key not in g.get("content_languages", {}):
        load(content)
    return g.content_languages[key]


def versions_of(content) -> dict[str, ContentLanguage]:
    return {language: row for language, row in rows_of(content).items()
            if row.is_version and language != content.language}


def checks_of(content) -> dict[str, ContentLanguage]:
    return {language: row for language, row in rows_of(content).items() if row.is_checked}


def shown(content, reader: str | None = None) -> Shown:
    """The content in the reader's language if there is a version, otherwise the original."""
    reader = reader or page_language()
    version = versions_of(content).get(reader)
    language = reader if version is not None or reader == content.language else content.language
    return Shown(kind_of(content), content, language, reader, version, rows_of(content).get(language))


def texts_in(content, language: str) -> dict[str, str] | None:
    """The texts in `language`: the original's or a version's; None when there are none."""
    if language != content.language and language not in versions_of(content):
        return None
    return shown(content, language).texts


# A version or a check changes the pages that show the content: their audio is made again.
@pages_of(ContentLanguage)
def _pages(row: ContentLanguage) -> list[str]:
    kind = KINDS.get(row.kind)
    content = object_session(row).get(kind.model, row.content_id) if kind is not None else None
    return pages_for(content) if content is not None else []


# ---- writing ------------------------------------------------------------------------------------

class ContentRefused(Refused):
    """A change that cannot be made; `field` names the form field for the easy-read message."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _row(content, language: str) -> ContentLanguage:
    row = rows_of(content).get(language)
    if row is None:
        row = ContentLanguage(kind=kind_of(content).name, content_id=content.id, language=language)
        db.session.add(row)
        rows_of(content)[language] = row
    return row


def save_version(content, board: Board, language: str, texts: dict[str, str], *, by: User) -> ContentLanguage:
    kind = kind_of(content)
    if language == content.language:
        raise ContentRefused(str(_l("This is the language it was written in. Choose another language.")),
                             "language")
    texts = {name: texts.get(name, "") for name in texts_of(kind, content)}
    row = _row(content, language)
    if row.texts != texts:
        audit.record("content-version.edit" if row.is_version else "content-version.add", target=content,
                     board=board, actor=by, detail=f"{kind.name} {content.id}, {language}")
        row.texts = texts
        row.updated_by_id = by.id
        row.updated_dt = utcnow()
    db.session.flush()
    return row


def self_advocates(board: Board) -> list[User]:
    """The board's members (people with learning disabilities, autistic people), by name."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id == board.id, Membership.role == Role.MEMBER, User.disabled_dt.is_(None))
        .order_by(User.name)))


def mark_checked(content, board: Board, language: str, *, checker: User | None, name: str, checked_on: date,
                 by: User) -> ContentLanguage:
    """Mark one language of the content "checked for easy read by" a self-advocate (replaces an older mark)."""
    kind = kind_of(content)
    texts = texts_in(content, language)
    if texts is None:
        raise ContentRefused(str(_l("There is no version in this language to check.")))
    row = _row(content, language)
    row.checker_id = checker.id if checker is not None else None
    row.checker_name = checker.name if checker is not None else name
    row.checked_on = checked_on
    row.checked_digest = digest(texts)
    row.checked_by_id = by.id
    row.checked_dt = utcnow()
    audit.record("content.checked", target=content, board=board, actor=by,
                 detail=f"{kind.name} {content.id}, {language}: {row.checker_name}, {checked_on.isoformat()}")
    db.session.flush()
    return row
