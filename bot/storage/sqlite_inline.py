"""SQLite on the event loop's own thread: no hand-off to another thread for any statement.

Why: aiosqlite runs the SQLite connection in a thread of its own, and every call is a hand-off to
that thread and back (a queue, a thread wake-up, a wake-up of the event loop, the two threads
contending for the GIL). Even at one hop per statement that was about a quarter of the bot's
CPU on SQLite, and a transaction held the only pooled connection across the event loop's turns
while its hops went back and forth, so updates queued for it. This bot's statements are tiny
(one-row SELECTs and UPDATEs on a local WAL file with ``synchronous=NORMAL``, tens of
microseconds), so running them on the loop's thread blocks it for less time than a hand-off
costs, and a transaction with no other awaits between its statements now runs to its end
without yielding, never holding the connection across other updates' turns.

How: SQLAlchemy's async engine drives a DBAPI adapter from a greenlet and expects its methods
to ``await_only`` the driver's coroutines; a method that simply does its work synchronously and
returns is just as valid (``await_only`` is never reached). So this module is SQLAlchemy's
aiosqlite DBAPI module (same dialect, same exceptions: aiosqlite's are sqlite3's) whose
connection is a plain ``sqlite3`` connection and whose cursor is a ``sqlite3`` cursor.

Locks held by another connection: ``busy_timeout`` now blocks the whole loop while it waits,
so it is kept short (``BUSY_TIMEOUT_MS``). When a statement still meets ``SQLITE_BUSY``, the
cursor sleeps on the loop (``await_only(asyncio.sleep(...))``: the greenlet yields, the other
updates run) and tries again, until ``BUSY_BUDGET_S`` in all (the old ``busy_timeout`` of 5 s)
have gone by; then the same ``OperationalError: database is locked`` as before is raised. The
sleeping statement holds the connection, as a waiting statement did before. That keeps a second
process (a second bot, a CLI command) waiting its turn as before, and lets two engines on one
file in one event loop (the two-dispatcher tests) interleave: the one holding the write lock
runs while the other sleeps, where a blocking wait would deadlock. Only plain ``SQLITE_BUSY`` is
retried: ``SQLITE_BUSY_SNAPSHOT`` (a read transaction that may no longer write) cannot succeed
by waiting and is raised at once, as before.

Not affected: Alembic migrations, which use sync SQLAlchemy (``sqlite3`` directly).
``tests/storage`` runs every statement through this module.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi
from sqlalchemy.engine import AdaptedConnection
from sqlalchemy.util import await_only

__all__ = ["BUSY_BUDGET_S", "BUSY_TIMEOUT_MS", "InlineConnection", "inline_dbapi"]

# How long SQLite's own busy handler may block the loop for one attempt, and how long in all a
# statement waits for another connection's lock before "database is locked".
BUSY_TIMEOUT_MS = 50
BUSY_BUDGET_S = 5.0
_PAUSES_S = (0.002, 0.005, 0.01, 0.02, 0.05)


class _Ready:
    """An awaitable that is already done: awaiting it never suspends, never yields to the loop."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that ends at once


_READY = _Ready()


def _is_plain_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY


def _patiently(statement: Callable[..., object], *args: Any) -> None:
    """Run ``statement``; while another connection holds the lock, sleep on the loop and retry.

    SQLite's busy handler has already waited ``BUSY_TIMEOUT_MS`` (blocking the loop) before an
    attempt fails. Past ``BUSY_BUDGET_S`` in all, or for any other error, the error is raised.
    """
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            statement(*args)
            return
        except sqlite3.OperationalError as error:
            if not _is_plain_busy(error) or time.monotonic() - started >= BUSY_BUDGET_S:
                raise
            await_only(asyncio.sleep(_PAUSES_S[min(attempt, len(_PAUSES_S) - 1)]))
            attempt += 1


class InlineCursor(sqlite3.Cursor):
    """A ``sqlite3`` cursor that waits for another connection's lock on the loop, not in it."""

    def execute(self, sql: str, parameters: Any = (), /) -> InlineCursor:
        _patiently(super().execute, sql, parameters)
        # `AsyncConnection.execute` insists that a statement awaited something (AwaitRequired
        # otherwise, to catch a sync driver by mistake): one greenlet switch, no loop turn.
        await_only(_READY)
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> InlineCursor:
        rows = list(seq_of_parameters)  # an iterator could not be replayed after SQLITE_BUSY
        _patiently(super().executemany, sql, rows)
        await_only(_READY)
        return self

    async def _async_soft_close(self) -> None:  # SQLAlchemy's async result may call it
        return


class InlineConnection(AdaptedConnection):
    """The DBAPI connection SQLAlchemy sees: a ``sqlite3`` connection, called synchronously."""

    __slots__ = ("_sqlite", "dbapi")

    def __init__(self, dbapi: Any, connection: sqlite3.Connection) -> None:
        self.dbapi = dbapi
        self._sqlite = connection
        self._connection = cast(Any, connection)  # what `driver_connection` hands out

    @property
    def isolation_level(self) -> str | None:
        return self._sqlite.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._sqlite.isolation_level = cast(Any, value)

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._sqlite.create_function(*args, **kwargs)

    def cursor(self, server_side: bool = False) -> InlineCursor:
        return self._sqlite.cursor(InlineCursor)

    def execute(self, *args: Any) -> InlineCursor:
        return self.cursor().execute(*args)

    def commit(self) -> None:
        _patiently(self._sqlite.commit)

    def rollback(self) -> None:
        self._sqlite.rollback()

    def close(self) -> None:
        self._sqlite.close()

    def terminate(self) -> None:  # the dialect has_terminate; nothing to stop but the file
        self._sqlite.close()


class InlineDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, connecting with ``sqlite3`` on the caller's thread."""

    def connect(self, *args: Any, **kwargs: Any) -> InlineConnection:  # type: ignore[override]
        kwargs.pop("async_fallback", None)
        kwargs.pop("async_creator_fn", None)
        # The pool may close a connection from another thread (garbage collection at exit);
        # sqlite3 is built serialized, so that is safe, and only one caller uses it at a time.
        kwargs["check_same_thread"] = False
        return InlineConnection(self, sqlite3.connect(*args, **kwargs))


def inline_dbapi() -> InlineDbapi:
    return InlineDbapi(aiosqlite, sqlite3)
