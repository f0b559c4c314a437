"""Fixtures of the storage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.storage import make_engine, make_sessionmaker
from tests.storage.support import Factory


@pytest.fixture
async def other_process(migrated_url: str) -> AsyncIterator[Factory]:
    """Sessions of a second bot process on the same database: its own engine and connection.

    (Within one process, SQLite's single pooled connection already puts transactions in a
    queue; races between writers are between processes.)
    """
    engine = make_engine(migrated_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
