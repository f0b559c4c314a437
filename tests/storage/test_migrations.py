"""The migrations build exactly the models' schema, both ways, and the engine settings hold."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from bot.storage import (
    Base,
    alembic_config,
    current_revision,
    downgrade_database,
    make_engine,
    normalize_url,
    upgrade_database,
)
from bot.storage.sqlite_inline import BUSY_TIMEOUT_MS

TABLES = {
    "users",
    "chat_states",
    "episodes",
    "reminders",
    "reminder_sends",
    "media_files",
    "webhook_updates",
}
HEAD = "0007"


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _schema_diff(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_diff)
    finally:
        await engine.dispose()


async def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_tables)
    finally:
        await engine.dispose()


def test_single_head_is_0007() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD]
    assert script.get_revision("0002").down_revision == "0001"
    assert script.get_revision("0003").down_revision == "0002"
    assert script.get_revision("0004").down_revision == "0003"
    assert script.get_revision("0005").down_revision == "0004"
    assert script.get_revision("0006").down_revision == "0005"
    assert script.get_revision("0007").down_revision == "0006"
    assert script.get_revision("0001").down_revision is None


async def test_migrations_match_models(migrated_url: str) -> None:
    assert await _schema_diff(migrated_url) == []
    assert await _table_names(migrated_url) >= TABLES


async def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    assert await asyncio.to_thread(current_revision, database_url) is None
    await asyncio.to_thread(upgrade_database, database_url)
    assert await asyncio.to_thread(current_revision, database_url) == HEAD

    await asyncio.to_thread(downgrade_database, database_url, "base")
    assert await asyncio.to_thread(current_revision, database_url) is None
    assert not (TABLES & await _table_names(database_url))

    await asyncio.to_thread(upgrade_database, database_url)
    assert await asyncio.to_thread(current_revision, database_url) == HEAD
    assert await _schema_diff(database_url) == []


async def test_0002_keeps_existing_users_and_drops_cleanly(database_url: str) -> None:
    """Upgrading a database that already has users keeps them; their zone is simply unknown."""
    await asyncio.to_thread(upgrade_database, database_url, "0001")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, language, first_seen, last_seen, blocked) "
                    "VALUES (7, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00', false)"
                )
            )
        await asyncio.to_thread(upgrade_database, database_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT id, timezone FROM users"))).all()
        assert [tuple(row) for row in rows] == [(7, None)]

        await asyncio.to_thread(downgrade_database, database_url, "0001")
        assert await asyncio.to_thread(current_revision, database_url) == "0001"
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT id FROM users"))).all()
        assert [tuple(row) for row in rows] == [(7,)]
        assert not ({"reminders", "reminder_sends"} & await _table_names(database_url))
    finally:
        await engine.dispose()


async def test_0004_adds_empty_answers_and_drops_them_without_touching_other_rows(
    database_url: str,
) -> None:
    """Existing people start with no safety answers, and on SQLite neither step copies the
    users table (a copy's DROP TABLE would cascade into the rows that reference it)."""
    await asyncio.to_thread(upgrade_database, database_url, "0003")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, language, first_seen, last_seen, blocked, pictures) "
                    "VALUES (7, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00', false, true)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO episodes (chat_id, user_id, kind, started_at, ended_at, outcome,"
                    " exercises) VALUES (7, 7, 'relief', '2026-01-01 00:00:00',"
                    " '2026-01-01 00:05:00', 'gone', '[]')"
                )
            )
        await asyncio.to_thread(upgrade_database, database_url, "0004")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT id, safety_balance, safety_joint, safety_pregnancy, safety_clot,"
                        " safety_numb_feet, safety_updated_at FROM users"
                    )
                )
            ).all()
            episodes = await connection.scalar(text("SELECT count(*) FROM episodes"))
        assert [tuple(row) for row in rows] == [(7, None, None, None, None, None, None)]
        assert episodes == 1

        await asyncio.to_thread(downgrade_database, database_url, "0003")
        async with engine.connect() as connection:
            columns = {column["name"] for column in await connection.run_sync(_user_columns)}
            users = await connection.scalar(text("SELECT count(*) FROM users"))
            episodes = await connection.scalar(text("SELECT count(*) FROM episodes"))
        assert not {name for name in columns if name.startswith("safety_")}
        assert (users, episodes) == (1, 1)
    finally:
        await engine.dispose()


def _user_columns(connection: Connection) -> list[dict[str, Any]]:
    return list(inspect(connection).get_columns("users"))


async def test_upgrade_is_idempotent_and_callable_inside_a_running_loop(migrated_url: str) -> None:
    # Blocks the loop while it runs, but must not fail on asyncio.run inside env.py.
    upgrade_database(migrated_url)
    assert current_revision(migrated_url) == HEAD


def test_upgrade_from_plain_sync_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sync.sqlite3'}"  # driver-less URL, as users write them
    upgrade_database(url)
    assert current_revision(url) == HEAD


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    upgrade_database(f"sqlite+aiosqlite:///{path}")
    # A raw connection without our pragmas: WAL is a property of the file once set.
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_sqlite_connection_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    try:
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None

            def pragma(name: str) -> Any:
                return raw.execute(f"PRAGMA {name}").fetchone()[0]

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            # Short: it blocks the event loop; the rest of the 5 s is waited out on the loop.
            assert pragma("busy_timeout") == BUSY_TIMEOUT_MS
            assert pragma("synchronous") == 1  # NORMAL
    finally:
        await engine.dispose()


async def test_in_memory_sqlite_skips_wal() -> None:
    engine = make_engine("sqlite://")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            assert driver.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
            assert driver.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///data/x.sqlite3", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///x.sqlite3", "sqlite+aiosqlite"),
        ("postgresql://u:p@h/db", "postgresql+asyncpg"),
        ("postgres://u:p@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u:p@h/db", "postgresql+asyncpg"),
    ],
)
def test_normalize_url_picks_async_drivers(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_alembic_config_keeps_percent_signs_and_password() -> None:
    url = "postgresql://user:p%40ss%25word@db.example/crampcoach"
    config = alembic_config(url)
    stored = config.get_main_option("sqlalchemy.url")
    assert stored == "postgresql+asyncpg://user:p%40ss%25word@db.example/crampcoach"
    assert make_url(stored).password == "p@ss%word"


async def test_0005_adds_webhook_updates_and_drops_only_it(database_url: str) -> None:
    await asyncio.to_thread(upgrade_database, database_url, "0004")
    before = await _table_names(database_url)
    assert "webhook_updates" not in before
    await asyncio.to_thread(upgrade_database, database_url, "0005")
    assert await _table_names(database_url) == before | {"webhook_updates"}
    await asyncio.to_thread(downgrade_database, database_url, "0004")
    assert await _table_names(database_url) == before


async def _chat_state_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: {column["name"] for column in inspect(sync).get_columns("chat_states")}
            )
    finally:
        await engine.dispose()


async def test_0007_adds_the_timer_lease_and_drops_only_it(database_url: str) -> None:
    """The sweep's lease column comes and goes without touching the chats' states."""
    await asyncio.to_thread(upgrade_database, database_url, "0006")
    before = await _chat_state_columns(database_url)
    await asyncio.to_thread(upgrade_database, database_url)
    assert await _chat_state_columns(database_url) == before | {"timer_lease_until"}
    await asyncio.to_thread(downgrade_database, database_url, "0006")
    assert await _chat_state_columns(database_url) == before
