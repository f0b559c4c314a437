"""The person's row (bot/storage/users.py), on every backend, including races of two processes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.storage import (
    SeenUser,
    User,
    is_blocked,
    save_state,
    set_blocked,
    touch_user,
)
from tests.storage.support import BLOCK_WAIT, NOW, Factory


async def _user_row(factory: Factory, user_id: int) -> User | None:
    async with factory() as session:
        return await session.get(User, user_id)


async def test_touch_user_new_then_returning(session_factory: Factory) -> None:
    later = NOW + timedelta(days=1)
    async with session_factory() as session:
        assert await touch_user(session, 1001, "en", NOW) == SeenUser(timezone=None, pictures=True)
        await session.commit()
    async with session_factory() as session:
        await touch_user(session, 1001, "de", later)
        await session.commit()

    user = await _user_row(session_factory, 1001)
    assert user is not None
    assert user.first_seen == NOW
    assert user.last_seen == later
    assert user.language == "de"
    assert user.blocked is False


async def test_touch_user_without_language_keeps_the_stored_one(session_factory: Factory) -> None:
    async with session_factory() as session:
        await touch_user(session, 1002, "ru", NOW)
        await touch_user(session, 1002, None, NOW + timedelta(minutes=1))
        await session.commit()
    user = await _user_row(session_factory, 1002)
    assert user is not None and user.language == "ru"


async def test_telegram_sized_ids(session_factory: Factory) -> None:
    big = 8_000_000_000  # beyond 32 bits, as new Telegram user ids are
    async with session_factory() as session:
        await touch_user(session, big, None, NOW)
        assert await save_state(
            session,
            -1_001_234_567_890,
            state={},
            expected_version=0,
            timer_token=None,
            timer_due_at=None,
            now=NOW,
            user_id=big,
        )
        await session.commit()
    assert await _user_row(session_factory, big) is not None


async def test_concurrent_touch_user_does_not_fail(
    session_factory: Factory, other_process: Factory
) -> None:
    """The second insert of the same id waits for the first and becomes an update."""
    async with session_factory() as first, other_process() as second:
        await touch_user(first, 1003, "en", NOW)  # holds the row/write lock

        racer = asyncio.create_task(touch_user(second, 1003, "fr", NOW + timedelta(seconds=1)))
        await asyncio.sleep(BLOCK_WAIT)
        assert not racer.done(), "the second insert should wait for the first transaction"

        await first.commit()
        await racer
        await second.commit()

    user = await _user_row(session_factory, 1003)
    assert user is not None
    assert user.language == "fr"
    assert user.first_seen == NOW


async def test_touch_user_gathered(session_factory: Factory) -> None:
    """Four first visits at once: one row, none of them failing."""

    async def visit(language: str, seconds: int) -> None:
        async with session_factory() as session:
            await touch_user(session, 1004, language, NOW + timedelta(seconds=seconds))
            await session.commit()

    languages = ("en", "de", "es", "it")
    await asyncio.gather(*(visit(lang, n) for n, lang in enumerate(languages)))
    user = await _user_row(session_factory, 1004)
    assert user is not None
    assert user.first_seen in {NOW + timedelta(seconds=n) for n in range(4)}
    assert user.language in languages


async def test_blocked_flag(session_factory: Factory) -> None:
    async with session_factory() as session:
        assert await is_blocked(session, 1005) is False  # unknown user
        await set_blocked(session, 1005, True, NOW)  # creates the row
        await session.commit()
    async with session_factory() as session:
        assert await is_blocked(session, 1005) is True
        # Being seen again does not silently unblock; only set_blocked does.
        await touch_user(session, 1005, "en", NOW)
        assert await is_blocked(session, 1005) is True
        await set_blocked(session, 1005, False, NOW)
        assert await is_blocked(session, 1005) is False
        await session.commit()
    user = await _user_row(session_factory, 1005)
    assert user is not None and user.blocked is False and user.language == "en"
