"""Inserts that meet an existing row: the one place that knows each database spells them alike.

SQLite (3.24+) and PostgreSQL both have ``INSERT … ON CONFLICT``, but SQLAlchemy only offers it on
each dialect's own ``insert``; :func:`dialect_insert` picks it, and every conditional insert in
storage goes through the helpers below. A conflict is never an ``IntegrityError``: that would
poison the caller's whole transaction, where losing a race should simply insert nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["dialect_insert", "insert_ignoring", "insert_or_ignore", "upsert"]


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """An INSERT into ``model`` in the session's own dialect, the one that has ``ON CONFLICT``
    (``on_conflict_do_nothing`` / ``on_conflict_do_update``): SQLite's or PostgreSQL's."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"storage supports sqlite and postgresql, not {dialect}")


def insert_ignoring(session: AsyncSession, model: type[Any], key: Sequence[str] | None) -> Any:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` (any unique constraint when ``key`` is None),
    without values: execute it with one row or many."""
    index = None if key is None else list(key)
    return dialect_insert(session, model).on_conflict_do_nothing(index_elements=index)


async def insert_or_ignore(
    session: AsyncSession,
    model: type[Any],
    values: Mapping[str, Any],
    *,
    key: Sequence[str] | None = None,
    returning: Any = None,
) -> Any | None:
    """Insert one row unless its ``key`` is taken; ``returning`` of the new row, else None.

    Two sessions racing for the same key never raise: the loser waits for the winner's commit
    and inserts nothing.
    """
    stmt = insert_ignoring(session, model, key).values(dict(values))
    if returning is None:
        await session.execute(stmt)
        return None
    result = await session.execute(stmt.returning(returning))
    return result.scalar_one_or_none()


async def upsert(
    session: AsyncSession,
    model: type[Any],
    values: Mapping[str, Any],
    *,
    key: Sequence[str],
    update: Mapping[str, Any],
) -> None:
    """Insert ``values``, or when a row with the same ``key`` exists, set ``update`` on it."""
    stmt = dialect_insert(session, model).values(dict(values))
    await session.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=dict(update)))
