"""Fixtures shared by the whole test suite.

Storage tests run against every supported database through the parametrised ``database_url``:
SQLite always, PostgreSQL when ``TEST_POSTGRES_URL`` names a server (CI sets it). PostgreSQL tests
share one database, so its tables are dropped before and after each test instead of relying on
test order.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage import Base, make_engine, make_sessionmaker, upgrade_database

POSTGRES_URL_ENV = "TEST_POSTGRES_URL"
# CI sets this so that a missing PostgreSQL fails the run instead of quietly skipping.
REQUIRE_POSTGRES_ENV = "REQUIRE_POSTGRES"


async def _drop_everything(url: str) -> None:
    """Drop every table our migrations create (plus alembic_version) so each test starts empty."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            quote = connection.dialect.identifier_preparer.quote
            names = [table.name for table in reversed(Base.metadata.sorted_tables)]
            for name in [*names, "alembic_version"]:
                await connection.execute(text(f"DROP TABLE IF EXISTS {quote(name)} CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty database, once per supported backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'crampcoach-test.sqlite3'}"
        return
    url = _postgres_url()
    await _drop_everything(url)
    try:
        yield url
    finally:
        await _drop_everything(url)


def _postgres_url() -> str:
    """The test server's URL; a skip with the reason locally, a failure where CI requires it."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set")
        pytest.skip(f"{POSTGRES_URL_ENV} is not set; PostgreSQL tests need a server")
    return url


@pytest.fixture
async def postgres_migrated_url() -> AsyncIterator[str]:
    """A migrated, empty PostgreSQL database, for tests that are about PostgreSQL itself."""
    url = _postgres_url()
    await _drop_everything(url)
    await asyncio.to_thread(upgrade_database, url)
    try:
        yield url
    finally:
        await _drop_everything(url)


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    """``database_url`` after ``upgrade_database`` to head."""
    await asyncio.to_thread(upgrade_database, database_url)
    return database_url


@pytest.fixture
async def db_engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, disposed after the test."""
    engine = make_engine(migrated_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the migrated database; the engine behind them is disposed after the test."""
    return make_sessionmaker(db_engine)
