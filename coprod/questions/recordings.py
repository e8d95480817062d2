"""Spoken questions: check an uploaded or recorded sound file and keep it as MP3.

Whatever people send (a browser recording in WebM or MP4, a phone's M4A, WAV, MP3, OGG...) is
decoded with PyAV (FFmpeg's libraries) and encoded again as mono MP3. So a file that is not audio,
is broken, or is too long is refused with an easy-read reason, and what we keep and serve is
always plain MP3 under a name the server made: never the uploaded bytes, never the uploaded name.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

import av
import lameenc
from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l

from coprod.errors import Refused

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: a few minutes of a phone's best-quality recording
MAX_SECONDS = 5 * 60
MIN_SECONDS = 1
SAMPLE_RATE = 22_050
KBPS = 48
_NAME_LENGTH = 32  # hex characters


_BROKEN = _l("We could not play this sound file. It may be broken. Record it again, or type your question.")


class RecordingRefused(Refused):
    """The file cannot be used; the message is easy read."""


def folder() -> Path:
    return Path(current_app.config["QUESTION_AUDIO_DIR"])


def path_of(name: str) -> Path | None:
    """The stored file for a name we made, or None (never a path from outside the folder)."""
    stem, _dot, extension = name.partition(".")
    if extension != "mp3" or len(stem) != _NAME_LENGTH or not all(c in "0123456789abcdef" for c in stem):
        return None
    path = folder() / name
    return path if path.is_file() else None


def delete(name: str) -> None:
    """Remove a stored recording (a draft thrown away by the person who made it)."""
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)


def _decode(upload: BinaryIO) -> tuple[bytes, float]:
    """Mono 16-bit PCM at SAMPLE_RATE, and its length in seconds. Stops early if it is too long."""
    pcm = bytearray()
    limit = (MAX_SECONDS + 1) * SAMPLE_RATE * 2
    try:
        with av.open(upload, mode="r") as container:
            if not container.streams.audio:
                raise RecordingRefused(_l("This file has no sound in it. Choose a sound file, or record again."))
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(container.streams.audio[0]):
                for chunk in resampler.resample(frame):
                    pcm += bytes(chunk.planes[0])[: chunk.samples * 2]
                if len(pcm) > limit:
                    break
            for chunk in resampler.resample(None):
                pcm += bytes(chunk.planes[0])[: chunk.samples * 2]
    except RecordingRefused:
        raise
    except (av.FFmpegError, ValueError, IndexError, OSError, EOFError):
        raise RecordingRefused(_BROKEN) from None
    if not pcm:  # a header with no sound after it: a cut-off or broken file
        raise RecordingRefused(_BROKEN)
    return bytes(pcm), len(pcm) / 2 / SAMPLE_RATE


def _encode(pcm: bytes) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(KBPS)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm) + encoder.flush())


def store(upload: BinaryIO) -> tuple[str, int]:
    """Check the sound file and keep it as MP3. Returns (file name, seconds). Raises RecordingRefused."""
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise RecordingRefused(_l("This file is empty. Record your question again."))
    if size > MAX_BYTES:
        raise RecordingRefused(_l("This sound file is too big. It can be up to 20 MB. "
                                  "Record a shorter question, or type it."))
    pcm, seconds = _decode(upload)
    if seconds > MAX_SECONDS:
        raise RecordingRefused(_l("This recording is too long. It can be up to 5 minutes."))
    if seconds < MIN_SECONDS:
        raise RecordingRefused(_l("This recording is too short. Record your question again."))
    name = f"{secrets.token_hex(_NAME_LENGTH // 2)}.mp3"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    # Written to a temporary name, then renamed: a half-written file is never served.
    fd, temporary = tempfile.mkstemp(dir=target, prefix=".part-", suffix=".mp3")
    with os.fdopen(fd, "wb") as out:
        out.write(_encode(pcm))
    os.replace(temporary, target / name)
    return name, round(seconds)


def send(name: str | None, download_name: str):
    """The stored MP3 as a response (never cached by shared caches), or 404 if there is none."""
    path = path_of(name) if name else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="audio/mpeg", conditional=True, max_age=0, download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
