"""Migration 0005 adds the webhook ledger and takes only it away again."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.storage import downgrade_database, make_engine, upgrade_database


async def _tables(url: str) -> set[str]:
    def names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await engine.dispose()


async def test_0005_adds_webhook_updates_and_drops_only_it(database_url: str) -> None:
    await asyncio.to_thread(upgrade_database, database_url, "0004")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, language, first_seen, last_seen, blocked) "
                    "VALUES (1, 'en', '2026-12-06 19:00:00', '2026-12-06 19:00:00', false)"
                )
            )
    finally:
        await engine.dispose()
    before = await _tables(database_url)
    assert "webhook_updates" not in before

    await asyncio.to_thread(upgrade_database, database_url)
    assert await _tables(database_url) == before | {"webhook_updates"}

    await asyncio.to_thread(downgrade_database, database_url, "0004")
    assert await _tables(database_url) == before
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM users"))).scalar() == 1
    finally:
        await engine.dispose()
