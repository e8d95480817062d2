"""The meeting pack as a PDF, in standard or large print, to print or to send by post.

Made with WeasyPrint from the same easy-read page as the printed pack (templates/meetings/pack.html
with static/css/print.css), so the PDF and the page never say different things. Pictures are fetched
from this app only (Flask-WeasyPrint's fetcher, with no network fetcher behind it): a PDF can never
make the server fetch an address from outside.

A signed-out reader's PDF is kept in the shared cache under the board's change stamp, like the public
pages (coprod/public_cache.py): the same PDF for everyone until something on the board changes. A
signed-in reader's is made for them each time: the secretary may be printing a draft.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coprod import change_stamps

# WeasyPrint warns about every CSS property it does not know (our screen styles have many): the log
# would fill with them on every PDF. Its errors still show, but one: our pictures beside words have
# alt="" on purpose (the words say the same), which its PDF/UA tagging reports once per picture.


class _DecorativePictures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "has no required alt description" not in record.getMessage()


_weasyprint_log = logging.getLogger("weasyprint")
_weasyprint_log.setLevel(logging.ERROR)
_weasyprint_log.addFilter(_DecorativePictures())

# Standard: 14 point text, the least easy-read guidance allows. Large print: 20 point and bigger
# pictures, for people with low vision.
PRINT_SIZES = ("standard", "large")
# Put in the page itself, after print.css: WeasyPrint's own `stylesheets` are a user's, which the
# page's styles always override.
_SIZES_CSS = {
    "standard": ".pack { font-size: 14pt; } .pack h1 { font-size: 24pt; }"
                ".pack h2 { font-size: 18pt; } .pack .easy-read > img { width: 64px; height: 64px; }"
                ".notes-space { min-height: 6cm; }",
    "large": ".pack { font-size: 20pt; } .pack h1 { font-size: 34pt; }"
             ".pack h2 { font-size: 26pt; } .pack .easy-read > img { width: 120px; height: 120px; }"
             ".notes-space { min-height: 9cm; }",
}


def _page_css() -> str:
    # Page numbers in the reader's language, so a pack dropped on the floor goes back in order.
    words = _("Page %(number)s of %(total)s", number="\x01", total="\x02").replace('"', "'")
    content = '"' + words.replace("\x01", '" counter(page) "').replace("\x02", '" counter(pages) "') + '"'
    return f"@page {{ size: A4; margin: 1.8cm 1.6cm; @bottom-center {{ content: {content}; font-size: 12pt; font-family: sans-serif; }} }}"


def document(html: str, size: str, extra_css: str = ""):
    """A rendered pack page laid out in pages (a WeasyPrint Document): for the PDF, or for letters."""
    from flask_weasyprint import HTML, make_url_fetcher

    fetcher = make_url_fetcher(next_fetcher=False)
    html = html.replace("</head>", f"<style>{_page_css()} {_SIZES_CSS[size]} {extra_css}</style></head>", 1)
    return HTML(string=html, url_fetcher=fetcher).render()


def render(html: str, size: str) -> bytes:
    """The PDF of a rendered pack page."""
    # PDF/UA: a tagged PDF, so a screen reader reads it in order, with headings and the language.
    return document(html, size).write_pdf(pdf_variant="pdf/ua-1")


def cached(slug: str, meeting_id: int, size: str, make) -> bytes:
    """`make()`'s PDF, kept in the shared cache for signed-out readers (see the module's docstring)."""
    if current_user.is_authenticated:
        return make()
    from coprod.public_cache import cache

    minute = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")  # meetings start, votes close by the clock
    parts = [change_stamps.stamp_of(change_stamps.pages(slug)), str(get_locale() or "en"), size, minute,
             str(meeting_id)]
    key = "pack-pdf:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:  # a cache that is down costs time, not the answer
        current_app.logger.exception("pack PDF: could not read the cache")
        found = None
    if found is None:
        found = make()
        try:
            cache.set(key, found)
        except Exception:
            current_app.logger.exception("pack PDF: could not store it in the cache")
    return found
