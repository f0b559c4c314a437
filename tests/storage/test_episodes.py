"""Episodes (bot/storage/episodes.py) on every backend, and the foreign keys that tie a chat's
state and episodes to the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import (
    ChatState,
    Episode,
    EpisodeRecord,
    User,
    episodes_for,
    log_episode,
    save_state,
    touch_user,
)
from tests.storage.support import NOW, Factory


def _record(
    chat_id: int, user_id: int | None, started: datetime, **overrides: object
) -> EpisodeRecord:
    fields: dict[str, object] = {
        "chat_id": chat_id,
        "user_id": user_id,
        "kind": "relief",
        "area": "calf",
        "position": "bed",
        "started_at": started,
        "ended_at": started + timedelta(minutes=3),
        "outcome": "better",
        "exercises": (
            {"exercise": "calf_stretch", "feeling": "better"},
            {"exercise": "walk", "feeling": None},
        ),
    }
    fields.update(overrides)
    return EpisodeRecord(**fields)  # type: ignore[arg-type]


async def test_log_episode_roundtrip(session_factory: Factory) -> None:
    local = timezone(timedelta(hours=-5))
    started = datetime(2026, 11, 1, 1, 30, 5, 250000, tzinfo=local)
    record = _record(4001, None, started)
    later = _record(
        4001,
        None,
        started + timedelta(hours=2),
        kind="prevention",
        area=None,
        position=None,
        outcome="done",
        exercises=(),
    )
    async with session_factory() as session:
        # Logged out of order: episodes_for sorts by start time.
        later_id = await log_episode(session, later)
        first_id = await log_episode(session, record)
        await log_episode(session, _record(4002, None, started))
        await session.commit()
    assert isinstance(first_id, int) and first_id != later_id

    async with session_factory() as session:
        episodes = await episodes_for(session, 4001)
    assert [e.id for e in episodes] == [first_id, later_id]
    first = episodes[0]
    assert first.started_at == started
    assert first.started_at.tzinfo is UTC
    assert first.ended_at == started + timedelta(minutes=3)
    assert first.exercises == [
        {"exercise": "calf_stretch", "feeling": "better"},
        {"exercise": "walk", "feeling": None},
    ]
    assert (first.kind, first.area, first.position, first.outcome) == (
        "relief",
        "calf",
        "bed",
        "better",
    )
    assert episodes[1].exercises == []
    assert episodes[1].area is None


# --- foreign keys ----------------------------------------------------------------------------


async def test_deleting_a_user_cascades(session_factory: Factory, db_engine: AsyncEngine) -> None:
    """Also proves SQLite runs with PRAGMA foreign_keys=ON (it ignores ON DELETE otherwise)."""
    async with session_factory() as session:
        for user_id in (5001, 5002):
            await touch_user(session, user_id, None, NOW)
            await save_state(
                session,
                user_id,
                state={},
                expected_version=0,
                timer_token=None,
                timer_due_at=None,
                now=NOW,
                user_id=user_id,
            )
            await log_episode(session, _record(user_id, user_id, NOW))
        await session.commit()

    async with session_factory() as session:
        await session.execute(delete(User).where(User.id == 5001))
        await session.commit()

    async with db_engine.connect() as connection:
        states = await connection.scalar(select(func.count()).select_from(ChatState))
        episodes = (await connection.execute(select(Episode.user_id))).scalars().all()
        assert await connection.scalar(select(ChatState.user_id)) == 5002
    assert states == 1
    assert episodes == [5002]


async def test_foreign_key_is_enforced(session_factory: Factory) -> None:
    async with session_factory() as session:
        with pytest.raises(IntegrityError):
            await save_state(
                session,
                6001,
                state={},
                expected_version=0,
                timer_token=None,
                timer_due_at=None,
                now=NOW,
                user_id=999_999,  # no such user
            )
        await session.rollback()
