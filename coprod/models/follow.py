""""You said, we did" records, their actions with a dated history, and what people said about them.

A record is written as a draft and published by a commissioner or the secretary. An action's
history is a list of `ActionUpdate` rows that are only ever added, never changed. A person who
asked one of the record's questions can say Happy, OK or Not happy: one answer each, a second
replaces the first. "Not happy" answers and late actions come back to the board's next meeting.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.board import Board
    from coprod.models.meeting import AgendaItem, Meeting
    from coprod.models.proposal import Proposal
    from coprod.models.question import Question


class RecordStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ActionStatus(str, enum.Enum):
    PLANNED = "planned"
    STARTED = "started"
    DONE = "done"
    COULD_NOT_DO = "could_not_do"


# An action in one of these is finished: it can no longer be late.
FINISHED = frozenset({ActionStatus.DONE, ActionStatus.COULD_NOT_DO})


class Feeling(str, enum.Enum):
    HAPPY = "happy"
    OK = "ok"
    NOT_HAPPY = "not_happy"


class Record(Base):
    __tablename__ = "said_did_record"
    # Versions in other languages name a record by its id (no foreign key): an id is never used twice.
    # The tracker: a board's published records, newest first, a page at a time (issue 15).
    __table_args__ = (Index("ix_said_did_record_board_status_published", "board_id", "status", "published_dt"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    # A short name for the record, e.g. "Job coaches".
    title: Mapped[str] = mapped_column(String(200))
    # You said: an easy-read summary of what people said (questions, a vote, a topic).
    said_text: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str | None] = mapped_column(String(40), index=True)
    # The meeting where it was said, if any.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    # A closed vote whose result this answers.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    # We did: easy read, with a picture.
    did_text: Mapped[str] = mapped_column(Text, default="")
    did_picture: Mapped[str] = mapped_column(String(60), default="yes")
    status: Mapped[RecordStatus] = mapped_column(enum_type(RecordStatus), default=RecordStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    published_dt: Mapped[datetime | None] = mapped_column(index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The agenda item it was last brought back to the board under ("Came back to the board").
    came_back_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                           index=True)
    # When it was last brought back: "Not happy" answers from before then have been heard.
    came_back_dt: Mapped[datetime | None]
    # The language it was written in (versions in other languages: ContentLanguage).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")

    board: Mapped[Board] = relationship(lazy="raise")
    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    proposal: Mapped[Proposal | None] = relationship(lazy="raise")
    came_back_item: Mapped[AgendaItem | None] = relationship(lazy="raise")
    # The actions in force; one taken away (a copy made by mistake) is kept but not among them.
    actions: Mapped[list[Action]] = relationship(
        lazy="raise", back_populates="record", order_by="Action.id",
        primaryjoin="and_(Record.id == Action.record_id, Action.removed_dt.is_(None))")
    links: Mapped[list[RecordQuestion]] = relationship(lazy="raise", back_populates="record", order_by="RecordQuestion.id")

    @property
    def is_published(self) -> bool:
        return self.status == RecordStatus.PUBLISHED


class RecordQuestion(Base):
    """A question the record answers (questions joined to it follow it)."""

    __tablename__ = "said_did_question"
    __table_args__ = (UniqueConstraint("record_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("said_did_record.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)

    record: Mapped[Record] = relationship(lazy="raise_on_sql", back_populates="links")
    question: Mapped[Question] = relationship(lazy="raise")


class Action(Base):
    __tablename__ = "said_did_action"
    # Actions in a step and late ones (status, due date): for one record (the tracker's filters) and
    # for a board (its counts, what came back to the board, the dashboard) (issue 15).
    __table_args__ = (Index("ix_said_did_action_record_status_due", "record_id", "status", "due_date"),
                      Index("ix_said_did_action_board_status_due", "board_id", "status", "due_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("said_did_record.id"))
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    what: Mapped[str] = mapped_column(Text)
    how: Mapped[str] = mapped_column(Text, default="")
    # Who: a named person and their organisation.
    who_name: Mapped[str] = mapped_column(String(120))
    who_organisation: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.PLANNED, index=True)
    # Why it could not be done, in easy read.
    reason: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    status_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # The board's local day it was done or given up: "on time" compares this with due_date.
    finished_date: Mapped[date | None] = mapped_column(Date)
    # A duplicate (or a mistake) is removed with a reason, never deleted: the record's page no longer
    # shows it, its history keeps it.
    removed_dt: Mapped[datetime | None]
    removed_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    record: Mapped[Record] = relationship(lazy="raise_on_sql", back_populates="actions")
    updates: Mapped[list[ActionUpdate]] = relationship(lazy="raise", back_populates="action", order_by="ActionUpdate.id")

    def is_late(self, today: date) -> bool:
        return self.status not in FINISHED and self.due_date < today

    @property
    def done_on_time(self) -> bool:
        return self.status == ActionStatus.DONE and self.finished_date is not None \
            and self.finished_date <= self.due_date


class ActionUpdate(Base):
    """One dated change to an action. Only ever added: the history is never rewritten."""

    __tablename__ = "said_did_action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("said_did_action.id"), index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    # What changed: "status" (a new status, with a note), "due_date" (the new date in due_date, the
    # reason in note) or "removed" (the reason in note).
    change: Mapped[str] = mapped_column(String(20), default="status", server_default="status")
    due_date: Mapped[date | None] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    action: Mapped[Action] = relationship(lazy="raise_on_sql", back_populates="updates")


class Feedback(Base):
    """"Are you happy with this?" One answer per person per record; a second replaces the first."""

    __tablename__ = "said_did_feedback"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("said_did_record.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    feeling: Mapped[Feeling] = mapped_column(enum_type(Feeling))
    comment: Mapped[str] = mapped_column(Text, default="")
    # A spoken comment: an MP3 the server made (see questions.recordings); only the person and the
    # board's secretaries and commissioners can play it.
    audio_name: Mapped[str | None] = mapped_column(String(80))
    audio_seconds: Mapped[int | None] = mapped_column(Integer)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)


class Follower(Base):
    """Someone who pressed "Follow this" on a record."""

    __tablename__ = "said_did_follower"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("said_did_record.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class UpdateKind(str, enum.Enum):
    ANSWERED = "answered"  # a record answering your question is published
    PUBLISHED = "published"  # a record you follow is published
    ACTION = "action"  # an action changed


class PersonUpdate(Base):
    """A line on someone's "Updates" page: what changed for them."""

    __tablename__ = "said_did_person_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("said_did_record.id"), index=True)
    kind: Mapped[UpdateKind] = mapped_column(enum_type(UpdateKind))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("said_did_action.id"), index=True)
    status: Mapped[ActionStatus | None] = mapped_column(enum_type(ActionStatus))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    record: Mapped[Record] = relationship(lazy="raise")
    action: Mapped[Action | None] = relationship(lazy="raise")
