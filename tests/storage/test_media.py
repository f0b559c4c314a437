"""Stored file ids and the pictures setting, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import SeenUser, touch_user
from bot.storage.media import load_file_ids, remember_file_id
from bot.storage.users import preferences, set_pictures

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)


async def test_the_first_file_id_is_kept_per_bot_and_content(session_factory: Factory) -> None:
    async with session_factory() as session:
        for bot_id, sha, file_id in [(1, "aa", "first"), (1, "aa", "second"), (2, "aa", "other")]:
            await remember_file_id(
                session,
                bot_id=bot_id,
                path="media/calf.png",
                sha256=sha,
                kind="photo",
                file_id=file_id,
                now=NOW,
            )
        await remember_file_id(
            session,
            bot_id=1,
            path="media/calf.png",
            sha256="bb",
            kind="photo",
            file_id="new",
            now=NOW,
        )
        await session.commit()
    async with session_factory() as session:
        assert await load_file_ids(session, 1) == {
            ("media/calf.png", "aa"): "first",
            ("media/calf.png", "bb"): "new",
        }
        assert await load_file_ids(session, 2) == {("media/calf.png", "aa"): "other"}


async def test_pictures_are_on_until_turned_off(session_factory: Factory) -> None:
    async with session_factory() as session:
        assert await preferences(session, 5) == SeenUser(None, True)  # not seen yet
        await touch_user(session, 5, "en", NOW)
        assert await preferences(session, 5) == SeenUser(None, True)
        await set_pictures(session, 5, False)
        await session.commit()
    async with session_factory() as session:
        assert await preferences(session, 5) == SeenUser(None, False)
