"""Everything templates can use on every page, registered in one place: filters, globals (not context
values, so that imported macros can use them too) and the values the page shell needs.

Feature blueprints register no app-wide filters or globals of their own: add them here.
"""

from __future__ import annotations

import unicodedata

from babel.lists import format_list
from markupsafe import Markup
from flask import Flask, g, session
from flask_babel import get_locale
from flask_login import current_user

from coprod import i18n, pictures, submissions, times, topics
from coprod.audio.text import browser_selectors
from coprod.content import services as content
from coprod.follow.forms import FEELING_LABELS, FEELING_PICTURES, STATUS_LABELS, STATUS_PICTURES
from coprod.glossary import matcher
from coprod.meetings import access as meeting_access
from coprod.meetings import papers as meeting_papers
from coprod.glossary.services import page_language
from coprod.permissions import may_give_way_in


def or_list(words) -> str:
    """"A, B or C" in the page's language (Urdu: "A، B یا C")."""
    return format_list(list(words), style="or", locale=page_language())


def isolate(value) -> Markup:
    """Words a person typed (a name, a title, an answer), inside a sentence of the page: in `<bdi>`,
    they keep their own direction, so English in an Urdu sentence keeps its full stop at its end
    (not ".We meet every 3 months") and Urdu in an English one cannot reorder the words around it.
    Whole paragraphs of typed words use `dir="auto"` on their own element instead."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>{}</bdi>").format(value)


def direction_of(text, default: str = "ltr") -> str:
    """"ltr" or "rtl": the direction of the first letter that has one (as `dir="auto"` decides), for
    places that cannot hold `dir="auto"`, such as the words drawn in a chart."""
    for letter in str(text or ""):
        kind = unicodedata.bidirectional(letter)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


FILTERS = {
    "easy_when": times.easy_when,
    "easy_date": times.easy_date,
    "easy_time": times.easy_time,
    "jargon": matcher.mark_for_page,
    "or_list": or_list,
    "isolate": isolate,
}

GLOBALS = {
    "lang_attrs": i18n.lang_attrs,
    "text_direction": i18n.text_direction,
    "direction_of": direction_of,
    "may_give_way_in": may_give_way_in,
    "submission_key": submissions.submission_key,
    "listen_selectors": browser_selectors(),
    "picture_url": pictures.picture_url,
    "picture_alt": pictures.picture_alt,
    "shown_content": content.shown,
    "language_name": content.language_name,
    "topics": topics.TOPICS,
    "action_labels": {s.value: label for s, label in STATUS_LABELS.items()},
    "action_pictures": {s.value: p for s, p in STATUS_PICTURES.items()},
    "feeling_labels": {f.value: label for f, label in FEELING_LABELS.items()},
    "feeling_pictures": {f.value: p for f, p in FEELING_PICTURES.items()},
    # Meetings: the access at the place, and "Are you coming?" for the person reading.
    "access_facts": meeting_access.facts,
    # An agenda item's papers (all of a meeting's read in one statement, the first time a page asks).
    "item_papers": meeting_papers.of_item,
}


def _board_for_header():
    """The board this page is about; otherwise the person's board, when they are on just one."""
    board = g.get("board")
    if board is None and current_user.is_authenticated and len(current_user.memberships) == 1:
        board = current_user.memberships[0].board
    return board


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)

    @app.context_processor
    def shell_values():
        if current_user.is_authenticated:
            text_size, contrast = current_user.text_size, current_user.contrast
        else:
            text_size = session.get("text_size", "normal")
            contrast = session.get("contrast", "normal")
        return {
            "current_locale": str(get_locale() or "en"),
            "text_size": text_size,
            "contrast": contrast,
            "sign_in_row": g.get("sign_in"),
            "current_board": _board_for_header(),
            "languages": app.config["LANGUAGES"],
            "site_name": app.config["SITE_NAME"],
        }
