"""Postal addresses for the meeting pack by post: GOV.UK Notify posts a letter only to an address of
3 to 7 lines whose last line is a UK postcode (or a country). The letter's first line is the
person's name, so they type 3 to 6 lines. Lines must fit the envelope's window."""

from __future__ import annotations

import re

LINES = (3, 6)  # typed; the name makes 4 to 7
LINE_LENGTH = 45  # about what fits across the address block at 9 point
# A UK postcode: the outward code (1-2 letters, a number, maybe a letter or number), then the inward
# code (a number and two letters). The space is optional when typed.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def postcode(text: str) -> str | None:
    """A UK postcode written the usual way ("SW1A 1AA"), or None if `text` is not one."""
    found = _POSTCODE.match(text.strip().upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def lines_of(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def normalise(text: str | None) -> str | None:
    """The address as it is kept: one line each, no empty lines, the postcode written the usual way.
    None when it is empty. (The form has checked it with `problem` first.)"""
    lines = lines_of(text)
    if not lines:
        return None
    lines[-1] = postcode(lines[-1]) or lines[-1]
    return "\n".join(lines)
