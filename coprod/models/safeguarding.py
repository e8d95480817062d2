"""Safeguarding: a concern about a person's safety, and what the board's safeguarding lead did.

A concern is made when a person sends a question with "I am worried about my safety" ticked, or when
the secretary marks a question private. The board's safeguarding lead (`Board.safeguarding_lead_id`)
is told at once. Only the lead and site admins see concerns and their notes: never the secretary,
never anyone else, never a public page. Concerns and their notes go when the person is erased
(coprod/privacy/erasure.py).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.board import Board
    from coprod.models.question import Question
    from coprod.models.user import User


class ConcernReason(str, enum.Enum):
    WORRIED = "worried"  # the person ticked "I am worried about my safety"
    MARKED_PRIVATE = "marked_private"  # the secretary marked the question private


class SafeguardingConcern(Base):
    __tablename__ = "safeguarding_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    # One concern per question: marking a question private twice does not make a second one.
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), unique=True)
    # Who it is about: the person who asked.
    person_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[ConcernReason] = mapped_column(enum_type(ConcernReason, length=20))
    # The secretary who marked the question private (None: the person told us themselves).
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the lead (or, with no lead, the secretaries and site admins) was told, and who: "lead" or "others".
    told_dt: Mapped[datetime | None]
    told: Mapped[str] = mapped_column(String(10), default="")
    closed_dt: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    board: Mapped[Board] = relationship(lazy="raise")
    question: Mapped[Question] = relationship(lazy="raise")
    person: Mapped[User] = relationship(lazy="raise", foreign_keys=[person_id])
    notes: Mapped[list[SafeguardingNote]] = relationship(lazy="raise", back_populates="concern",
                                                         order_by="SafeguardingNote.id")

    @property
    def is_open(self) -> bool:
        return self.closed_dt is None


class SafeguardingNote(Base):
    """What the lead did: dated, by whom. Only the lead and site admins read these."""

    __tablename__ = "safeguarding_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_concern.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    concern: Mapped[SafeguardingConcern] = relationship(lazy="raise_on_sql", back_populates="notes")
    by: Mapped[User | None] = relationship(lazy="raise")
