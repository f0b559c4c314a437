"""Chat states (bot/storage/chats.py), on every backend, including the races two bot processes
can produce."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.storage import (
    ChatState,
    StoredState,
    load_state,
    pending_timers,
    save_state,
    touch_user,
)
from tests.storage.support import BLOCK_WAIT, NOW, Factory


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
