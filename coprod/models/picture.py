"""Pictures an organisation uploads to the picture library (the bundled symbols need no rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow

UPLOAD_PREFIX = "upload-"


class Picture(Base):
    """An uploaded picture. Content names it as `upload-<id>` in the same picture columns the bundled
    symbols use. A removed picture keeps its row (the audit log points at it, and its id is never
    given to another picture); its file is deleted and pages show a plain picture instead."""

    __tablename__ = "picture"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the server made: a random name in the picture folder, never the uploaded name.
    file_name: Mapped[str] = mapped_column(String(40), unique=True)
    alt_text: Mapped[str] = mapped_column(String(300))
    search_words: Mapped[str] = mapped_column(String(300), default="")
    width: Mapped[int]
    height: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    removed_dt: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    @property
    def name(self) -> str:
        return f"{UPLOAD_PREFIX}{self.id}"
