"""The safety profile's storage, on SQLite and PostgreSQL: five answers on the user's row, read
back by the statements every event already runs, and nothing else accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import SeenUser, User, touch_user
from bot.storage.users import (
    NO_SAFETY_ANSWERS,
    SAFETY_COLUMNS,
    SAFETY_QUESTIONS,
    preferences,
    save_safety,
    set_pictures,
)

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
# balance, joint, pregnancy, clot, numb_feet
ANSWERED = ("yes", "no", "unsaid", "no", "yes")


def test_one_column_per_question() -> None:
    assert [column.name for column in SAFETY_COLUMNS] == [f"safety_{q}" for q in SAFETY_QUESTIONS]
    assert NO_SAFETY_ANSWERS == (None,) * 5


async def test_someone_who_never_answered_has_no_answers(session_factory: Factory) -> None:
    async with session_factory() as session:
        seen = await touch_user(session, 1, "en", NOW)
        assert seen == SeenUser(timezone=None, pictures=True, safety=(None,) * 5)
        assert await preferences(session, 1) == seen
        assert await preferences(session, 2) == seen  # never seen at all
        row = (await session.execute(select(*SAFETY_COLUMNS, User.safety_updated_at))).one()
    assert tuple(row) == (None,) * 6


async def test_answers_round_trip_through_both_loads(session_factory: Factory) -> None:
    async with session_factory() as session:
        await touch_user(session, 1, "en", NOW)
        await touch_user(session, 2, "en", NOW)
        await save_safety(session, 1, ANSWERED, NOW)
        await session.commit()
    async with session_factory() as session:
        seen = await touch_user(session, 1, None, NOW + timedelta(minutes=1))
        assert seen.safety == ANSWERED
        assert (await preferences(session, 1)).safety == ANSWERED  # the timers' load
        assert (await touch_user(session, 2, None, NOW)).safety == NO_SAFETY_ANSWERS
        user = await session.get(User, 1)
    assert user is not None
    assert user.safety_updated_at == NOW
    assert (user.safety_balance, user.safety_joint, user.safety_pregnancy) == ANSWERED[:3]
    assert (user.safety_clot, user.safety_numb_feet) == ANSWERED[3:]


async def test_answering_again_replaces_all_five(session_factory: Factory) -> None:
    later = NOW + timedelta(days=30)
    changed = ("no", None, "no", "yes", "no")
    async with session_factory() as session:
        await touch_user(session, 1, "en", NOW)
        await save_safety(session, 1, ANSWERED, NOW)
        await set_pictures(session, 1, False)
        await save_safety(session, 1, changed, later)
        await session.commit()
    async with session_factory() as session:
        seen = await touch_user(session, 1, None, later)
        updated_at = await session.scalar(select(User.safety_updated_at))
    assert seen == SeenUser(timezone=None, pictures=False, safety=changed)
    assert updated_at == later


async def test_save_safety_wants_all_five(session_factory: Factory) -> None:
    async with session_factory() as session:
        await touch_user(session, 1, "en", NOW)
        with pytest.raises(ValueError, match="shorter"):
            await save_safety(session, 1, ("yes", "no"), NOW)


@pytest.mark.parametrize("column", [column.name for column in SAFETY_COLUMNS])
@pytest.mark.parametrize("value", ["maybe", "YES", ""])
async def test_the_check_constraint_rejects_anything_else(
    session_factory: Factory, column: str, value: str
) -> None:
    async with session_factory() as session:
        await touch_user(session, 1, "en", NOW)
        await session.commit()
    async with session_factory() as session:
        with pytest.raises(IntegrityError, match=f"ck_users_{column}"):
            await session.execute(update(User).where(User.id == 1).values({column: value}))
        await session.rollback()
    async with session_factory() as session:
        assert (await preferences(session, 1)).safety == NO_SAFETY_ANSWERS
