"""Content in more than one language, and who checked each language for easy read.

One table for every kind of content (agenda items, proposals, "You said, we did" records...),
one row per (kind, content id, language). The original stays on its own row (its `language`
column says which language it was written in); a row in another language holds the version:
the same texts as a JSON object {field: text}. So a new kind of content needs no new table, only
an entry in `coprod.content.kinds`.

A row can also say a self-advocate checked that language for easy read ("Checked for easy read
by Sam, a self-advocate, on 3 March 2026"); for the original's own language the row holds only
that. The check keeps a digest of the words that were checked: when the words change afterwards,
the page says it was checked before the last change, whichever page changed them.

Versions and checks share a row so that a page reads both for all its content in one query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow


class ContentLanguage(Base):
    __tablename__ = "content_language"
    # The unique key's index also finds all of a piece of content's rows (kind, content_id).
    __table_args__ = (UniqueConstraint("kind", "content_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    content_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(10))
    # The version: {field name: text}, the fields the kind names (title, summary; choice_12 for an
    # answer). None: no version (the original's own language, with only a check).
    texts: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    updated_dt: Mapped[datetime | None]
    # Checked for easy read by: a member of the board, or only a name (someone from a
    # self-advocacy group with no account). None: nobody has checked it.
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    checker_name: Mapped[str | None] = mapped_column(String(120))
    checked_on: Mapped[date | None] = mapped_column(Date)
    # SHA-256 of the words that were checked (see coprod.content.kinds.digest).
    checked_digest: Mapped[str | None] = mapped_column(String(64))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    checked_dt: Mapped[datetime | None]

    @property
    def is_version(self) -> bool:
        return self.texts is not None

    @property
    def is_checked(self) -> bool:
        return self.checker_name is not None
