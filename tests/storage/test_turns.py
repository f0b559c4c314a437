"""The one SELECT of every event (bot/storage/turns.py) reads what the separate loads read.

Why: it replaced four statements per update; a column read from the wrong table of the join,
or an outer join that drops the person when they have no reminder or no chat state yet, would
make the coach decide with wrong facts without any error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import load_state, save_state, touch_user, users
from bot.storage import reminders as store
from bot.storage.turns import TOUCH_EVERY, load_turn

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
USER = 4711


async def test_someone_never_seen_has_no_turn(session_factory: Factory) -> None:
    async with session_factory() as session:
        assert await load_turn(session, USER, USER) is None


async def test_a_person_without_reminder_or_state(session_factory: Factory) -> None:
    async with session_factory() as session:
        await touch_user(session, USER, "de", NOW)
        await session.commit()
        turn = await load_turn(session, USER, USER)
    assert turn is not None
    assert (turn.state, turn.reminder, turn.language) == (None, None, "de")
    assert (turn.seen.timezone, turn.seen.pictures) == (None, True)
    assert turn.last_seen == NOW


async def test_state_settings_and_reminder_match_the_separate_loads(
    session_factory: Factory,
) -> None:
    night = date(2026, 5, 7)
    async with session_factory() as session:
        await touch_user(session, USER, "en", NOW)
        await users.set_timezone(session, USER, "Europe/Berlin")
        await store.save_reminder(
            session,
            user_id=USER,
            chat_id=USER,
            zone="Europe/Berlin",
            local_time=time(21, 30),
            days=127,
            next_fire_at=NOW + timedelta(hours=1, minutes=30),
            next_local_date=night,
            now=NOW,
        )
        await store.snooze_reminder(session, USER, night, NOW + timedelta(hours=2), NOW)
        await save_state(
            session,
            USER,
            state={"phase": "idle"},
            expected_version=0,
            timer_token="t1",
            timer_due_at=NOW + timedelta(seconds=40),
            now=NOW,
            user_id=USER,
        )
        await session.commit()
        turn = await load_turn(session, USER, USER)
        reminder = await store.load_reminder(session, USER)
        stored = await load_state(session, USER)
    assert turn is not None and reminder is not None
    assert turn.reminder == reminder
    assert turn.state == stored
    assert (turn.seen.timezone, turn.seen.pictures) == ("Europe/Berlin", True)
    # Another chat of the same person has no state yet; the person's facts are still there.
    async with session_factory() as session:
        elsewhere = await load_turn(session, USER + 1, USER)
    assert elsewhere is not None and elsewhere.state is None
    assert elsewhere.reminder == reminder


async def test_a_visit_is_due_after_a_few_minutes_or_a_new_language(
    session_factory: Factory,
) -> None:
    async with session_factory() as session:
        await touch_user(session, USER, "en", NOW)
        await session.commit()
        turn = await load_turn(session, USER, USER)
    assert turn is not None
    assert not turn.touch_due("en", NOW + TOUCH_EVERY - timedelta(seconds=1))
    assert not turn.touch_due(None, NOW + timedelta(minutes=1))  # None keeps the language
    assert turn.touch_due("fr", NOW + timedelta(minutes=1))
    assert turn.touch_due("en", NOW + TOUCH_EVERY)
