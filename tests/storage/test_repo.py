"""Repository functions, on every backend, including the races two bot processes can produce."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage import (
    ChatState,
    Episode,
    EpisodeRecord,
    SeenUser,
    StoredState,
    User,
    episodes_for,
    is_blocked,
    load_state,
    log_episode,
    make_engine,
    make_sessionmaker,
    pending_timers,
    save_state,
    set_blocked,
    touch_user,
)

Factory = async_sessionmaker[AsyncSession]


@pytest.fixture
async def other_process(migrated_url: str) -> AsyncIterator[Factory]:
    """Sessions of a second bot process on the same database: its own engine and connection.

    (Within one process, SQLite's single pooled connection already puts transactions in a
    queue; races between writers are between processes.)
    """
    engine = make_engine(migrated_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


NOW = datetime(2026, 5, 1, 21, 30, tzinfo=UTC)
# Long enough for the other session to reach the database and block on the lock.
BLOCK_WAIT = 0.3


async def _user_row(factory: Factory, user_id: int) -> User | None:
    async with factory() as session:
        return await session.get(User, user_id)


# --- users -----------------------------------------------------------------------------------


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


# --- chat state ------------------------------------------------------------------------------


async def test_load_state_of_unknown_chat(session_factory: Factory) -> None:
    async with session_factory() as session:
        assert await load_state(session, 404) is None


async def test_save_state_insert_then_update(session_factory: Factory) -> None:
    due = datetime(2026, 5, 1, 23, 45, 10, tzinfo=timezone(timedelta(hours=2)))
    first_state = {"schema": 1, "phase": "ask_area", "text": "Судорога — ügy", "n": [1, 2.5]}
    async with session_factory() as session:
        await touch_user(session, 2001, "ru", NOW)
        version = await save_state(
            session,
            2001,
            state=first_state,
            expected_version=0,
            timer_token="tok-1",
            timer_due_at=due,
            now=NOW,
            user_id=2001,
        )
        assert version == 1
        await session.commit()

    async with session_factory() as session:
        stored = await load_state(session, 2001)
    assert stored == StoredState(
        chat_id=2001, state=first_state, version=1, timer_token="tok-1", timer_due_at=due
    )
    assert stored.timer_due_at is not None and stored.timer_due_at.tzinfo is UTC

    async with session_factory() as session:
        version = await save_state(
            session,
            2001,
            state={"schema": 1, "phase": "idle"},
            expected_version=1,
            timer_token=None,
            timer_due_at=None,
            now=NOW + timedelta(minutes=1),
        )
        assert version == 2
        # Read-your-writes inside the same transaction.
        assert (await load_state(session, 2001)) == StoredState(
            2001, {"schema": 1, "phase": "idle"}, 2, None, None
        )
        await session.commit()

    async with session_factory() as session:
        row = await session.get(ChatState, 2001)
    assert row is not None
    assert row.user_id == 2001  # an update without user_id keeps the owner
    assert row.updated_at == NOW + timedelta(minutes=1)


async def test_save_state_version_conflict_keeps_the_winner(
    session_factory: Factory, other_process: Factory
) -> None:
    async with session_factory() as session:
        await save_state(
            session,
            2002,
            state={"who": "nobody"},
            expected_version=0,
            timer_token=None,
            timer_due_at=None,
            now=NOW,
        )
        await session.commit()

    async with session_factory() as winner, other_process() as loser:
        seen_by_winner = await load_state(winner, 2002)
        seen_by_loser = await load_state(loser, 2002)
        assert seen_by_winner is not None and seen_by_loser is not None
        assert seen_by_winner.version == seen_by_loser.version == 1

        assert (
            await save_state(
                winner,
                2002,
                state={"who": "winner"},
                expected_version=1,
                timer_token="w",
                timer_due_at=NOW,
                now=NOW,
            )
            == 2
        )
        await winner.commit()

        assert (
            await save_state(
                loser,
                2002,
                state={"who": "loser"},
                expected_version=1,
                timer_token="l",
                timer_due_at=None,
                now=NOW,
            )
            is None
        )
        await loser.commit()

    async with session_factory() as session:
        assert await load_state(session, 2002) == StoredState(2002, {"who": "winner"}, 2, "w", NOW)


async def test_save_state_overlapping_updates(
    session_factory: Factory, other_process: Factory
) -> None:
    """An update blocked behind a concurrent one re-checks the version once it may proceed."""
    async with session_factory() as session:
        await save_state(
            session,
            2003,
            state={},
            expected_version=0,
            timer_token=None,
            timer_due_at=None,
            now=NOW,
        )
        await session.commit()

    async with session_factory() as first, other_process() as second:
        assert (await load_state(second, 2003)) is not None  # the loser read before writing
        assert (
            await save_state(
                first,
                2003,
                state={"n": 1},
                expected_version=1,
                timer_token=None,
                timer_due_at=None,
                now=NOW,
            )
            == 2
        )
        racer = asyncio.create_task(
            save_state(
                second,
                2003,
                state={"n": 2},
                expected_version=1,
                timer_token=None,
                timer_due_at=None,
                now=NOW,
            )
        )
        await asyncio.sleep(BLOCK_WAIT)
        assert not racer.done()
        await first.commit()
        assert await racer is None
        await second.rollback()

    async with session_factory() as session:
        stored = await load_state(session, 2003)
    assert stored is not None and stored.state == {"n": 1} and stored.version == 2


async def test_save_state_insert_race(session_factory: Factory, other_process: Factory) -> None:
    kwargs = {"expected_version": 0, "timer_token": None, "timer_due_at": None, "now": NOW}
    async with session_factory() as first, other_process() as second:
        assert await save_state(first, 2004, state={"by": "first"}, **kwargs) == 1
        racer = asyncio.create_task(save_state(second, 2004, state={"by": "second"}, **kwargs))
        await asyncio.sleep(BLOCK_WAIT)
        await first.commit()
        assert await racer is None
        await second.commit()

    async with session_factory() as session:
        stored = await load_state(session, 2004)
    assert stored is not None and stored.state == {"by": "first"} and stored.version == 1


async def test_save_state_rejects_negative_version(session_factory: Factory) -> None:
    async with session_factory() as session:
        with pytest.raises(ValueError):
            await save_state(
                session,
                1,
                state={},
                expected_version=-1,
                timer_token=None,
                timer_due_at=None,
                now=NOW,
            )


async def test_pending_timers_in_due_order(session_factory: Factory) -> None:
    plan = [
        (3001, NOW + timedelta(minutes=10), "late"),
        (3002, None, None),
        (3003, NOW - timedelta(minutes=5), "overdue"),
        (3004, NOW + timedelta(seconds=20), "soon"),
    ]
    async with session_factory() as session:
        for chat_id, due, token in plan:
            await save_state(
                session,
                chat_id,
                state={"chat": chat_id},
                expected_version=0,
                timer_token=token,
                timer_due_at=due,
                now=NOW,
            )
        await session.commit()

    async with session_factory() as session:
        pending = await pending_timers(session)
    assert [(p.chat_id, p.timer_token) for p in pending] == [
        (3003, "overdue"),
        (3004, "soon"),
        (3001, "late"),
    ]
    assert all(p.timer_due_at is not None and p.timer_due_at.tzinfo is UTC for p in pending)


# --- episodes --------------------------------------------------------------------------------


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
