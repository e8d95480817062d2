"""Redirect targets: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a plain path on this site, otherwise `default`.

    Browsers treat '//evil', '/\\evil' and tabs or newlines inside a URL as off-site, so those
    are refused, as is anything with a scheme or a host.
    """
    if not target or not isinstance(target, str):
        return default
    if any(ord(ch) < 33 or ch == "\\" or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
