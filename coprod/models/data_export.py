"""A "My data" file (UK GDPR art. 15): everything about one person, in one zip, made by the worker.

The file lives in the instance folder (EXPORT_DIR) under a name the server made; only the person
it is about, or the staff member who made it for them (a request on paper), can download it, and
only until `expires_dt` (KEEP_EXPORT_DAYS). Then the file is removed and the row says so.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, enum_type, utcnow


class ExportStatus(str, enum.Enum):
    MAKING = "making"    # waiting for the worker, or being made
    READY = "ready"      # the file is there until expires_dt
    FAILED = "failed"    # the worker could not make it; ask again
    EXPIRED = "expired"  # past its time: the file is gone


class DataExport(Base):
    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose data it is.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Who asked: the person, or a secretary or admin for a request on paper.
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    on_paper: Mapped[bool] = mapped_column(default=False)
    # The language of the easy-read summary in the file.
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[ExportStatus] = mapped_column(enum_type(ExportStatus, length=10), default=ExportStatus.MAKING,
                                                 index=True)
    # A random name the server made, in EXPORT_DIR; None before it is made and after it is removed.
    file_name: Mapped[str | None] = mapped_column(String(80))
    byte_size: Mapped[int | None] = mapped_column(Integer)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    ready_dt: Mapped[datetime | None]
    expires_dt: Mapped[datetime | None] = mapped_column(index=True)
