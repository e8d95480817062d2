"""The jargon buster: words from this field with an easy-read meaning and a picture, per language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow


class GlossaryTerm(Base):
    __tablename__ = "glossary_term"
    __table_args__ = (UniqueConstraint("language", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(10))
    term: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(100))
    # Other ways of writing it, one per line: plurals, abbreviations, old names ("CCG" for "ICB").
    other_forms: Mapped[str] = mapped_column(Text, default="")
    meaning: Mapped[str] = mapped_column(Text)
    picture: Mapped[str] = mapped_column(String(60), default="book")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    @property
    def forms(self) -> list[str]:
        return forms_of(self.term, self.other_forms)


def forms_of(term: str, other_forms: str) -> list[str]:
    """Every way the term is written: the term itself first."""
    others = [line.strip() for line in other_forms.replace(",", "\n").splitlines() if line.strip()]
    return [term, *others]
