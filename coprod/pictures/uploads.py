"""Uploaded picture files: check what was sent, make our own copy, keep it, serve it.

Whatever arrives is opened with Pillow by its content (never its name or the browser's type), so
only PNG, JPEG, WebP and GIF (first frame) get in; SVG (it can carry script), anything else and
decompression bombs are refused with an easy-read reason. What we keep is our own WebP: turned
the right way up, at most 512 px, with no metadata (no EXIF, no GPS position, no camera), under a
random name. A picture waits in `pending/` until its alt text is given, so a missing alt text never
means choosing the file again.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from coprod.errors import Refused

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a "decompression bomb" or a mistake
MAX_SIDE = 512
FORMATS = ["PNG", "JPEG", "WEBP", "GIF"]
EXTENSION = "webp"
PENDING_HOURS = 24
_NAME_LENGTH = 32  # hex characters

_NOT_A_PICTURE = _l("This file is not a picture we can use. Choose a photo or picture: "
                    "PNG, JPEG, WebP or GIF.")


class PictureRefused(Refused):
    """The file cannot be used; the message is easy read."""


@dataclass(frozen=True)
class Made:
    data: bytes
    width: int
    height: int


def folder() -> Path:
    return Path(current_app.config["PICTURE_DIR"])


def _pending_folder() -> Path:
    return folder() / "pending"


def _valid_name(name: str | None) -> bool:
    stem, _dot, extension = (name or "").partition(".")
    return extension == EXTENSION and len(stem) == _NAME_LENGTH and all(c in "0123456789abcdef" for c in stem)


def path_of(name: str | None) -> Path | None:
    """The kept file for a name we made, or None (never a path from outside the folder)."""
    if not _valid_name(name):
        return None
    path = folder() / name
    return path if path.is_file() else None


def pending_path(name: str | None) -> Path | None:
    if not _valid_name(name):
        return None
    path = _pending_folder() / name
    return path if path.is_file() else None


def _size_of(upload: BinaryIO) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def make(upload: BinaryIO) -> Made:
    """Check the file and make our own copy. Raises PictureRefused with an easy-read reason."""
    size = _size_of(upload)
    if size == 0:
        raise PictureRefused(_l("This file is empty. Choose the picture again."))
    if size > MAX_BYTES:
        raise PictureRefused(_l("This picture file is too big. It can be up to 5 MB. "
                                "Choose a smaller picture."))
    head = upload.read(1024).lstrip().lower()
    upload.seek(0)
    if head.startswith(b"<") and b"<svg" in head or head.startswith(b"<svg"):
        raise PictureRefused(_l("We cannot use SVG drawings. Save it as PNG or JPEG, then choose it again."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise PictureRefused(_l("This picture has too many pixels for us. "
                                            "Make it smaller, then choose it again."))
                opened.seek(0)  # a GIF's first frame
                opened.load()
                picture = ImageOps.exif_transpose(opened)
    except PictureRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PictureRefused(_l("This picture has too many pixels for us. "
                                "Make it smaller, then choose it again.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError):
        raise PictureRefused(_NOT_A_PICTURE) from None
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the file's metadata comes along.
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=85, method=4)
    return Made(out.getvalue(), clean.width, clean.height)


def _write(target: Path, data: bytes) -> str:
    """Write under a new random name (temporary file, then renamed: a half-written file is never served)."""
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(_NAME_LENGTH // 2)}.{EXTENSION}"
    fd, temporary = tempfile.mkstemp(dir=target, prefix=".part-", suffix=f".{EXTENSION}")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, target / name)
    return name


def keep_pending(made: Made) -> str:
    """Keep a checked picture until its alt text is given. Old waiting pictures are cleared away."""
    _clear_old_pending()
    return _write(_pending_folder(), made.data)


def _clear_old_pending() -> None:
    limit = time.time() - PENDING_HOURS * 3600
    pending = _pending_folder()
    if not pending.is_dir():
        return
    for path in pending.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another process cleared it first
            pass


def take_pending(name: str) -> tuple[str, int, int]:
    """Move a waiting picture into the library folder. Returns (file name, width, height)."""
    source = pending_path(name)
    if source is None:
        raise PictureRefused(_l("Choose the picture again. We kept it for one day only."))
    with Image.open(source) as image:
        width, height = image.size
    target = folder() / name
    os.replace(source, target)
    return name, width, height


def keep(made: Made) -> str:
    """Keep a checked picture straight away (demo data)."""
    return _write(folder(), made.data)


def delete(name: str) -> None:
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)


def send(path: Path | None, *, cache: bool):
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/webp", conditional=True, max_age=31536000 if cache else 0)
    if cache:  # the name is random and the file never changes: a year is safe
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response
