"""Reminders people choose (issue 17): how each person is told, what each board sends, and what was sent.

- `ReminderChoice`: one row per person: email, text message, both or none; their mobile number; and
  a supporter or carer who is told too (name, email and/or mobile). Phone numbers and the supporter's
  details are personal data: only the person (with whoever is recorded as helping them) and site
  admins see them; they are in the person's "My data" file and go when the person is erased.
  The meeting pack by post: whether they want it, in large print or not, and their postal address,
  which the board secretary also sees (to post papers by hand when GOV.UK Notify is not set up).
- `BoardReminder`: which reminders a board sends, and the board secretary's own words for each.
- `SentReminder`: one row per (person, kind, subject, channel), written *before* anything is sent.
  Its unique key is what makes a reminder go once: two workers, or a job that runs twice, meet the
  same key and only one of them sends. A retry sends only a row whose last try failed before
  anything left (see coprod/reminders/sending.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, enum_type, utcnow


class ReminderHow(str, enum.Enum):
    EMAIL = "email"
    TEXT = "text"
    BOTH = "both"
    NONE = "none"


class ReminderKind(str, enum.Enum):
    """What a board can send; the secretary turns each on or off and can change its words."""

    WEEK_BEFORE = "week_before"          # a meeting is a week away
    DAY_BEFORE = "day_before"            # a meeting is tomorrow
    QUESTIONS_CLOSE = "questions_close"  # questions for a meeting close tomorrow
    VOTING_CLOSES = "voting_closes"      # a vote closes today (only to people who have not voted)
    SAID_DID = "said_did"                # a "You said, we did" record published, or an action updated
    PACK_BY_POST = "pack_by_post"        # the meeting pack, posted to people who asked for paper


class ReminderChannel(str, enum.Enum):
    EMAIL = "email"
    TEXT = "text"
    SUPPORTER_EMAIL = "supporter_email"
    SUPPORTER_TEXT = "supporter_text"
    LETTER = "letter"                    # only for the meeting pack by post


class SentStatus(str, enum.Enum):
    WAITING = "waiting"    # claimed by the job that found it due; the worker has not tried yet
    SENDING = "sending"    # a worker is sending it now (or stopped mid-send: never tried again)
    SENT = "sent"
    FAILED = "failed"      # the last try failed before anything left: a retry may try again
    REFUSED = "refused"    # the mail server or Notify said no (a bad number): not tried again
    SKIPPED = "skipped"    # nothing to send it with (Notify or mail not set up, no address any more)


class ReminderChoice(Base):
    __tablename__ = "reminder_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    how: Mapped[ReminderHow] = mapped_column(enum_type(ReminderHow), default=ReminderHow.EMAIL)
    # A UK mobile number, kept as +447...: only for text messages.
    mobile: Mapped[str | None] = mapped_column(String(20))
    # A supporter or carer who gets a copy of every reminder.
    supporter_on: Mapped[bool] = mapped_column(Boolean, default=False)
    supporter_name: Mapped[str | None] = mapped_column(String(120))
    supporter_email: Mapped[str | None] = mapped_column(String(254))
    supporter_mobile: Mapped[str | None] = mapped_column(String(20))
    # The meeting pack on paper, posted (GOV.UK Notify letters) when the agenda is published; in large
    # print if they chose it. The address is kept only while they want paper: turning paper off clears it.
    pack_by_post: Mapped[bool] = mapped_column(Boolean, default=False)
    pack_large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    postal_address: Mapped[str | None] = mapped_column(Text)  # 3 to 7 lines, the last the postcode
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)


class BoardReminder(Base):
    """A board's choice for one kind of reminder. No row: the reminder is on, with the default words."""

    __tablename__ = "board_reminder"
    __table_args__ = (UniqueConstraint("board_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind))
    is_on: Mapped[bool] = mapped_column(Boolean, default=True)
    # The secretary's own easy-read words; empty: the default words, in each person's language.
    words: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)


class SentReminder(Base):
    """One reminder to one person by one way: the unique key makes it go once."""

    __tablename__ = "sent_reminder"
    # The unique key starts with user_id: it is the index for finding a person's rows too.
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    # The kind as sent: a ReminderKind value, or "said_did_record" / "said_did_action".
    kind: Mapped[str] = mapped_column(String(30))
    # The meeting, proposal, record or action update it is about.
    subject_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[ReminderChannel] = mapped_column(enum_type(ReminderChannel))
    status: Mapped[SentStatus] = mapped_column(enum_type(SentStatus), default=SentStatus.WAITING, index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    sent_dt: Mapped[datetime | None]
    # Notify's id for a text message, or the ids of the letters a posted pack went in (space between,
    # one per letter, so a retry after letter 2 of 3 failed posts only letters 2 and 3); never the
    # number, the address or the words.
    provider_id: Mapped[str | None] = mapped_column(String(400))
