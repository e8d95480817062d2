"""Audio files on disk, one per key: <AUDIO_DIR>/ab/abcdef....mp3 (shared storage at scale).

A file is written to a temporary name in the same folder, flushed to disk, checked for its full
size, and only then renamed into place, so a reader never sees half a file, and a full disk is
an error rather than a short file.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Iterator

KEY = re.compile(r"^[0-9a-f]{64}$")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class AudioStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError("not an audio key")
        return self.root / key[:2] / f"{key}.mp3"

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def save(self, key: str, data: bytes) -> int:
        final = self.path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=final.parent, prefix=".part-", suffix=".mp3")
        try:
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if os.path.getsize(temporary) != len(data):
                raise OSError(f"only part of {key}.mp3 was written")
            os.chmod(temporary, 0o644)
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return len(data)

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def keys(self, older_than_seconds: float = 0) -> Iterator[str]:
        """Keys of the files in the store (for cleaning up files no clip row knows)."""
        cutoff = time.time() - older_than_seconds
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/*.mp3"):
            if KEY.match(path.stem) and path.stat().st_mtime <= cutoff:
                yield path.stem

    def remove_leftovers(self, older_than_seconds: float = 3600) -> int:
        """Temporary files left by a worker that died mid-write."""
        cutoff, removed = time.time() - older_than_seconds, 0
        if self.root.is_dir():
            for path in self.root.glob("??/.part-*"):
                if path.stat().st_mtime <= cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
