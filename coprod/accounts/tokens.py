"""Secrets for links, cards and authenticator apps.

Sign-in links and sign-ins store the SHA-256 of a long random token: nobody can guess one back.
A login card's short code is short (8 letters), so its hash, and the card's token hash, are
keyed: HMAC-SHA256 with the server's code key (`CODE_KEY`, kept in the instance folder or the
environment, never in the database) over the SHA-256 of the secret. A copy of the database
alone then gives no way to test guesses offline. Hashing the SHA-256 (not the secret itself)
lets a card stored before keys existed be upgraded without knowing its code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

# No 0/O, 1/I/L: a short code must be easy to read off a card and type.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# How a login card's hashes were made (login_card.hash_scheme).
SCHEME_SHA256 = "sha256"        # cards made before keyed hashes: plain SHA-256
SCHEME_KEYED = "hmac-sha256"    # HMAC-SHA256(code key, SHA-256 hex of the secret)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_key() -> bytes:
    return current_app.config["CODE_KEY"].encode()


def keyed(sha256_hex: str) -> str:
    """The keyed hash of a secret whose SHA-256 is `sha256_hex` (also upgrades an old hash)."""
    return hmac.new(_code_key(), sha256_hex.encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str) -> str:
    return keyed(hash_secret(value))


def key_for(kind: str, *parts: str) -> str:
    """A throttle key that names no email or address in the database: kind + keyed hash."""
    digest = hmac.new(_code_key(), "|".join(("throttle", kind) + parts).encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def seal(secret: str) -> str:
    """Encrypt a short secret (an authenticator key, at most 32 bytes) with the code key:
    an HMAC-SHA256 key stream for a random nonce, then an HMAC over it (encrypt-then-MAC)."""
    data = secret.encode()
    if len(data) > 32:
        raise ValueError("secret too long to seal")
    nonce = secrets.token_bytes(16)
    pad = hmac.new(_code_key(), b"seal" + nonce, hashlib.sha256).digest()
    sealed = nonce + bytes(a ^ b for a, b in zip(data, pad))
    tag = hmac.new(_code_key(), b"tag" + sealed, hashlib.sha256).digest()[:16]
    return "v1$" + base64.urlsafe_b64encode(sealed + tag).decode()


def unseal(value: str) -> str | None:
    if not value or not value.startswith("v1$"):
        return None
    try:
        raw = base64.urlsafe_b64decode(value[3:].encode())
    except ValueError:
        return None
    sealed, tag = raw[:-16], raw[-16:]
    expected = hmac.new(_code_key(), b"tag" + sealed, hashlib.sha256).digest()[:16]
    if len(sealed) < 16 or not hmac.compare_digest(tag, expected):
        return None  # another key, or changed
    nonce, body = sealed[:16], sealed[16:]
    pad = hmac.new(_code_key(), b"seal" + nonce, hashlib.sha256).digest()
    return bytes(a ^ b for a, b in zip(body, pad)).decode()


def normalise_code(typed: str) -> str:
    """People type codes with spaces, dashes and small letters; all are fine."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"
