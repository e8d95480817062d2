"""Ways of signing in, and the sign-ins themselves.

Every secret is stored only as a hash: a copy of the database cannot sign anyone in. Login card
codes (short) are keyed hashes, see accounts/tokens.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, utcnow

if TYPE_CHECKING:
    from coprod.models.user import User


class LoginCard(Base):
    """A printed card with a QR code (a sign-in link) and a short code to type."""

    __tablename__ = "login_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "hmac-sha256" (keyed, see accounts/tokens.py); "sha256" only for cards made before keys, which
    # are upgraded the first time they are used (or by `coprod upgrade-card-hashes`).
    hash_scheme: Mapped[str] = mapped_column(String(20), default="hmac-sha256", server_default="sha256")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    revoked_dt: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None


class MagicLink(Base):
    """A single-use sign-in link sent by email."""

    __tablename__ = "magic_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    expires_dt: Mapped[datetime]
    used_dt: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")


class SignIn(Base):
    """One signed-in device. The browser holds only the token; ending the row ends the session
    everywhere, so a copied cookie stops working after sign-out, card revocation or disabling."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(20))  # card, code, email, password
    card_id: Mapped[int | None] = mapped_column(ForeignKey("login_card.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    expires_dt: Mapped[datetime]
    ended_dt: Mapped[datetime | None]
    # "Someone is helping me": who is helping on this device right now.
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    helping_since_dt: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])
    helper: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[helper_id])
    card: Mapped[LoginCard | None] = relationship(lazy="raise")

    @property
    def helper_display_name(self) -> str | None:
        # Only read when there is one (loaded with the sign-in, accounts.sessions): never a query.
        if self.helper_id is not None and self.helper is not None:
            return self.helper.name
        return self.helper_name

    def helped_by(self) -> dict[str, Any]:
        """{"helper_id", "helper_name"} to store with something done now: who is helping, or Nones."""
        helping = self.helping_since_dt is not None
        return {"helper_id": self.helper_id if helping else None,
                "helper_name": self.helper_display_name if helping else None}


def helped_by(sign_in: SignIn | None) -> dict[str, Any]:
    """The same for a request that may have no sign-in (tests and scripts call services directly)."""
    return sign_in.helped_by() if sign_in is not None else {"helper_id": None, "helper_name": None}


class RecoveryCode(Base):
    """One of a person's 10 single-use codes for when their authenticator app is lost.
    Stored as a keyed hash; shown once when made."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    used_dt: Mapped[datetime | None]


class LoginAttempt(Base):
    """A failed sign-in attempt (or a sign-in link sent), kept a day to throttle guessing across
    all workers. The key names no email or address: see accounts/throttle.py."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
