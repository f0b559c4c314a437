"""UTCDateTime keeps every stored instant in UTC and never lets a naive value in or out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import User, UTCDateTime

PLUS_TWO = timezone(timedelta(hours=2))
LITE = sqlite.dialect()


def test_bind_converts_aware_to_naive_utc() -> None:
    value = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=PLUS_TWO)
    stored = UTCDateTime().process_bind_param(value, LITE)
    assert stored == datetime(2026, 3, 29, 1, 30, 15, 123456)
    assert stored is not None and stored.tzinfo is None


def test_bind_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1, 12, 0), LITE)


def test_bind_rejects_non_datetime() -> None:
    with pytest.raises(TypeError):
        UTCDateTime().process_bind_param("2026-01-01T00:00:00Z", LITE)  # type: ignore[arg-type]


def test_none_passes_both_ways() -> None:
    assert UTCDateTime().process_bind_param(None, LITE) is None
    assert UTCDateTime().process_result_value(None, LITE) is None


def test_result_is_aware_utc() -> None:
    loaded = UTCDateTime().process_result_value(datetime(2026, 1, 1, 12, 0), postgresql.dialect())
    assert loaded == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert loaded is not None and loaded.utcoffset() == timedelta(0)


def test_result_normalises_an_aware_value_to_utc() -> None:
    loaded = UTCDateTime().process_result_value(datetime(2026, 1, 1, 14, 0, tzinfo=PLUS_TWO), LITE)
    assert loaded is not None and loaded.tzinfo is UTC and loaded.hour == 12


async def test_roundtrip_through_the_database(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    first = datetime(2026, 10, 25, 2, 30, 0, 654321, tzinfo=PLUS_TWO)
    last = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    async with session_factory() as session:
        session.add(User(id=7, language="en", first_seen=first, last_seen=last))
        await session.commit()
    async with session_factory() as session:
        row = (await session.execute(select(User.first_seen, User.last_seen))).one()
    assert row.first_seen == first
    assert row.first_seen.tzinfo is UTC
    assert row.first_seen.microsecond == 654321
    assert row.last_seen == last
    assert row.last_seen.tzinfo is UTC


async def test_database_write_rejects_naive(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    naive = datetime(2026, 1, 1, 8, 0)
    async with session_factory() as session:
        session.add(User(id=8, language=None, first_seen=naive, last_seen=naive))
        with pytest.raises(StatementError) as caught:
            await session.flush()
        assert isinstance(caught.value.orig, ValueError)
        await session.rollback()
        assert await session.scalar(select(User.id).where(User.id == 8)) is None
