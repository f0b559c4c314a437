"""Telegram file ids of the uploaded exercise pictures, so each picture is uploaded once per bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import MediaFile
from bot.storage.upsert import insert_or_ignore

__all__ = ["load_file_ids", "remember_file_id"]


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
    await insert_or_ignore(session, MediaFile, values)
