"""Column mixins and time helpers shared by every domain's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, Integer, TypeDecorator, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC; always hands back an aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use crm.base.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Audited:
    """Marks a model whose every insert/update/delete goes to the audit trail (R-04)."""

    __audit_exclude__: frozenset[str] = frozenset(
        {"version", "created_at", "updated_at", "search_key"}
    )
    __audit_mask__: frozenset[str] = frozenset()
    __field_labels__: dict[str, object] = {}  # column -> readable label for the audit page
    __field_choices__: dict[str, dict] = {}  # column -> {code: label} of a coded column


class Versioned:
    """Optimistic locking: a stale write raises StaleDataError; forms compare `version`."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


def index_when_set(name: str, column: str, *more: str) -> Index:
    """An index of a mostly empty column (an optional link) that leaves the empty rows out:
    lookups by value use it the same, and rows that leave the column empty cost it nothing
    when they are written (bulk updates such as the pool return touch every index). `more`
    columns follow (a date: the link's newest rows in order)."""
    when_set = text(f"{column} IS NOT NULL")
    return Index(name, column, *more, postgresql_where=when_set, sqlite_where=when_set)


def partial_index(name: str, where: str, *columns: str) -> Index:
    """An index of the rows a list filters on most (`where`, e.g. the open ones) in its sort
    order: the list walks it and stops at the page, and its capped count reads only those."""
    condition = text(where)
    return Index(name, *columns, postgresql_where=condition, sqlite_where=condition)
