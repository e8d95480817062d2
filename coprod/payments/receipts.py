"""Photos of travel receipts: check what was sent, keep our own copy privately, serve it only to the
person and the board's secretary.

Opened with Pillow by content (never the name or the browser's type): only JPEG and PNG get in. What
we keep is our own JPEG, turned the right way up, at most MAX_SIDE px (still readable), with no
metadata (no EXIF, no GPS position), under a random name in RECEIPT_DIR. Never a public address:
the file is sent by a view that checks who is asking (coprod/payments/views.py).
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import warnings
from pathlib import Path
from typing import BinaryIO

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from coprod.errors import Refused

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
FORMATS = ["JPEG", "PNG"]
EXTENSION = "jpg"
_NAME_LENGTH = 32  # hex characters

_NOT_A_PHOTO = _l("This file is not a photo we can use. Take a photo of the receipt, or choose a JPEG or PNG file.")


class ReceiptRefused(Refused):
    """The file cannot be used; the message is easy read."""


def folder() -> Path:
    return Path(current_app.config["RECEIPT_DIR"])


def _valid_name(name: str | None) -> bool:
    stem, _dot, extension = (name or "").partition(".")
    return extension == EXTENSION and len(stem) == _NAME_LENGTH and all(c in "0123456789abcdef" for c in stem)


def path_of(name: str | None) -> Path | None:
    """The kept file for a name we made, or None (never a path from outside the folder)."""
    if not _valid_name(name):
        return None
    path = folder() / str(name)
    return path if path.is_file() else None


def make(upload: BinaryIO) -> bytes:
    """Check the file and make our own JPEG. Raises ReceiptRefused with an easy-read reason."""
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ReceiptRefused(_l("This file is empty. Take the photo again."), field="receipt")
    if size > MAX_BYTES:
        raise ReceiptRefused(_l("This photo is too big. It can be up to 8 MB. Take a smaller photo."),
                             field="receipt")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise ReceiptRefused(_l("This photo has too many pixels for us. Take a smaller photo."),
                                         field="receipt")
                opened.load()
                photo = ImageOps.exif_transpose(opened)
    except ReceiptRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ReceiptRefused(_l("This photo has too many pixels for us. Take a smaller photo."),
                             field="receipt") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError):
        raise ReceiptRefused(_NOT_A_PHOTO, field="receipt") from None
    photo = photo.convert("RGB")
    photo.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the file's metadata comes along.
    clean = Image.frombytes(photo.mode, photo.size, photo.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85)
    return out.getvalue()


def keep(data: bytes) -> str:
    """Write under a new random name (a temporary file, then renamed). Returns the name."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(_NAME_LENGTH // 2)}.{EXTENSION}"
    fd, temporary = tempfile.mkstemp(dir=target, prefix=".part-", suffix=f".{EXTENSION}")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, target / name)
    return name


def read(name: str | None) -> bytes | None:
    """The kept photo's bytes, or None (no such file, or not a name we made)."""
    path = path_of(name)
    return path.read_bytes() if path is not None else None


def delete(name: str | None) -> None:
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)


def send(name: str | None):
    """The receipt photo, never cached by anyone else (or 404)."""
    path = path_of(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
