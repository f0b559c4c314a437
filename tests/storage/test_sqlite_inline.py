"""SQLite statements run on the event loop's thread and wait for another connection's lock on it."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage import make_engine, sqlite_inline


async def _table(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    finally:
        await engine.dispose()


async def test_statements_run_on_the_loops_thread(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inline.sqlite3'}"
    await _table(url)
    engine = make_engine(url)
    seen: list[int] = []
    try:
        async with engine.begin() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            driver.create_function("tid", 0, threading.get_ident)
            seen.append((await connection.execute(text("SELECT tid()"))).scalar_one())
    finally:
        await engine.dispose()
    assert seen == [threading.get_ident()]


async def test_a_writer_waits_on_the_loop_for_another_connections_lock(tmp_path: Path) -> None:
    # Two engines on one file in one loop: a blocking wait for the lock would never end,
    # because the holder could not run; waiting on the loop lets it finish first.
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    await _table(url)
    first, second = make_engine(url), make_engine(url)
    order: list[str] = []

    async def hold() -> None:
        async with first.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            order.append("first wrote")
            await asyncio.sleep(0.3)
            order.append("first commits")

    async def wait() -> None:
        await asyncio.sleep(0.05)
        async with second.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
            order.append("second wrote")

    try:
        await asyncio.gather(hold(), wait())
        async with second.connect() as connection:
            rows = (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars()
            assert list(rows) == [1, 2]
    finally:
        await first.dispose()
        await second.dispose()
    assert order == ["first wrote", "first commits", "second wrote"]


async def test_a_lock_held_too_long_is_database_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_BUDGET_S", 0.2)
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    await _table(url)
    first, second = make_engine(url), make_engine(url)
    try:
        async with first.begin() as holder:
            await holder.execute(text("INSERT INTO t VALUES (1)"))
            with pytest.raises(OperationalError, match="database is locked"):
                async with second.begin() as connection:
                    await connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        await first.dispose()
        await second.dispose()
