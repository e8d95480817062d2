"""News about a person's own account, shown on their Updates page: a login card was made or stopped.

A way in to someone's account (a login card) is made by someone else, so the person is told each time,
on their Updates page and by email if they have one: a card they did not ask for is a warning sign.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.board import Board


class NoticeKind(str, enum.Enum):
    CARD_MADE = "card_made"
    CARD_STOPPED = "card_stopped"
    # A "My data" file is ready (to the person who asked, and to the person it is about).
    EXPORT_READY = "export_ready"


class AccountNotice(Base):
    __tablename__ = "account_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind))
    # The board whose secretary did it; empty when a site admin (or the system) did.
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board | None] = relationship(lazy="raise")
