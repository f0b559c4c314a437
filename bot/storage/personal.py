"""Everything stored about one person: found, exported and deleted from the models' metadata.

Rows belong to a person through their user id (``users.id``, or a ``user_id`` column) or their
private chat (a ``chat_id`` column; a private chat's id is the user's id). Working from
``Base.metadata`` rather than a hand-kept list means a table added later is exported and
forgotten too, or, if it holds nothing personal, must be named in ``NOT_PERSONAL`` with the
reason (a test fails until one of the two is true).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Base

__all__ = ["NOT_PERSONAL", "export_json", "forget", "personal_rows", "personal_tables"]

# Tables with no rows about any one person, and why.
NOT_PERSONAL: dict[str, str] = {
    "media_files": "the bot's own uploads of the exercise pictures, the same for everyone",
    "webhook_updates": "Telegram's update numbers alone (no chat, no user), kept for a day so "
    "that a re-posted update is handled once",
}


def personal_tables() -> list[Table]:
    """Tables that can hold rows about a person, parents before children."""
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_PERSONAL]


def _owned_by(table: Table, user_id: int, chat_id: int) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if table.name == "users":
        conditions.append(table.c.id == user_id)
    if "user_id" in table.c:
        conditions.append(table.c.user_id == user_id)
    if "chat_id" in table.c:
        conditions.append(table.c.chat_id == chat_id)
    if not conditions:
        raise LookupError(
            f"table {table.name} has no user_id or chat_id column; "
            "add one, or list it in NOT_PERSONAL with the reason"
        )
    return or_(false(), *conditions)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


async def personal_rows(
    session: AsyncSession, user_id: int, chat_id: int
) -> dict[str, list[dict[str, Any]]]:
    """Every row about the person, table by table, as plain JSON-ready values."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in personal_tables():
        order = [column for column in table.primary_key.columns]
        result = await session.execute(
            select(table).where(_owned_by(table, user_id, chat_id)).order_by(*order)
        )
        rows[table.name] = [
            {key: _plain(value) for key, value in row._mapping.items()} for row in result
        ]
    return rows


async def export_json(session: AsyncSession, user_id: int, chat_id: int, now: datetime) -> bytes:
    """The person's data as one JSON document (UTF-8), for /export."""
    document = {
        "exported_at": now.isoformat(),
        "user_id": user_id,
        "tables": await personal_rows(session, user_id, chat_id),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


async def forget(session: AsyncSession, user_id: int, chat_id: int) -> dict[str, int]:
    """Delete every row about the person (children first); how many rows each table lost."""
    deleted: dict[str, int] = {}
    for table in reversed(personal_tables()):
        result = await session.execute(
            delete(table).where(_owned_by(table, user_id, chat_id)).returning(*table.primary_key)
        )
        deleted[table.name] = len(result.all())
    return deleted
