"""Questions sent before a meeting, "me too"s, and what the secretary did with them.

Nothing is ever deleted by moderation. The person's own words (`text`) are never changed: the
secretary's clearer or redacted wording goes in `public_text`, and the original stays private.
A question joined with a similar one points at it (`joined_to_id`); its asker keeps the credit and
follows the lead question's answer.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.meeting import AgendaItem, Meeting
    from coprod.models.user import Group, User


class QuestionStatus(str, enum.Enum):
    DRAFT = "draft"  # still being written: one page at a time, nothing lost
    SENT = "sent"
    ON_AGENDA = "on_agenda"
    JOINED = "joined"
    ANSWERED = "answered"  # answered in writing
    NOT_TAKEN = "not_taken"  # with an easy-read reason


# Statuses in which the question is out of the secretary's queue.
MODERATED = frozenset({QuestionStatus.ON_AGENDA, QuestionStatus.JOINED, QuestionStatus.ANSWERED,
                       QuestionStatus.NOT_TAKEN})
# Statuses in which the question (its public wording) may be shown to others.
SHOWN = frozenset({QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED})


class Question(Base):
    __tablename__ = "question"
    # A meeting's questions in a status, oldest first: the queue, the public list and their counts (issue 15).
    __table_args__ = (Index("ix_question_meeting_status_sent", "meeting_id", "status", "sent_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    asker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Asked for a self-advocacy group by its facilitator: the question is the group's.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))

    # What the person said it is about: an agenda item, or a topic key (see coprod/topics.py).
    asked_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                      index=True)
    topic: Mapped[str | None] = mapped_column(String(40))
    # The person's own words. Never changed by moderation.
    text: Mapped[str] = mapped_column(Text, default="")
    # A spoken question: a file name the server made, in the instance's question-audio folder.
    audio_name: Mapped[str | None] = mapped_column(String(80))
    audio_seconds: Mapped[int | None] = mapped_column(Integer)
    # What the secretary heard on the recording.
    transcript: Mapped[str] = mapped_column(Text, default="")
    # The wording shown to others: clearer easy read, or with names and health details taken out.
    public_text: Mapped[str] = mapped_column(Text, default="")
    show_name: Mapped[bool] = mapped_column(Boolean, default=True)

    status: Mapped[QuestionStatus] = mapped_column(enum_type(QuestionStatus), default=QuestionStatus.DRAFT,
                                                   index=True)
    # Where the secretary put it on the agenda.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                       index=True)
    joined_to_id: Mapped[int | None] = mapped_column(ForeignKey("question.id"), index=True)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    # Why it was not taken, in easy read.
    reason: Mapped[str] = mapped_column(Text, default="")
    # Safeguarding: never shown to anyone but the asker and the board's secretaries.
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    private_note: Mapped[str] = mapped_column(Text, default="")
    # The person ticked "I am worried about my safety" (while writing it): when sent, the question
    # is private and the board's safeguarding lead is told (coprod/safeguarding).
    worried: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    sent_dt: Mapped[datetime | None] = mapped_column(index=True)
    status_dt: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    asker: Mapped[User] = relationship(lazy="raise", foreign_keys=[asker_id])
    group: Mapped[Group | None] = relationship(lazy="raise")
    asked_item: Mapped[AgendaItem | None] = relationship(lazy="raise", foreign_keys=[asked_item_id])
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise", foreign_keys=[agenda_item_id])
    joined_to: Mapped[Question | None] = relationship(lazy="raise", remote_side=[id])

    @property
    def shown_text(self) -> str:
        """The wording others see: the secretary's, else the person's own (or what they said)."""
        return self.public_text or self.text or self.transcript

    @property
    def is_public(self) -> bool:
        return not self.private and self.status in SHOWN

    @property
    def spoken(self) -> bool:
        return self.audio_name is not None


class MeToo(Base):
    """"I want to ask this too": one per person per question."""

    __tablename__ = "me_too"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
