"""Papers: documents (PDF) attached to an agenda item, each with its easy-read version beside it.

A board's papers are part of its public record once the agenda is published (the same as the agenda
itself), so they are kept as long as the meeting is; the files are ours (coprod/meetings/papers.py
checks and stores them under random names). Before the agenda can be published every paper needs its
easy-read version, or a reason why there is none ("the council is writing it", "it is a map").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow


class Paper(Base):
    __tablename__ = "paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The board too (not only the item): the public page cache traces every change to its board.
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The full paper, as the council wrote it.
    file_name: Mapped[str] = mapped_column(String(80))
    pages: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    # Its easy-read version, or why there is none.
    easy_file_name: Mapped[str | None] = mapped_column(String(80))
    easy_pages: Mapped[int | None] = mapped_column(Integer)
    easy_byte_size: Mapped[int | None] = mapped_column(Integer)
    no_easy_read_reason: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    added_dt: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def ready_to_publish(self) -> bool:
        return self.easy_file_name is not None or bool(self.no_easy_read_reason.strip())
