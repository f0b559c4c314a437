"""Telegram file ids of uploaded exercise pictures, and the per-person pictures setting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import dialect_insert
from bot.storage.models import MediaFile, User
from bot.storage.repo import SEEN_USER_COLUMNS, SeenUser, seen_user

__all__ = ["load_file_ids", "preferences", "remember_file_id", "set_pictures"]


async def load_file_ids(session: AsyncSession, bot_id: int) -> dict[tuple[str, str], str]:
    """Every file id this bot has: ``(path, sha256) -> file_id``."""
    result = await session.execute(
        select(MediaFile.path, MediaFile.sha256, MediaFile.file_id).where(
            MediaFile.bot_id == bot_id
        )
    )
    return {(row.path, row.sha256): row.file_id for row in result}


async def remember_file_id(
    session: AsyncSession,
    *,
    bot_id: int,
    path: str,
    sha256: str,
    kind: str,
    file_id: str,
    now: datetime,
) -> None:
    """Keep the first upload's file id; a second process uploading the same picture is a no-op."""
    values = {
        "bot_id": bot_id,
        "path": path,
        "sha256": sha256,
        "kind": kind,
        "file_id": file_id,
        "created_at": now,
    }
    await session.execute(
        dialect_insert(session, MediaFile).values(values).on_conflict_do_nothing()
    )


async def preferences(session: AsyncSession, user_id: int) -> SeenUser:
    """The person's time zone, pictures setting and safety answers, as `touch_user` returns
    them, for events that are not the person writing (timers); pictures on and nothing
    answered for people not seen yet."""
    result = await session.execute(select(*SEEN_USER_COLUMNS).where(User.id == user_id))
    row = result.one_or_none()
    if row is None:
        return SeenUser(timezone=None, pictures=True)
    return seen_user(row)


async def set_pictures(session: AsyncSession, user_id: int, on: bool) -> None:
    await session.execute(update(User).where(User.id == user_id).values(pictures=on))
