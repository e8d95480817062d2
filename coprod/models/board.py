"""Boards and the role each person has on them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.user import User


class Role(str, enum.Enum):
    MEMBER = "member"
    CARER = "carer"
    SUPPORTER = "supporter"
    SECRETARY = "secretary"
    COMMISSIONER = "commissioner"


class Board(Base):
    __tablename__ = "board"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    picture: Mapped[str] = mapped_column(String(60), default="board")
    # An easy-read sentence or two: what this board is for.
    about: Mapped[str] = mapped_column(Text, default="")
    # When a person is erased, their public questions go ("go", the default) or stay with their
    # name and own words taken out, as "Someone asked" ("someone"). See coprod/privacy/erasure.py.
    erased_questions: Mapped[str] = mapped_column(String(10), default="go", server_default="go")
    # Quorum: how many people must be at a meeting for it to make decisions (None: not set).
    quorum: Mapped[int | None] = mapped_column(Integer)
    # The safeguarding lead: told at once about private questions and "I am worried about my safety"
    # (coprod/safeguarding). None: the board's secretaries and the site admins are told instead.
    safeguarding_lead_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Involvement payments (coprod/payments): what the board pays a self-advocate or family carer for
    # coming to a meeting, and the most it pays back for travel, in pence. 0 and 0: the board pays nothing.
    involvement_pence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    travel_max_pence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(lazy="raise", back_populates="board")
    safeguarding_lead: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[safeguarding_lead_id])


class Membership(Base):
    """One role per person per board."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("board_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, length=20))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board] = relationship(lazy="raise", back_populates="memberships")
    user: Mapped[User] = relationship(lazy="raise_on_sql", back_populates="memberships")
