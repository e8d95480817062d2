"""UK mobile numbers, as people type them: "07700 900123", "+44 7700 900123", "(07700) 900-123".

Kept as +447700900123; shown as 07700 900123. A number is personal data: it never goes in a log line.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-]+")


def normalise(typed: str | None) -> str | None:
    """+447... for a UK mobile number, or None if it is not one."""
    if not typed:
        return None
    digits = _SEPARATORS.sub("", typed.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("44"):
            return None
    elif digits.startswith("0044"):
        digits = digits[2:]
    if not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith("44"):
        rest = digits[2:].removeprefix("0")  # +44 (0)7700 ...
    elif digits.startswith("07"):
        rest = digits[1:]
    else:
        return None
    if len(rest) != 10 or not rest.startswith("7"):
        return None
    return "+44" + rest


def shown(stored: str | None) -> str:
    """07700 900123, for the person's own settings page."""
    if not stored:
        return ""
    local = "0" + stored.removeprefix("+44")
    return f"{local[:5]} {local[5:]}"
