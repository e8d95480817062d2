"""How a sentence is said out loud: web addresses, email addresses and long codes are read in a way
a person can follow, instead of as one long run of letters (espeak-ng spells them out, slowly).

    "https://coprod.example/api/records.json"  ->  "coprod dot example slash api slash records dot json"
    "help@coprod.example"                      ->  "help at coprod dot example"
    "key 3f9a2c71e0b4d5a6c7e8f9a0b1c2d3e4"      ->  "key a code shown on the screen"

Only the spoken form changes: the sentence shown on the page (and highlighted while it is read)
stays as it is. The words for "dot", "slash" and "at" are in the voice's own language.
"""

from __future__ import annotations

import re

# The words for the punctuation of addresses, by language (the first part of the voice's name).
WORDS = {
    "en": {"dot": "dot", "slash": "slash", "at": "at", "dash": "dash", "code": "a code shown on the screen"},
    "cy": {"dot": "dot", "slash": "slaes", "at": "at", "dash": "llinell", "code": "cod sydd ar y sgrin"},
    "ur": {"dot": "ڈاٹ", "slash": "سلیش", "at": "ایٹ", "dash": "ڈیش", "code": "اسکرین پر دکھایا گیا کوڈ"},
}

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/[^\s<>\"']*)+", re.I)
# A run of letters and digits of 12 or more with both in it (a key, a hash, a reference), or any
# run of 25 or more: nobody follows it read out letter by letter.
_CODE = re.compile(r"\b(?=\w*\d)(?=\w*[^\W\d_])\w{12,}\b|\b\w{25,}\b")
_TRAILING = ".,;:!?)]}'\""


def _words_for(voice: str) -> dict[str, str]:
    return WORDS.get(voice.lower().split("-")[0], WORDS["en"])


def _say_parts(text: str, words: dict[str, str]) -> str:
    """coprod.example/api/x_y-z -> coprod dot example slash api slash x y dash z"""
    spoken = []
    for piece in re.split(r"([./@\-_?=&#:])", text):
        if piece == ".":
            spoken.append(words["dot"])
        elif piece == "/":
            spoken.append(words["slash"])
        elif piece == "@":
            spoken.append(words["at"])
        elif piece == "-":
            spoken.append(words["dash"])
        elif piece and piece not in "_?=&#:":
            spoken.append(words["code"] if _CODE.fullmatch(piece) else piece)
    return " ".join(spoken)


def _address(match: re.Match, words: dict[str, str]) -> str:
    text = match.group(0)
    tail = ""
    while text and text[-1] in _TRAILING:
        text, tail = text[:-1], text[-1] + tail
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text, flags=re.I).rstrip("/")
    return _say_parts(text, words) + tail


def speakable(sentence: str, voice: str = "en") -> str:
    """The words to say for `sentence` with `voice`."""
    words = _words_for(voice)
    sentence = _EMAIL.sub(lambda m: _say_parts(m.group(0), words), sentence)
    sentence = _URL.sub(lambda m: _address(m, words), sentence)
    return _CODE.sub(words["code"], sentence)
