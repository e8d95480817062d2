"""Rules for the glossary. Functions flush; the view commits once."""

from __future__ import annotations

import re
import unicodedata

import icu
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from coprod.errors import Refused
from coprod import audit
from coprod.extensions import db
from coprod.glossary.matcher import fold
from coprod.models import GlossaryTerm, User, utcnow

# Everyday words that must never become glossary links (they are in almost every sentence).
COMMON_WORDS = {
    "en": set("a an and are as at be but by can do for from has have he her his i if in is it its me my no "
              "not of on or our she so that the their them they this to up us was we what when who will "
              "with you your yes".split()),
    "cy": set("a ac am ar at beth bod ein eich ef ei fi gan gyda hi hwn hyn i mae mewn na nhw o pan pwy "
              "sy sydd ti y yma yn yr ydw ydych ie".split()),
    "ur": set("اور کا کی کے کو سے میں پر ہے ہیں تھا تھی تھے ہو یہ وہ آپ ہم میرا میری تم کیا کون کب جب "
              "اگر لیے بھی تو ایک نہیں ہاں کام کرنا کریں شامل".split()),
}


class GlossaryRefused(Refused):
    """A term that cannot be saved; `field` says which form field the easy-read message is for."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def page_language() -> str:
    return str(get_locale() or "en")


def slug_for(term: str) -> str:
    """The word's address: Latin letters without accents ("Byw â chymorth" -> byw-a-chymorth), other
    scripts kept as they are ("آئی سی بی" -> آئی-سی-بی; the browser shows it, the URL escapes it)."""
    kept: list[str] = []
    for ch in unicodedata.normalize("NFKD", term):
        if unicodedata.combining(ch) and (not kept or kept[-1].isascii()):
            continue  # an accent on a Latin letter
        kept.append(ch)
    plain = fold(unicodedata.normalize("NFC", "".join(kept)))
    return re.sub(r"[\W_]+", "-", plain).strip("-")[:100]


def terms_for(language: str) -> list[GlossaryTerm]:
    return list(db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.language == language)
                                   .order_by(GlossaryTerm.term)))


def all_terms() -> list[GlossaryTerm]:
    return list(db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.language, GlossaryTerm.term)))


def term_by_slug(language: str, slug: str) -> GlossaryTerm | None:
    return db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.language == language,
                                                        GlossaryTerm.slug == slug))


def by_letter(terms: list[GlossaryTerm], language: str) -> dict[str, list[GlossaryTerm]]:
    """A to Z: the terms under the first letter of the language's alphabet, in its order.

    ICU's alphabetic index and collation (CLDR) know each alphabet: Urdu's 38 letters in Urdu order
    (ٹ after ت, ں and ے where Urdu puts them), Welsh "Ch", "Dd" and "Ll" as letters of their own.
    Latin letters are there too, for words written in English on an Urdu page."""
    index = icu.AlphabeticIndex(icu.Locale(language))
    index.addLabels(icu.Locale("en"))
    for position, term in enumerate(terms):
        index.addRecord(term.term, position)
    letters: dict[str, list[GlossaryTerm]] = {}
    index.resetBucketIterator()
    while index.nextBucket():
        while index.nextRecord():
            letters.setdefault(index.bucketLabel, []).append(terms[index.recordData])
    return letters


def _check(language: str, term: str, other_forms: str, *, keep: GlossaryTerm | None) -> str:
    slug = slug_for(term)
    if not slug:
        raise GlossaryRefused("term", _("Type the word with letters or numbers."))
    forms = [term] + [f.strip() for f in other_forms.replace(",", "\n").splitlines() if f.strip()]
    common = [form for form in forms if fold(form) in COMMON_WORDS.get(language, set())]
    if common:
        raise GlossaryRefused("term" if common[0] == term else "other_forms",
                              _("\"%(word)s\" is an everyday word. It would be marked everywhere. "
                                "Choose a word people find hard.", word=common[0]))
    short = [form for form in forms if len(form) < 2]
    if short:
        raise GlossaryRefused("other_forms", _("Each word needs 2 letters or more."))
    same = term_by_slug(language, slug)
    if same is not None and same is not keep:
        raise GlossaryRefused("term", _("\"%(word)s\" is already in the jargon buster.", word=same.term))
    return slug


def add_term(language: str, *, term: str, other_forms: str, meaning: str, picture: str,
             by: User | None) -> GlossaryTerm:
    slug = _check(language, term, other_forms, keep=None)
    made = GlossaryTerm(language=language, term=term, slug=slug, other_forms=other_forms, meaning=meaning,
                        picture=picture, updated_by_id=by.id if by else None)
    db.session.add(made)
    db.session.flush()
    if by is not None:
        audit.record("glossary.add", target=made, actor=by, detail=f"{language}: {term}")
    return made


def update_term(found: GlossaryTerm, *, term: str, other_forms: str, meaning: str, picture: str,
                by: User) -> None:
    _check(found.language, term, other_forms, keep=found)  # the slug stays: links to the page keep working
    found.term, found.other_forms, found.meaning, found.picture = term, other_forms, meaning, picture
    found.updated_dt = utcnow()
    found.updated_by_id = by.id
    audit.record("glossary.edit", target=found, actor=by, detail=f"{found.language}: {term}")
    db.session.flush()


def load_starter() -> int:
    """Add the starter terms that are not on the site yet (edits made on the site are kept)."""
    from coprod.glossary.starter import ENGLISH

    from coprod.glossary.starter_cy import WELSH
    from coprod.glossary.starter_ur import URDU

    sets = {"en": ENGLISH, "cy": WELSH, "ur": URDU}
    added = 0
    for language, entries in sets.items():
        have = {term.slug for term in terms_for(language)}
        for term, other_forms, meaning, picture in entries:
            if slug_for(term) not in have:
                add_term(language, term=term, other_forms=other_forms.replace(", ", "\n"), meaning=meaning,
                         picture=picture, by=None)
                have.add(slug_for(term))
                added += 1
    return added
