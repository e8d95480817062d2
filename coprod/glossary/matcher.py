"""Find glossary words in content and turn their first use on a page into a "what does this
mean?" link. Works on plain text (paragraphs), so headings and links are never touched.

Any script: word edges are letters, marks and digits of any language (the `regex` module's
Unicode classes), so an Urdu word is found between spaces and Urdu punctuation ("۔", "،") and
never inside a longer word. Urdu text often carries optional vowel marks and is typed on keyboards
that give Arabic letters for some Urdu ones (ي for ی, ك for ک, ه for ہ): both are matched too.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import regex
from flask import g, url_for
from markupsafe import Markup, escape

# Arabic letters some keyboards give instead of the Urdu ones: read as the Urdu letter.
_SAME_LETTER = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "\u200c": " "})
_VARIANTS = {"ی": "[یيى]", "ک": "[کك]", "ہ": "[ہه]"}
# Letters, marks (vowel signs), digits and the zero-width joiners are all inside a word.
_EDGE = r"[\p{L}\p{M}\p{N}_\u200c\u200d-]"


def fold(text: str) -> str:
    """The form a word is looked up by: lower case, without optional marks (Urdu vowel signs),
    Arabic keyboard letters read as Urdu ones, one space between words."""
    composed = unicodedata.normalize("NFC", text)
    bare = "".join(ch for ch in composed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.translate(_SAME_LETTER).lower().split())


@dataclass(frozen=True)
class Matcher:
    pattern: regex.Pattern | None
    # A written form (folded, or exact for abbreviations) -> the term's (slug, language).
    slugs: dict[str, tuple[str, str]]

    def term_for(self, found: str) -> tuple[str, str] | None:
        return self.slugs.get(found) or self.slugs.get(fold(found))


def _is_abbreviation(form: str) -> bool:
    # "ATU", "CTR", "NHS": matched with their capitals only, so "atu" inside a word or "Ctr" never is.
    return form.isupper() and len(form) <= 6


def _pattern_for(form: str) -> str:
    """A folded form as a pattern: optional marks after each non-Latin letter, the keyboard
    variants of Urdu letters, any run of spaces (or a zero-width non-joiner) between words."""
    parts = []
    for ch in form:
        if ch == " ":
            parts.append(r"[\s\u200c]+")
        elif ord(ch) < 0x300:  # Latin: as before, case-insensitive
            parts.append(regex.escape(ch))
        else:
            parts.append(_VARIANTS.get(ch, regex.escape(ch)) + r"\p{Mn}*")
    return "".join(parts)


def build(terms) -> Matcher:
    """One regular expression for every form of every term; longer forms first ("partnership board"
    before "board"). Where two terms share a form, the first one given wins."""
    slugs: dict[str, tuple[str, str]] = {}
    for term in terms:
        for form in term.forms:
            key = form if _is_abbreviation(form) else fold(form)
            if key:
                slugs.setdefault(key, (term.slug, term.language))
    if not slugs:
        return Matcher(None, {})
    parts = [rf"(?-i:{regex.escape(form)})" if _is_abbreviation(form) else _pattern_for(form)
             for form in sorted(slugs, key=len, reverse=True)]
    return Matcher(regex.compile(rf"(?i)(?<!{_EDGE})(?:{'|'.join(parts)})(?!{_EDGE})"), slugs)


class _Words(NamedTuple):
    slug: str
    language: str
    forms: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _built(words: tuple[_Words, ...]) -> Matcher:
    """build() remembered for the same words: compiling one expression for every form cost more
    than the rest of a page. The key is the words themselves, read from the database on each
    request, so an edit in any process is matched at once; this only saves the work."""
    return build(words)


def matcher_for(words: list[_Words]) -> Matcher:
    return _built(tuple(words))


def _words_in(language: str) -> list[_Words]:
    """One language's words, as plain rows (no objects: this runs on every page). Kept in the shared
    cache under the site's change stamp (a word changed anywhere renews it: coprod/change_stamps.py),
    so most pages read them without a database statement; the stamp is read before the database,
    so words are never kept under a stamp newer than they are."""
    from flask import current_app

    from coprod import change_stamps
    from coprod.public_cache import cache

    key = None
    if current_app.extensions.get("cache") is not None:
        try:
            key = f"coprod-glossary:{change_stamps.current(change_stamps.SITE)}:{language}"
            kept = cache.get(key)
            if kept is not None:
                return list(kept)
        except Exception:  # the cache is down: read the database, as always
            key = None
    words = _words_from_database(language)
    if key is not None:
        try:
            cache.set(key, words, timeout=24 * 3600)
        except Exception:
            pass
    return words


def _words_from_database(language: str) -> list[_Words]:
    from sqlalchemy import select

    from coprod.extensions import db
    from coprod.models import GlossaryTerm
    from coprod.models.glossary import forms_of

    rows = db.session.execute(select(GlossaryTerm.slug, GlossaryTerm.term, GlossaryTerm.other_forms)
                              .where(GlossaryTerm.language == language).order_by(GlossaryTerm.term))
    return [_Words(slug, language, tuple(forms_of(term, other_forms))) for slug, term, other_forms in rows]


def mark(text: str, matcher: Matcher, used: set, page_language: str | None = None) -> Markup:
    """`text`, escaped, with the first use of each term (not yet in `used`) made a link. A term of
    another language than the page's links to that language's meaning."""
    if not text or matcher.pattern is None:
        return escape(text or "")
    out, position = [], 0
    for found in matcher.pattern.finditer(text):
        term = matcher.term_for(found.group(0))
        if term is None or term in used:
            continue
        used.add(term)
        slug, language = term
        other = {"words": language} if page_language and language != page_language else {}
        out.append(escape(text[position:found.start()]))
        out.append(Markup('<a class="jargon" href="{href}" data-jargon="{slug}">{word}</a>').format(
            href=url_for("glossary.term", word=slug, **other), slug=slug, word=found.group(0)))
        position = found.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def mark_for_page(text: str, language: str | None = None) -> Markup:
    """The Jinja filter: first uses on this page only. Content in the page's language is matched
    with that language's words. Content shown in another language (no version in the reader's yet)
    is matched with the reader's words first, then its own: an Urdu reader of English content gets
    the Urdu meaning of "NHS", which Urdu speakers say too, and the English one of other words."""
    from coprod.glossary import services

    page = services.page_language()
    language = language or page
    if "jargon_terms" not in g:
        g.jargon_terms = {}  # language -> its words, read when a page first needs them
        g.jargon_matchers = {}
        g.jargon_used = set()  # (slug, language) of the words already explained on this page
    for needed in {page, language} - set(g.jargon_terms):
        # Most pages need one language's words; content not yet in the reader's language adds its own.
        g.jargon_terms[needed] = _words_in(needed)
    key = (page, language)
    if key not in g.jargon_matchers:
        words = g.jargon_terms[page] + (g.jargon_terms[language] if language != page else [])
        g.jargon_matchers[key] = matcher_for(words)
    return mark(text, g.jargon_matchers[key], g.jargon_used, page)
