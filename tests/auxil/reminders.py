"""Rows for people whose bedtime reminder is due this minute, as the bot would store them.

Shared by the tests that need many reminders due at once (the send lanes, the webhook workers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders.schedule import EVERY_DAY
from bot.storage.models import Reminder, User


async def seed_due_reminders(session: AsyncSession, chats: list[int], now: datetime) -> None:
    """Insert (not commit) a person and a reminder due at ``now`` (Berlin) for each chat."""
    zone = ZoneInfo("Europe/Berlin")
    local = now.astimezone(zone)
    night = local.date()
    people: list[dict[str, Any]] = [
        {
            "id": chat,
            "language": "en",
            "first_seen": now - timedelta(days=3),
            "last_seen": now - timedelta(hours=2),
            "blocked": False,
            "timezone": zone.key,
            "pictures": True,
        }
        for chat in chats
    ]
    reminders: list[dict[str, Any]] = [
        {
            "user_id": chat,
            "chat_id": chat,
            "timezone": zone.key,
            "local_time": local.time().replace(second=0, microsecond=0),
            "days": EVERY_DAY,
            "enabled": True,
            "next_fire_at": now.replace(second=0, microsecond=0),
            "next_local_date": night,
            "last_sent_date": night - timedelta(days=1),
            "started_on": night - timedelta(days=2),
            "helping_asked": False,
            "created_at": now - timedelta(days=3),
            "updated_at": now - timedelta(days=3),
        }
        for chat in chats
    ]
    await session.execute(insert(User), people)
    await session.execute(insert(Reminder), reminders)
