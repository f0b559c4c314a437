"""Engines, sessions and schema migrations.

One function builds every engine so that no caller can forget the SQLite pragmas (WAL, foreign keys,
busy timeout): without ``foreign_keys=ON`` SQLite silently ignores ``ON DELETE CASCADE``,
and without WAL and a busy timeout two bot processes sharing one file fail with "database is locked"
instead of waiting their turn.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from bot.config import PROJECT_ROOT
from bot.storage.sqlite_inline import BUSY_TIMEOUT_MS, inline_dbapi

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "downgrade_database",
    "make_engine",
    "make_sessionmaker",
    "normalize_url",
    "upgrade_database",
]

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
# "postgres://" is what Heroku-style platforms hand out; SQLAlchemy itself rejects it.
_ALIASES = {"postgres": "postgresql"}

_T = TypeVar("_T")


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and give a driver-less SQLite/PostgreSQL URL its asyncio driver.

    Users paste the URLs their hosting shows (``sqlite:///x``, ``postgresql://…``); the engine is
    async-only, so rather than fail on those we pick aiosqlite/asyncpg. An explicit driver is kept.
    """
    parsed = make_url(url)
    backend = _ALIASES.get(parsed.get_backend_name(), parsed.get_backend_name())
    if "+" not in parsed.drivername and backend in _ASYNC_DRIVERS:
        parsed = parsed.set(drivername=_ASYNC_DRIVERS[backend])
    elif backend != parsed.get_backend_name():
        parsed = parsed.set(drivername=f"{backend}+{parsed.get_driver_name()}")
    return parsed


def _is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def _sqlite_pragmas(wal: bool, busy_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    statements = [
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={busy_ms}",
        "PRAGMA synchronous=NORMAL",
    ]
    if wal:
        # WAL lets readers run while one writer commits; an in-memory database cannot use it.
        statements.insert(0, "PRAGMA journal_mode=WAL")

    def on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()

    return on_connect


# Connections kept open to PostgreSQL (and as many again at a peak): at least the updates the
# bot handles at once (bot/telegram/app.py) plus the reminder dispatcher's senders.
POSTGRES_POOL = 24


def make_engine(url: str | URL) -> AsyncEngine:
    """Create the async engine for ``url`` with the per-backend settings the bot relies on.

    SQLite gets a single pooled connection with WAL (file databases only), ``foreign_keys=ON``,
    a busy timeout (5 s in all; see ``bot.storage.sqlite_inline``) and ``synchronous=NORMAL``,
    and runs its statements on the event loop's thread. PostgreSQL gets ``pool_pre_ping`` so a
    connection dropped by a restart or a proxy is replaced instead of failing the next update.
    """
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        # SQLite has one writer at a time. With a pool of connections, concurrent updates meet
        # the file lock and wait in SQLite's busy handler, which sleeps in steps of up to 100 ms
        # and, under load, ends in "database is locked". One connection makes them queue in
        # the pool instead, woken the moment it is free. (A second process still gets
        # busy_timeout.)
        memory = _is_memory_sqlite(parsed)  # a memory database has one connection anyway
        pool: dict[str, Any] = (
            {} if memory else {"pool_size": 1, "max_overflow": 0, "pool_timeout": 60}
        )
        busy_ms = 5000
        if parsed.get_driver_name() == "aiosqlite":
            # Statements on the loop's own thread, no hand-off (bot/storage/sqlite_inline.py);
            # SQLite's busy handler then blocks the loop, so it gets a short timeout and the
            # module waits out the rest of the 5 s on the loop.
            pool["module"] = inline_dbapi()
            busy_ms = BUSY_TIMEOUT_MS
        engine = create_async_engine(parsed, **pool)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(not memory, busy_ms))
        return engine
    if backend == "postgresql":
        # Room for every update handled at once, the reminder senders and the timers: with
        # SQLAlchemy's default 5 (+10 overflow) a busy bot opened and closed a connection, TLS
        # negotiation included, for many of its updates.
        return create_async_engine(
            parsed, pool_pre_ping=True, pool_size=POSTGRES_POOL, max_overflow=POSTGRES_POOL
        )
    return create_async_engine(parsed)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory for ``engine``.

    ``expire_on_commit=False`` because objects are read after the commit that wrote them, and an
    expired attribute would trigger implicit (forbidden) lazy IO under asyncio.
    """
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic ``Config`` built in code, independent of the working directory and alembic.ini.

    The URL goes into ``sqlalchemy.url`` with ``%`` doubled, because Alembic's config parser
    interpolates ``%`` (URL-encoded passwords contain it). Without a URL, ``migrations/env.py``
    falls back to ``Settings().resolved_database_url()``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = normalize_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def _in_fresh_thread(func: Callable[..., _T], *args: Any) -> _T:
    """Run ``func`` in a new thread and wait for it.

    ``migrations/env.py`` drives an async engine with ``asyncio.run``, which refuses to start
    inside a running loop and, in the main thread, replaces the thread's current event loop. A
    private thread avoids both, whether the caller is plain sync code or inside an event loop.
    """
    results: list[_T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(func(*args))
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=target, name="crampcoach-alembic", daemon=True)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return results[0]


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (idempotent at ``head``).

    Synchronous and blocking. It works from plain sync code and from inside an event loop thread,
    but it blocks that loop while it runs, so async code should call
    ``await asyncio.to_thread(upgrade_database, url)``.
    """
    _in_fresh_thread(command.upgrade, alembic_config(url), revision)


def downgrade_database(url: str | URL, revision: str = "base") -> None:
    """Migrate the database at ``url`` down to ``revision``; same threading rules as upgrade."""
    _in_fresh_thread(command.downgrade, alembic_config(url), revision)


def current_revision(url: str | URL) -> str | None:
    """The Alembic revision the database is at, or None for an empty (never migrated) database.

    Synchronous like :func:`upgrade_database`; from async code use ``asyncio.to_thread``.
    """

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async def run() -> str | None:
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return _in_fresh_thread(lambda: asyncio.run(run()))
