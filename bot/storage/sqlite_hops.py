"""One hop to aiosqlite's thread per SQLite statement, not four, and none for an empty commit.

Why: aiosqlite runs the SQLite connection in a thread of its own, and every call is a hand-off
to that thread and back (a queue, a thread wake-up, a wake-up of the event loop). SQLAlchemy's
aiosqlite adapter makes four such calls per statement (open a cursor, execute, fetch, close),
and under load those hand-offs were about 30 % of the bot's CPU on SQLite. Here the four run as
one function in aiosqlite's thread. SQLAlchemy lets an engine take another DBAPI module
(`create_async_engine(..., module=...)`); this is SQLAlchemy's own aiosqlite module with a cursor
that does that. It leans on aiosqlite's `Connection._execute` (queue a function for its thread),
the call aiosqlite's own methods are built on; `tests/storage` runs every statement through it.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

Outcome = tuple[Any, list[Any] | None, int | None, int]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    """In aiosqlite's thread: the whole statement, rows included."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        connection = self._connection
        try:
            description, rows, lastrowid, rowcount = self.await_(
                connection._execute(_run, connection._conn, operation, parameters)
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
            raise  # _handle_exception always raises; this keeps the types honest
        self.description = description
        if description:
            self._rows = deque(rows or ())
            self.lastrowid = self.rowcount = -1
        else:
            self._rows = deque()
            self.lastrowid = lastrowid
            self.rowcount = rowcount


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else OneHopCursor(self)

    # Most updates only read (/help, a stale button, a timer that no longer applies), and
    # sqlite3 opens a transaction only for a write: their commit, and the pool's rollback when
    # the connection is returned, have nothing to do. Asked without a hop (sqlite3 lets any
    # thread read `in_transaction`, and the pool lends this connection to one caller at a
    # time, whose last hop has finished), that saves two of an update's three hops.
    def commit(self) -> None:
        if self._connection._conn.in_transaction:
            super().commit()

    def rollback(self) -> None:
        if self._connection._conn.in_transaction:
            super().rollback()


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI adapter, with `OneHopConnection`s."""

    def connect(self, *args: Any, **kwargs: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*args, **kwargs)
        return OneHopConnection(self, adapted._connection)


def one_hop_dbapi() -> OneHopDbapi:
    return OneHopDbapi(aiosqlite, sqlite3)
