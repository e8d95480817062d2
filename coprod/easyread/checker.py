"""Check writing against easy-read rules. Runs on the server, in the page's language.

What it finds: sentences over 15 words; long words and words that are not everyday words (word
frequencies from `wordfreq`, syllables from `pyphen`, where the language has them); abbreviations
and jargon not in the jargon buster; passive sentences (English and Welsh patterns); text in
capitals. Words in the jargon buster are fine: the site explains them wherever they are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex
from flask_babel import lazy_gettext as _l

MAX_WORDS = 15
EVERYDAY_ZIPF = 3.0  # wordfreq: 3 = about once in a million words
COMMON_ZIPF = 4.5    # a long word this common ("community", "important") is fine

# Urdu ends a sentence with "۔" or "؟", often with no space after it.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[۔؟])\s*|\n+")
# A word: a letter, then letters, vowel marks (Urdu), digits, apostrophes and hyphens.
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}'’-]*")
_ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}s?\b")
_CAPITALS = re.compile(r"\b[A-Z]{2,}(?:\s+[A-Z]{2,}){2,}\b")  # three or more words in capitals
_PASSIVE = {
    "en": re.compile(r"\b(?:am|is|are|was|were|be|been|being)\s+(?:(?:\w+ly|then|also|not|never|often|already|just|being)\s+)?"
                     r"(?:\w+ed|given|made|done|taken|seen|known|paid|told|sent|held|kept|put|set|written|"
                     r"chosen|brought|thought|found|left|shown)\b", re.IGNORECASE),
    # Welsh: "yn cael ei wneud", "cafodd ei benderfynu", "caiff ei dalu"
    "cy": re.compile(r"\b(?:cael|cafodd|caiff|cawsant|cânt|ceir)\s+(?:ei|eu|ein|eich|fy|dy)\b", re.IGNORECASE),
}
_PYPHEN = {"en": "en_GB"}
_WORDFREQ = {"en", "ur"}


@dataclass(frozen=True)
class Finding:
    kind: str       # long-sentence, long-word, rare-word, abbreviation, passive, capitals
    where: str      # the sentence or the word it is about
    advice: str     # what to do, in plain words
    word: str | None = None  # a word that could go in the jargon buster

    def as_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where, "advice": str(self.advice), "word": self.word}


@lru_cache(maxsize=4)
def _hyphenator(language: str):
    import pyphen

    return pyphen.Pyphen(lang=_PYPHEN[language]) if language in _PYPHEN else None


def syllables(word: str, language: str) -> int:
    hyphenator = _hyphenator(language)
    if hyphenator is not None:
        return len(hyphenator.positions(word)) + 1
    # No hyphenation dictionary (Welsh): count groups of vowels, which is close enough to tell long words.
    return max(1, len(re.findall(r"[aeiouwyâêîôûŵŷáéíóú]+", word.lower())))


def frequency(word: str, language: str) -> float | None:
    """How everyday a word is (Zipf scale), or None when we have no word list for the language."""
    if language not in _WORDFREQ:
        return None
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def _short(sentence: str, limit: int = 80) -> str:
    """The start of a long sentence, cut between words."""
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def check(text: str, language: str, known: set[str] = frozenset()) -> list[Finding]:
    """Findings for `text`. `known`: every form of every jargon buster word (lower case)."""
    findings: list[Finding] = []
    seen_words: set[str] = set()
    for sentence in (s.strip() for s in _SENTENCE_END.split(text or "")):
        if not sentence:
            continue
        words = _WORD.findall(sentence)
        if len(words) > MAX_WORDS:
            findings.append(Finding("long-sentence", _short(sentence), _l(
                "This sentence has %(num)d words. Use 15 or fewer: make it two sentences.", num=len(words))))
        passive = _PASSIVE.get(language)
        if passive is not None and passive.search(sentence):
            findings.append(Finding("passive", _short(sentence), _l(
                "Say who does it. For example: \"The council will pay\", not \"It will be paid\".")))
        shouting = _CAPITALS.search(sentence) is not None
        if shouting:
            findings.append(Finding("capitals", _short(sentence), _l(
                "Words in capitals are hard to read. Use small letters.")))
        for abbreviation in [] if shouting else _ABBREVIATION.findall(sentence):
            bare = abbreviation[:-1] if abbreviation.endswith("s") else abbreviation  # "ATUs"
            if bare.lower() in known or bare in seen_words:
                continue
            seen_words.add(bare)
            findings.append(Finding("abbreviation", bare, _l(
                "What does %(word)s mean? Write it in full, or add it to the jargon buster.", word=bare), word=bare))
        for position, word in enumerate(words):
            plain = word.strip("'’-")
            key = plain.lower()
            if (len(plain) < 4 or key in known or key in seen_words or plain.isupper()
                    or (position > 0 and plain[:1].isupper())):  # names of people and places are fine
                continue
            seen_words.add(key)
            zipf = frequency(key, language)
            if zipf is not None and zipf < EVERYDAY_ZIPF:
                findings.append(Finding("rare-word", plain, _l(
                    "\"%(word)s\" is not an everyday word. Use an easier word, or add it to the jargon buster.",
                    word=plain), word=plain))
            elif syllables(key, language) >= 4 and len(plain) >= 9 and (zipf is None or zipf < COMMON_ZIPF):
                findings.append(Finding("long-word", plain, _l(
                    "\"%(word)s\" is a long word. Use a shorter word, or explain it.", word=plain), word=plain))
    return findings

