"""Involvement payments and expenses: a self-advocate or family carer who came to a meeting claims
the board's involvement payment and their travel, with a photo of the receipt and how to be paid.

Money is whole pence (integers). Who sees a claim: the person, whoever helped them make it, and the
board's secretary (or an admin); never other members, never a log line (the audit log says only
what was done to which claim). Bank details are sealed with the code key (coprod/accounts/tokens.py)
and shown masked, except in the secretary's finance spreadsheet. Kept: bank details and receipt
photos go KEEP_BANK_DETAILS_DAYS / KEEP_RECEIPT_DAYS after the claim is paid (retention job); when the
person is erased, a paid claim stays as an anonymous payment fact (amounts, meeting, date paid) and
everything else goes. See coprod/payments/services.py.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coprod.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from coprod.models.meeting import Meeting


class ClaimStatus(str, enum.Enum):
    SENT = "sent"            # waiting for the secretary
    QUESTION = "question"    # the secretary asked something; waiting for the person's answer
    ANSWERED = "answered"    # the person answered; waiting for the secretary again
    APPROVED = "approved"    # the secretary said yes; to be paid
    PAID = "paid"


class PayBy(str, enum.Enum):
    BANK = "bank"            # a bank transfer: account name, sort code, account number
    ASK = "ask"              # the secretary talks to them about it (cash, a voucher...)


class PaymentClaim(Base):
    """One claim per person per meeting."""

    __tablename__ = "payment_claim"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("involvement_pence >= 0 AND travel_pence >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    # Indexed by the unique key (meeting_id, user_id), which starts with it.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    # None once the person is erased (a paid claim stays as an anonymous payment fact).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    involvement_pence: Mapped[int] = mapped_column(Integer, default=0)
    travel_pence: Mapped[int] = mapped_column(Integer, default=0)
    # The receipt photo: our own JPEG under a random name in RECEIPT_DIR (never served publicly).
    receipt_name: Mapped[str | None] = mapped_column(String(40))
    pay_by: Mapped[PayBy] = mapped_column(enum_type(PayBy, length=10), default=PayBy.BANK)
    account_name: Mapped[str | None] = mapped_column(String(120))
    # "sort code:account number", sealed with the code key; the last 4 digits for the masked view.
    bank_sealed: Mapped[str | None] = mapped_column(String(200))
    account_last4: Mapped[str | None] = mapped_column(String(4))
    bank_deleted_dt: Mapped[datetime | None]
    status: Mapped[ClaimStatus] = mapped_column(enum_type(ClaimStatus, length=20), default=ClaimStatus.SENT)
    # The secretary's question and the person's answer (easy read, a few sentences).
    question_text: Mapped[str] = mapped_column(Text, default="")
    answer_text: Mapped[str] = mapped_column(Text, default="")
    question_dt: Mapped[datetime | None]
    answered_dt: Mapped[datetime | None]
    # Who helped make the claim or answer the question (a supporter on the person's device).
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    helper_name: Mapped[str | None] = mapped_column(String(120))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    approved_dt: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    paid_dt: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    meeting: Mapped[Meeting] = relationship(lazy="raise")

    @property
    def total_pence(self) -> int:
        return self.involvement_pence + self.travel_pence
