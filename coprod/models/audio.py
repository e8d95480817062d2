"""Spoken audio of a page: one clip per (sentences, language, voice, speed, engine version).

The key is a SHA-256 of those, so the same words make the same file once, whoever reads them.
Rows are written only by the worker; pages only read them (one query) and ask for jobs.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, enum_type, utcnow


class ClipStatus(str, enum.Enum):
    PENDING = "pending"   # asked for, or waiting for a retry
    READY = "ready"       # the file is in the store
    FAILED = "failed"     # every retry failed; `error` says why


class AudioClip(Base):
    __tablename__ = "audio_clip"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(10))
    voice: Mapped[str] = mapped_column(String(40))
    speed: Mapped[str] = mapped_column(String(10))
    status: Mapped[ClipStatus] = mapped_column(
        enum_type(ClipStatus, length=10), default=ClipStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    byte_size: Mapped[int | None]
    seconds: Mapped[float | None] = mapped_column(Float)
    # JSON list of the sentences spoken, in order (kept so `coprod audio remake` can make it again);
    # {"sentences": [...], "languages": [...]} when some are in another language than the page.
    sentences_json: Mapped[str] = mapped_column(Text, deferred=True)
    # JSON list of the second at which each sentence starts, for highlighting.
    timings_json: Mapped[str | None] = mapped_column(Text)
    # Set while a worker is making it; a stale claim means that worker died.
    claimed_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Made from a page only some people may see (signed in, or a page with a secret in its URL):
    # served only through a signed, short-lived URL bound to the person, never cached. It becomes
    # public once a public page (signed out, open to anyone) speaks the same words.
    is_private: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @property
    def is_ready(self) -> bool:
        return self.status == ClipStatus.READY
