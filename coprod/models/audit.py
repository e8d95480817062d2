"""The audit log: who did what, when (UTC), and who helped."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, utcnow

if TYPE_CHECKING:
    from coprod.models.user import User


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[actor_id])
    helper: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[helper_id])
