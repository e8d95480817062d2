"""Where things live on disk. Templates, static files and translations sit beside the package."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("COPROD_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()
