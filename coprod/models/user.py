"""People and self-advocacy groups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, utcnow
from coprod.models.board import Membership, Role

if TYPE_CHECKING:
    from coprod.models.board import Board


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Email is optional: many members have none.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # An authenticator app (TOTP) as a second factor: the secret sealed with the code key (see
    # accounts/tokens.py), when it was turned on (None while being set up), the last time step used.
    totp_secret: Mapped[str | None] = mapped_column(String(120))
    totp_on_dt: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    picture: Mapped[str] = mapped_column(String(60), default="person")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_dt: Mapped[datetime | None]
    # The person's own settings, remembered across devices.
    locale: Mapped[str | None] = mapped_column(String(10))
    text_size: Mapped[str] = mapped_column(String(10), default="normal")
    contrast: Mapped[str] = mapped_column(String(10), default="normal")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the person was erased (coprod/privacy/erasure.py): the row stays, empty, so its id is
    # never given to anyone else (the erasure ledger names people by id).
    erased_dt: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(lazy="raise", back_populates="user")

    # Flask-Login protocol. Sessions are checked against the SignIn table, see accounts.sessions.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.disabled_dt is None

    def get_id(self) -> str:
        return str(self.id)

    def role_on(self, board: Board) -> Role | None:
        for membership in self.memberships:
            if membership.board_id == board.id:
                return membership.role
        return None

    def has_role(self, board: Board, *roles: Role) -> bool:
        return self.role_on(board) in roles

    @property
    def is_staff(self) -> bool:
        """Staff sign in with a password; members use cards or links."""
        return self.is_admin or any(
            m.role in (Role.SECRETARY, Role.COMMISSIONER) for m in self.memberships
        )


class Group(Base):
    """A self-advocacy group, e.g. a local People First group, on one board."""

    __tablename__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    picture: Mapped[str] = mapped_column(String(60), default="group")

    board: Mapped[Board] = relationship(lazy="raise")
    members: Mapped[list[GroupMember]] = relationship(lazy="raise", back_populates="group")


class GroupMember(Base):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # A facilitator can send questions for the whole group.
    is_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[Group] = relationship(lazy="raise_on_sql", back_populates="members")
    user: Mapped[User] = relationship(lazy="raise")
