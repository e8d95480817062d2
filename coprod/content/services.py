"""Versions in other languages, easy-read checks, and what a reader sees. Functions flush; the
view commits once.

Reading: `shown(content)` gives the texts in the reader's language when there is a version,
otherwise the original with a note. Pages that show many pieces call `load(...)` first, which
reads the versions and checks of all of them in two queries (never one per piece).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, or_, select

from coprod import audit, i18n
from coprod.content.kinds import Kind, digest, kind_of, texts_of
from coprod.extensions import db
from coprod.glossary.services import page_language
from coprod.models import Board, ContentVersion, EasyReadCheck, Membership, Role, User, utcnow

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
    """A piece of content as one reader sees it."""
    kind: Kind
    content: Any
    language: str                 # the language of the texts shown
    reader: str                   # the page's language
    texts: dict[str, str]
    version: ContentVersion | None
    check: EasyReadCheck | None
    check_is_current: bool

    def __getattr__(self, name: str) -> str:
        texts = self.__dict__.get("texts") or {}
        if name in texts:
            return texts[name]
        raise AttributeError(name)

    def choice(self, choice) -> str:
        return self.texts.get(f"choice_{choice.id}") or choice.label

    @property
    def is_other_language(self) -> bool:
        return self.language != self.reader

    @property
    def attrs(self) -> Markup:
        """lang (and dir) for the element around the texts, when they are not in the page's language:
        screen readers and Listen then speak them in the right voice."""
        if not self.is_other_language:
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(self.language, i18n.text_direction(self.language))

    @property
    def note(self) -> list[str]:
        """"This is in English. There is no Welsh version yet." (empty when it is in the reader's language)."""
        if not self.is_other_language:
            return []
        return [str(WRITTEN_IN.get(self.language, _l("This is in another language."))),
                str(NO_VERSION.get(self.reader, _l("There is no version in your language yet.")))]


def _key(content) -> tuple[str, int]:
    return kind_of(content).name, content.id


def load(*contents) -> None:
    """Read the versions and checks of these pieces of content (any kinds) in two queries."""
    cache = g.setdefault("content_languages", {})
    wanted: dict[str, set[int]] = {}
    for content in contents:
        if content is None:
            continue
        name, content_id = _key(content)
        if (name, content_id) not in cache:
            wanted.setdefault(name, set()).add(content_id)
            cache[(name, content_id)] = ({}, {})
    if not wanted:
        return

    def where(model):
        return or_(*(and_(model.kind == name, model.content_id.in_(sorted(ids))) for name, ids in wanted.items()))

    for version in db.session.scalars(select(ContentVersion).where(where(ContentVersion))):
        cache[(version.kind, version.content_id)][0][version.language] = version
    for check in db.session.scalars(select(EasyReadCheck).where(where(EasyReadCheck))):
        cache[(check.kind, check.content_id)][1][check.language] = check


def _loaded(content) -> tuple[dict[str, ContentVersion], dict[str, EasyReadCheck]]:
    key = _key(content)
    if key not in g.get("content_languages", {}):
        load(content)
    return g.content_languages[key]


def versions_of(content) -> dict[str, ContentVersion]:
    return _loaded(content)[0]


def checks_of(content) -> dict[str, EasyReadCheck]:
    return _loaded(content)[1]


def texts_in(content, language: str) -> dict[str, str] | None:
    """The texts in `language`: the original's or a version's; None when there are none."""
    kind = kind_of(content)
    if language == content.language:
        return texts_of(kind, content)
    version = versions_of(content).get(language)
    if version is None:
        return None
    original = texts_of(kind, content)
    # A text added to the original after the version was written shows in the original's words.
    return {name: version.texts.get(name) or text for name, text in original.items()}


def shown(content, reader: str | None = None) -> Shown:
    """The content in the reader's language if there is a version, otherwise the original."""
    reader = reader or page_language()
    kind = kind_of(content)
    texts = texts_in(content, reader)
    language = reader if texts is not None else content.language
    if texts is None:
        texts = texts_of(kind, content)
    version = versions_of(content).get(language) if language != content.language else None
    check = checks_of(content).get(language)
    return Shown(kind, content, language, reader, texts, version, check,
                 check is not None and check.text_digest == digest(texts))


# ---- writing ------------------------------------------------------------------------------------

class ContentRefused(Exception):
    """A change that cannot be made; `field` names the form field for the easy-read message."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def save_version(content, board: Board, language: str, texts: dict[str, str], *, by: User) -> ContentVersion:
    kind = kind_of(content)
    if language == content.language:
        raise ContentRefused(str(_l("This is the language it was written in. Choose another language.")),
                             "language")
    texts = {name: texts.get(name, "") for name in texts_of(kind, content)}
    version = versions_of(content).get(language)
    if version is None:
        version = ContentVersion(kind=kind.name, content_id=content.id, language=language, texts=texts,
                                 created_by_id=by.id, updated_by_id=by.id)
        db.session.add(version)
        versions_of(content)[language] = version
        audit.record("content-version.add", target=content, board=board, actor=by,
                     detail=f"{kind.name} {content.id}, {language}")
    elif version.texts != texts:
        version.texts = texts
        version.updated_by_id = by.id
        version.updated_dt = utcnow()
        audit.record("content-version.edit", target=content, board=board, actor=by,
                     detail=f"{kind.name} {content.id}, {language}")
    db.session.flush()
    return version


def self_advocates(board: Board) -> list[User]:
    """The board's members (people with learning disabilities, autistic people), by name."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id == board.id, Membership.role == Role.MEMBER, User.disabled_dt.is_(None))
        .order_by(User.name)))


def mark_checked(content, board: Board, language: str, *, checker: User | None, name: str, checked_on: date,
                 by: User) -> EasyReadCheck:
    """Mark one language of the content "checked for easy read by" a self-advocate (replaces an older mark)."""
    kind = kind_of(content)
    texts = texts_in(content, language)
    if texts is None:
        raise ContentRefused(str(_l("There is no version in this language to check.")))
    name = checker.name if checker is not None else name
    check = checks_of(content).get(language)
    if check is None:
        check = EasyReadCheck(kind=kind.name, content_id=content.id, language=language)
        db.session.add(check)
        checks_of(content)[language] = check
    check.checker_id = checker.id if checker is not None else None
    check.checker_name = name
    check.checked_on = checked_on
    check.text_digest = digest(texts)
    check.marked_by_id = by.id
    check.marked_dt = utcnow()
    audit.record("content.checked", target=content, board=board, actor=by,
                 detail=f"{kind.name} {content.id}, {language}: {name}, {checked_on.isoformat()}")
    db.session.flush()
    return check
