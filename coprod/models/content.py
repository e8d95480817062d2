"""Content in more than one language, and who checked it for easy read.

One `ContentVersion` table for every kind of content (agenda items, proposals, "You said, we did"
records...), keyed by (kind, content id, language). The original stays on its own row (its
`language` column says which language it was written in); a version holds the same texts in
another language as a JSON object {field: text}, so a new kind of content needs no new table,
only an entry in `coprod.content.kinds`.

`EasyReadCheck` says a self-advocate checked one language of a piece of content (the original or
a version). It keeps a digest of the words that were checked: when the words change afterwards,
the page says it was checked before the last change, whichever page changed them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow


class ContentVersion(Base):
    __tablename__ = "content_version"
    __table_args__ = (UniqueConstraint("kind", "content_id", "language"),
                      Index("ix_content_version_kind_content", "kind", "content_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    content_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(10))
    # {field name: text}, the fields the kind names (e.g. title, summary; choice_12 for answers).
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)


class EasyReadCheck(Base):
    """"Checked for easy read by Sam, a self-advocate, on 3 March 2026": one per language."""

    __tablename__ = "easy_read_check"
    __table_args__ = (UniqueConstraint("kind", "content_id", "language"),
                      Index("ix_easy_read_check_kind_content", "kind", "content_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    content_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(10))
    # A member of the board, or only a name (someone from a self-advocacy group with no account).
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    checker_name: Mapped[str] = mapped_column(String(120))
    checked_on: Mapped[date] = mapped_column(Date)
    # SHA-256 of the words that were checked (see coprod.content.kinds.digest).
    text_digest: Mapped[str] = mapped_column(String(64))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    marked_dt: Mapped[datetime] = mapped_column(default=utcnow)
