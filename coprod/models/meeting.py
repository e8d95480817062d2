"""Board meetings and their agenda items.

Questions (later) hang off a meeting and, once the secretary places them, off an agenda item;
proposals already can (`Proposal.agenda_item_id`). Who may see what follows the status:
the agenda is a draft until it is published, the minutes until they are published.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.board import Board
    from coprod.models.paper import Paper


class MeetingStatus(str, enum.Enum):
    PLANNED = "planned"
    TAKING_QUESTIONS = "taking_questions"
    AGENDA_PUBLISHED = "agenda_published"
    HELD = "held"
    MINUTES_PUBLISHED = "minutes_published"


# Statuses in which the agenda is part of the board's public record.
AGENDA_PUBLIC = frozenset({MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED})


# The access facts about a meeting's place, in the order pages show them.
ACCESS_FIELDS = ("step_free", "hearing_loop", "quiet_room", "accessible_toilets")


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Easy read: what the meeting is about, for the "Next meeting" page.
    about: Mapped[str] = mapped_column(Text, default="")
    starts_dt: Mapped[datetime] = mapped_column(index=True)
    ends_dt: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(200))
    # Easy read: how to get there, and anything else about the place.
    place_notes: Mapped[str] = mapped_column(Text, default="")
    place_picture: Mapped[str] = mapped_column(String(60), default="board")
    online_url: Mapped[str | None] = mapped_column(String(500))
    # Access at the place: yes (True), no (False) or not known (None). Shown on the meeting page,
    # in the pack and in the calendar feed.
    step_free: Mapped[bool | None] = mapped_column(Boolean)
    hearing_loop: Mapped[bool | None] = mapped_column(Boolean)
    quiet_room: Mapped[bool | None] = mapped_column(Boolean)
    accessible_toilets: Mapped[bool | None] = mapped_column(Boolean)
    question_deadline_dt: Mapped[datetime | None]
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus), default=MeetingStatus.PLANNED)
    agenda_published_dt: Mapped[datetime | None]
    # The secretary stopped taking questions before the deadline (its own action, with a check page).
    questions_stopped_dt: Mapped[datetime | None]
    minutes_published_dt: Mapped[datetime | None]
    # The board's quorum as it was for this meeting: kept at the first check-in, or when the meeting is
    # marked held or its minutes published, so a later change to the board's quorum does not rewrite
    # what its minutes say. None: not kept yet (the board's own is shown).
    quorum_needed: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board] = relationship(lazy="raise")
    items: Mapped[list[AgendaItem]] = relationship(lazy="raise", back_populates="meeting", order_by="AgendaItem.position")

    @property
    def agenda_is_public(self) -> bool:
        """Public once published, and still public if the secretary moves the meeting back a step:
        what people could read is never hidden again (a link they kept must not become a 404)."""
        return self.status in AGENDA_PUBLIC or self.agenda_published_dt is not None

    @property
    def agenda_being_changed(self) -> bool:
        """Published before, then moved back a step: the secretary is changing the agenda."""
        return self.agenda_is_public and self.status not in AGENDA_PUBLIC

    @property
    def minutes_are_public(self) -> bool:
        return self.status == MeetingStatus.MINUTES_PUBLISHED

    @property
    def is_over(self) -> bool:
        return self.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED)


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    # Versions in other languages name an item by its id (no foreign key): an id is never used twice.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    # 0, 1, 2...: the order on the agenda; moved with up/down buttons.
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    picture: Mapped[str] = mapped_column(String(60), default="talk")
    presenter: Mapped[str] = mapped_column(String(120), default="")
    # The time slot, counted from the meeting's start, so it moves with the meeting.
    starts_after_minutes: Mapped[int | None] = mapped_column(Integer)
    length_minutes: Mapped[int | None] = mapped_column(Integer)
    # Easy read: what happened, written by the secretary after the meeting.
    minutes_text: Mapped[str] = mapped_column(Text, default="")
    # The language it was written in (versions in other languages: ContentLanguage).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")

    meeting: Mapped[Meeting] = relationship(lazy="raise_on_sql", back_populates="items")
    # Its papers (coprod/meetings/papers.py): joined with the items where a meeting page loads them.
    papers: Mapped[list[Paper]] = relationship(lazy="raise", order_by="Paper.id", viewonly=True)

    def slot(self, meeting_starts: datetime) -> tuple[datetime | None, datetime | None]:
        """(starts, ends) in UTC, or None where not set."""
        if self.starts_after_minutes is None:
            return None, None
        starts = meeting_starts + timedelta(minutes=self.starts_after_minutes)
        ends = starts + timedelta(minutes=self.length_minutes) if self.length_minutes else None
        return starts, ends
