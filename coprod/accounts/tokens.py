"""Secrets for links and cards. Only their SHA-256 hashes are stored."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L: a short code must be easy to read off a card and type.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_code(typed: str) -> str:
    """People type codes with spaces, dashes and small letters; all are fine."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"
