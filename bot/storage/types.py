"""Column types shared by the models.

Every timestamp in the bot is UTC. SQLite has no time-zone type and asyncpg refuses aware values for
``timestamp without time zone``, so the database keeps naive UTC and this type converts at the
boundary: writes must be aware (a naive value could be local time, and would silently be stored as
if it were UTC), reads always come back aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator

__all__ = ["UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """A ``DateTime`` that only accepts and only returns time-zone-aware UTC datetimes.

    Stored as naive UTC in a column without a time zone on every backend, so SQLite and PostgreSQL
    hold byte-for-byte the same values and the migrations stay identical.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given to a UTC column; "
                "pass an aware datetime (e.g. datetime.now(UTC))"
            )
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            # Should not happen with the stock dialects; fail loudly rather than guess a format.
            raise TypeError(f"UTCDateTime read a {type(value).__name__} from the database")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        # A column created outside our migrations as timestamptz: normalise rather than trust.
        return value.astimezone(UTC)
