"""Declarative base shared by every model."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names so migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none) and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; use utcnow()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def enum_type(kind: type[enum.Enum], *, length: int = 30) -> Enum:
    """The column type for a Python enum: a plain string holding the member's value (no database
    enum type to migrate when a value is added), with a CHECK constraint listing the allowed values,
    named after the table and the enum (e.g. ck_question_question_status) by NAMING_CONVENTION.
    Adding a value means a migration that drops and adds that constraint."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", kind.__name__).lower()
    return Enum(kind, name=name, native_enum=False, length=length, create_constraint=True,
                values_callable=lambda members: [member.value for member in members])


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Every relationship is declared `lazy="raise"`: reading one that was not loaded raises instead
    of starting a query, so a template or view cannot make queries unnoticed. Load what a page uses
    with select(...).options(selectinload(...) / joinedload(...)), or query it directly.

    The one exception: a child's many-to-one back to the parent of a collection (`back_populates`,
    e.g. Action.record, AgendaItem.meeting, Choice.proposal) is `lazy="raise_on_sql"`. The parent that
    loaded the collection is already in the session, so reading it back costs no query; it still
    raises the moment a query would be needed. tests/test_lazy_raise.py checks both rules."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )
