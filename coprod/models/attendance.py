"""Coming or not: a person's answer for a meeting ("I am coming" or "I can't come") and the support
they need to take part.

The needs are personal (some are about health): only the person, whoever helped them give the answer,
and the board's secretary see them. They are in the person's "My data" file, go when the person is
erased, and are cleared by the retention job KEEP_ACCESS_NEEDS_DAYS after the meeting (who came and
who sent apologies stays with the meeting). See coprod/meetings/attendance.py.

CheckIn: who was at the meeting ("present"), marked on the day by the secretary (a login card scanned,
its short code typed, or their name tapped). Only the secretary sees the list (the minutes show counts
to everyone, names to the secretary); the person sees their own. Kept with the meeting, as attendance
is; in the person's "My data" file; deleted when the person is erased. See coprod/meetings/checkin.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, utcnow

if TYPE_CHECKING:
    from coprod.models.meeting import Meeting
    from coprod.models.user import User

# How someone was checked in: their card's square picture, its short code, or their name tapped.
CHECK_IN_WAYS = ("card", "code", "name")

# The yes/no needs, in the order pages show them.
NEED_FLAGS = ("support_worker", "bsl", "large_print", "hearing_loop")
# The needs typed in a few words, and their longest length.
NEED_TEXTS = {"diet": 200, "travel": 200, "other_need": 500}


class Attendance(Base):
    """One answer per person per meeting; a second replaces the first."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    coming: Mapped[bool] = mapped_column(Boolean)
    # The support they need (asked only of people who are coming; cleared when they send apologies).
    support_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    bsl: Mapped[bool] = mapped_column(Boolean, default=False)
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    diet: Mapped[str] = mapped_column(String(200), default="")
    travel: Mapped[str] = mapped_column(String(200), default="")
    other_need: Mapped[str] = mapped_column(String(500), default="")
    # Who helped give the answer (a supporter on the person's device), as on votes and questions.
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    answered_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # When the retention job cleared the needs (the meeting was long ago).
    needs_cleared_dt: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])

    @property
    def needs(self) -> list[str]:
        """The needs asked for: the names of the ticked boxes, then the typed ones."""
        return [name for name in NEED_FLAGS if getattr(self, name)] + [
            name for name in NEED_TEXTS if getattr(self, name)]


class CheckIn(Base):
    """The person was at the meeting: one row per person per meeting; undoing a check-in deletes it."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    checked_in_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Who checked them in (the secretary); None once that person is erased.
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # card, code or name (CHECK_IN_WAYS).
    how: Mapped[str] = mapped_column(String(10))

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])
