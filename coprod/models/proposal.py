"""Proposals the board decides, their choices, and the votes.

A vote is kept in two parts. `Vote` says that a person voted (and who helped them); `Ballot`
holds the choice under a key made with a server secret from (proposal, person). Tallies count
ballots. In a secret vote the app never stores the choice beside the person, so no page, export
or admin screen can show how someone voted - only whether they did.

Nor can the database alone: a ballot has no id, no timestamp and no order of its own. Its key is
(proposal, HMAC of proposal and person), so listed by key, ballots come in an order no one can
line up with the votes; on SQLite it is a WITHOUT ROWID table (no hidden insertion-order rowid).
A vote has no "changed" time, so changing a vote leaves no trail either.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, utcnow
from coprod.models.board import Role

if TYPE_CHECKING:
    from coprod.models.board import Board


class ProposalState(str, enum.Enum):
    COMING = "coming"
    OPEN = "open"
    CLOSED = "closed"


class Proposal(Base):
    __tablename__ = "proposal"
    # Versions in other languages name a proposal by its id (no foreign key): an id is never used twice.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    picture: Mapped[str] = mapped_column(String(60), default="vote")
    # The planned window (optional) and what the secretary did by hand in the meeting.
    opens_dt: Mapped[datetime | None]
    closes_dt: Mapped[datetime | None]
    opened_dt: Mapped[datetime | None]
    closed_dt: Mapped[datetime | None]
    is_secret: Mapped[bool] = mapped_column(Boolean, default=True)
    results_hidden_until_closed: Mapped[bool] = mapped_column(Boolean, default=True)
    # Comma-separated role values, e.g. "member,carer".
    voter_roles: Mapped[str] = mapped_column(String(100), default="member,carer")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # The agenda item it is decided under, if any (shown on the meeting's agenda).
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                       index=True)
    # The language it was written in (versions in other languages: ContentLanguage).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")

    board: Mapped[Board] = relationship(lazy="raise")
    choices: Mapped[list[Choice]] = relationship(lazy="raise", back_populates="proposal", order_by="Choice.position")

    @property
    def roles_who_vote(self) -> set[Role]:
        return {Role(value) for value in self.voter_roles.split(",") if value}

    def state(self, now: datetime | None = None) -> ProposalState:
        now = now or utcnow()
        if (self.closed_dt and self.closed_dt <= now) or (self.closes_dt and self.closes_dt <= now):
            return ProposalState.CLOSED
        if (self.opened_dt and self.opened_dt <= now) or (self.opens_dt and self.opens_dt <= now):
            return ProposalState.OPEN
        return ProposalState.COMING

    def results_visible(self, now: datetime | None = None) -> bool:
        return self.state(now) == ProposalState.CLOSED or not self.results_hidden_until_closed


class Choice(Base):
    __tablename__ = "choice"
    # A version of a proposal names its answers by id (choice_12): an id is never used twice.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(120))
    picture: Mapped[str] = mapped_column(String(60), default="vote")

    proposal: Mapped[Proposal] = relationship(lazy="raise_on_sql", back_populates="choices")


class Vote(Base):
    """That a person voted: one row per person per proposal, whatever they changed."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Only in an open vote; always empty in a secret one.
    open_choice_id: Mapped[int | None] = mapped_column(ForeignKey("choice.id"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    # When the person first voted. Deliberately no "changed" time: nothing says a vote was changed.
    cast_dt: Mapped[datetime] = mapped_column(default=utcnow)


class Ballot(Base):
    """The choice that counts, under a key only the server can make from (proposal, person).

    No id and no timestamp: the primary key is (proposal, voter_key), an HMAC, so no column or key
    order joins a ballot to a vote (see the module docstring and README "Voting")."""

    __tablename__ = "ballot"
    # SQLite would otherwise keep a hidden rowid in insertion order.
    __table_args__ = {"sqlite_with_rowid": False}

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id"), index=True)


class RoomCount(Base):
    """A show of hands in the room, for people voting without a tablet."""

    __tablename__ = "room_count"
    __table_args__ = (UniqueConstraint("proposal_id", "choice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id"), index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    entered_dt: Mapped[datetime] = mapped_column(default=utcnow)
