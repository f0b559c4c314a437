"""The reminder dispatcher on SQLite and PostgreSQL: on time, once, and never a flood.

The clock is a plain object the tests move; nothing here sleeps to wait for a reminder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminders.dispatcher import (
    Delivery,
    Outcome,
    ReminderDispatcher,
    ReminderJob,
    TickReport,
)
from bot.reminders.schedule import EVERY_DAY, WEEKDAYS, next_fire
from bot.storage import Reminder, ReminderSend, User, make_engine, make_sessionmaker, touch_user
from bot.storage import reminders as store
from bot.storage.users import is_blocked, set_blocked, set_language

Factory = async_sessionmaker[AsyncSession]

BERLIN = "Europe/Berlin"
# Thursday 2026-05-07, 21:30 in Berlin (CEST, UTC+2) is 19:30 UTC.
EVENING = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
FIRE = datetime(2026, 5, 7, 19, 30, tzinfo=UTC)
NIGHT = date(2026, 5, 7)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> Clock:
        self.now = moment
        return self


@dataclass
class Sender:
    """Records every reminder; answers with scripted outcomes per chat (default: sent)."""

    sent: list[ReminderJob] = field(default_factory=list)
    script: dict[int, list[Delivery | BaseException]] = field(default_factory=dict)

    async def __call__(self, job: ReminderJob) -> Delivery:
        self.sent.append(job)
        plan = self.script.get(job.chat_id)
        if plan:
            step = plan.pop(0)
            if isinstance(step, BaseException):
                raise step
            return step
        return Delivery(Outcome.SENT)

    def chats(self) -> list[int]:
        return [job.chat_id for job in self.sent]


async def add_reminder(
    factory: Factory,
    user_id: int,
    *,
    zone: str = BERLIN,
    at: time = time(21, 30),
    days: int = EVERY_DAY,
    now: datetime = EVENING,
    chat_id: int | None = None,
) -> None:
    fire = next_fire(at, ZoneInfo(zone), days, after=now)
    async with factory() as session:
        await touch_user(session, user_id, "en", now)
        await store.save_reminder(
            session,
            user_id=user_id,
            chat_id=user_id if chat_id is None else chat_id,
            zone=zone,
            local_time=at,
            days=days,
            next_fire_at=fire.at,
            next_local_date=fire.local_date,
            now=now,
        )
        await session.commit()


async def reminder(factory: Factory, user_id: int) -> store.ReminderRow:
    async with factory() as session:
        row = await store.load_reminder(session, user_id)
    assert row is not None
    return row


async def sends(factory: Factory, user_id: int) -> list[tuple[date, str, bool]]:
    async with factory() as session:
        result = await session.execute(
            select(ReminderSend.local_date, ReminderSend.status, ReminderSend.snoozed)
            .where(ReminderSend.user_id == user_id)
            .order_by(ReminderSend.local_date)
        )
        return [tuple(row) for row in result]  # type: ignore[misc]


def dispatcher(
    factory: Factory, sender: Sender, clock: Callable[[], datetime], **options: object
) -> ReminderDispatcher:
    return ReminderDispatcher(factory, sender, clock=clock, **options)  # type: ignore[arg-type]


# -- on time, once ---------------------------------------------------------------------------
async def test_sent_at_its_minute_once_then_moves_to_the_next_night(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 1)
    sender, clock = Sender(), Clock(FIRE - timedelta(seconds=1))
    d = dispatcher(session_factory, sender, clock)

    assert (await d.tick()).sent == 0  # a second early: nothing
    clock.at(FIRE + timedelta(seconds=5))
    report = await d.tick()
    assert report.sent == 1
    assert sender.sent[0].local_date == NIGHT and sender.sent[0].snoozed is False
    assert (await d.tick()).sent == 0  # the same minute again: still once

    row = await reminder(session_factory, 1)
    assert row.last_sent_date == NIGHT
    assert row.next_local_date == date(2026, 5, 8)
    assert row.next_fire_at == datetime(2026, 5, 8, 19, 30, tzinfo=UTC)
    assert await sends(session_factory, 1) == [(NIGHT, "sent", False)]


async def test_a_reminder_is_worded_in_the_language_the_person_chose(
    session_factory: Factory,
) -> None:
    """Telegram says "en" (user 1 and 2); user 2 chose Russian with /language."""
    await add_reminder(session_factory, 1)
    await add_reminder(session_factory, 2)
    async with session_factory() as session:
        await set_language(session, 2, "ru")
        await session.commit()
    sender = Sender()
    await dispatcher(session_factory, sender, Clock(FIRE + timedelta(seconds=5))).tick()
    assert {job.user_id: job.language for job in sender.sent} == {1: "en", 2: "ru"}


async def test_every_night_for_a_fortnight_across_nothing_but_ticks(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 2, days=WEEKDAYS)
    sender, clock = Sender(), Clock(EVENING)
    d = dispatcher(session_factory, sender, clock)
    moment = EVENING
    while moment < EVENING + timedelta(days=14):
        moment += timedelta(minutes=25)  # ticks this far apart still land within the grace
        clock.at(moment)
        await d.tick()
    nights = [job.local_date for job in sender.sent]
    assert len(nights) == len(set(nights)) == 10  # two weeks of Monday to Friday
    assert all(night.weekday() < 5 for night in nights)
    berlin = ZoneInfo(BERLIN)
    assert {job.due_at.astimezone(berlin).time() for job in sender.sent if job.due_at} == {
        time(21, 30)
    }


# -- downtime and the grace window -----------------------------------------------------------
async def test_late_within_the_grace_window_is_still_sent(session_factory: Factory) -> None:
    await add_reminder(session_factory, 3)
    sender, clock = Sender(), Clock(FIRE + timedelta(minutes=29))
    assert (await dispatcher(session_factory, sender, clock).tick()).sent == 1


async def test_later_than_the_grace_window_skips_to_the_next_night(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 4)
    sender, clock = Sender(), Clock(FIRE + timedelta(minutes=31))
    report = await dispatcher(session_factory, sender, clock).tick()
    assert (report.sent, report.missed) == (0, 1)
    assert sender.sent == []
    row = await reminder(session_factory, 4)
    assert row.next_local_date == date(2026, 5, 8)
    assert row.last_sent_date is None  # nothing was sent
    assert await sends(session_factory, 4) == [(NIGHT, "missed", False)]


async def test_a_week_of_downtime_brings_no_flood(session_factory: Factory) -> None:
    await add_reminder(session_factory, 5)
    sender, clock = Sender(), Clock(FIRE + timedelta(days=6, hours=2))
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    await d.tick()
    assert sender.sent == []
    row = await reminder(session_factory, 5)
    assert row.next_fire_at == datetime(2026, 5, 14, 19, 30, tzinfo=UTC)  # the coming night
    clock.at(datetime(2026, 5, 14, 19, 30, 10, tzinfo=UTC))
    await d.tick()
    assert [job.local_date for job in sender.sent] == [date(2026, 5, 14)]


async def test_zero_grace_means_on_time_or_not_at_all(session_factory: Factory) -> None:
    await add_reminder(session_factory, 6)
    sender = Sender()
    clock = Clock(FIRE + timedelta(seconds=1))
    report = await dispatcher(session_factory, sender, clock, grace=timedelta(0)).tick()
    assert (report.sent, report.missed) == (0, 1)


# -- restarts --------------------------------------------------------------------------------
async def test_restart_between_claim_and_send_sends_once_after_the_lease(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 7)
    clock = Clock(FIRE + timedelta(seconds=3))
    first_sender, second_sender = Sender(), Sender()
    crashed = dispatcher(session_factory, first_sender, clock)
    report = TickReport()
    jobs, _ = await crashed._claim(clock(), report)
    assert [job.user_id for job in jobs] == [7]  # claimed, then the process "dies"

    restarted = dispatcher(session_factory, second_sender, clock)
    assert (await restarted.tick()).sent == 0  # the lease is still running
    clock.at(clock() + timedelta(seconds=61))
    assert (await restarted.tick()).sent == 1
    assert (await restarted.tick()).sent == 0

    # Had the first process only been slow, it now loses the race and sends nothing.
    await crashed._send_all(jobs, report)
    assert first_sender.sent == []
    assert [job.user_id for job in second_sender.sent] == [7]
    assert await sends(session_factory, 7) == [(NIGHT, "sent", False)]


async def test_a_crash_during_the_send_never_sends_again(session_factory: Factory) -> None:
    await add_reminder(session_factory, 8)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender(script={8: [RuntimeError("process killed mid-request")]})
    d = dispatcher(session_factory, sender, clock)
    report = await d.tick()
    assert report.uncertain == 1 and len(sender.sent) == 1
    for minutes in (2, 5, 20):
        clock.at(FIRE + timedelta(minutes=minutes))
        await d.tick()
    assert len(sender.sent) == 1  # it may have arrived: a second one is the worse mistake
    assert await sends(session_factory, 8) == [(NIGHT, "uncertain", False)]


# -- Telegram's answers ----------------------------------------------------------------------
async def test_flood_limit_waits_retry_after_then_sends_once(session_factory: Factory) -> None:
    await add_reminder(session_factory, 9)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender(script={9: [Delivery(Outcome.RETRY, retry_after=45)]})
    d = dispatcher(session_factory, sender, clock)
    assert (await d.tick()).retried == 1
    clock.at(FIRE + timedelta(seconds=40))
    assert (await d.tick()).sent == 0  # retry_after (45 s) has not passed
    clock.at(FIRE + timedelta(seconds=49))
    assert (await d.tick()).sent == 1
    assert len(sender.sent) == 2
    assert await sends(session_factory, 9) == [(NIGHT, "sent", False)]


async def test_blocked_user_is_marked_and_gets_no_more_reminders(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 10)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender(script={10: [Delivery(Outcome.BLOCKED)]})
    d = dispatcher(session_factory, sender, clock)
    assert (await d.tick()).blocked == 1
    async with session_factory() as session:
        assert await is_blocked(session, 10)
    for day in range(1, 4):
        clock.at(FIRE + timedelta(days=day, seconds=3))
        await d.tick()
    assert len(sender.sent) == 1  # no retry storm, no further nights

    # Unblocking (my_chat_member) brings the next night back, without the missed ones.
    async with session_factory() as session:
        await set_blocked(session, 10, False, clock())
        await session.commit()
    clock.at(FIRE + timedelta(days=3, minutes=40))
    await d.tick()  # the stale night is skipped, not sent
    clock.at(FIRE + timedelta(days=4, seconds=3))
    await d.tick()
    assert [job.local_date for job in sender.sent] == [NIGHT, date(2026, 5, 11)]


async def test_network_errors_are_retried_a_bounded_number_of_times(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 11)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender(script={11: [Delivery(Outcome.RETRY)] * 10})
    d = dispatcher(session_factory, sender, clock, max_attempts=3)
    for seconds in range(0, 600, 10):
        clock.at(FIRE + timedelta(seconds=3 + seconds))
        await d.tick()
    assert len(sender.sent) == 3
    assert await sends(session_factory, 11) == [(NIGHT, "failed", False)]


async def test_network_retries_stop_at_the_end_of_the_grace_window(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 12)
    clock = Clock(FIRE + timedelta(minutes=29, seconds=50))
    sender = Sender(script={12: [Delivery(Outcome.RETRY)] * 5})
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    clock.at(FIRE + timedelta(minutes=31))
    await d.tick()
    assert len(sender.sent) == 1
    assert await sends(session_factory, 12) == [(NIGHT, "failed", False)]


async def test_a_timeout_is_not_retried(session_factory: Factory) -> None:
    await add_reminder(session_factory, 13)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender(script={13: [Delivery(Outcome.UNCERTAIN)]})
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    clock.at(FIRE + timedelta(minutes=5))
    await d.tick()
    assert len(sender.sent) == 1


# -- snooze, skip, the six-week question -----------------------------------------------------
async def test_snooze_brings_the_night_back_once(session_factory: Factory) -> None:
    await add_reminder(session_factory, 14)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender()
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    until = FIRE + timedelta(minutes=31)
    async with session_factory() as session:
        assert await store.snooze_reminder(session, 14, NIGHT, until, clock())
        await session.commit()
    clock.at(until - timedelta(seconds=1))
    await d.tick()
    assert len(sender.sent) == 1
    clock.at(until + timedelta(seconds=2))
    await d.tick()
    assert [(job.local_date, job.snoozed) for job in sender.sent] == [
        (NIGHT, False),
        (NIGHT, True),
    ]
    async with session_factory() as session:  # that night's one snooze is used up
        assert not await store.snooze_reminder(session, 14, NIGHT, until, clock())
    assert (await reminder(session_factory, 14)).last_night_snoozed is True
    assert await sends(session_factory, 14) == [(NIGHT, "sent", True)]


async def test_skip_clears_the_snooze(session_factory: Factory) -> None:
    await add_reminder(session_factory, 15)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender()
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    async with session_factory() as session:
        await store.snooze_reminder(session, 15, NIGHT, FIRE + timedelta(minutes=30), clock())
        await store.clear_snooze(session, 15, clock())
        await session.commit()
    clock.at(FIRE + timedelta(minutes=31))
    await d.tick()
    assert len(sender.sent) == 1


async def test_the_six_week_question_rides_along_once(session_factory: Factory) -> None:
    await add_reminder(session_factory, 16)
    async with session_factory() as session:
        await session.execute(
            update(Reminder).where(Reminder.user_id == 16).values(started_on=date(2026, 3, 26))
        )
        await session.commit()
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender()
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    clock.at(FIRE + timedelta(days=1, seconds=3))
    await d.tick()
    assert [job.ask_helping for job in sender.sent] == [True, False]


async def test_the_first_night_sent_starts_the_six_weeks(session_factory: Factory) -> None:
    await add_reminder(session_factory, 17)
    clock = Clock(FIRE + timedelta(seconds=3))
    await dispatcher(session_factory, Sender(), clock).tick()
    async with session_factory() as session:
        started = await session.scalar(select(Reminder.started_on).where(Reminder.user_id == 17))
    assert started == NIGHT


# -- who gets what ---------------------------------------------------------------------------
async def test_disabled_reminders_and_other_scopes_are_left_alone(
    session_factory: Factory,
) -> None:
    await add_reminder(session_factory, 18)
    await add_reminder(session_factory, 19)
    await add_reminder(session_factory, 0, chat_id=0)  # the terminal's own reminder
    async with session_factory() as session:
        assert await store.disable_reminder(session, 19, EVENING)
        await session.commit()
    clock = Clock(FIRE + timedelta(seconds=3))
    telegram, terminal = Sender(), Sender()
    await dispatcher(session_factory, telegram, clock).tick()
    await dispatcher(session_factory, terminal, clock, scope="terminal").tick()
    assert telegram.chats() == [18]
    assert terminal.chats() == [0]


async def test_a_second_reminder_for_a_night_already_sent_is_impossible(
    session_factory: Factory,
) -> None:
    """Even if a reminder row is pointed back at a night that was sent (a bug, or a race with a
    time change), the unique send record refuses a second message."""
    await add_reminder(session_factory, 20)
    clock = Clock(FIRE + timedelta(seconds=3))
    sender = Sender()
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    async with session_factory() as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == 20)
            .values(next_fire_at=FIRE + timedelta(minutes=10), next_local_date=NIGHT)
        )
        await session.commit()
    clock.at(FIRE + timedelta(minutes=10, seconds=3))
    report = await d.tick()
    assert (report.sent, report.skipped) == (0, 1)
    assert len(sender.sent) == 1


# -- many at once, two dispatchers -----------------------------------------------------------
async def _bulk_reminders(factory: Factory, count: int, first_id: int = 100_000) -> None:
    now = EVENING
    ids = range(first_id, first_id + count)
    async with factory() as session:
        await session.execute(
            insert(User),
            [
                {"id": i, "language": "en", "first_seen": now, "last_seen": now, "blocked": False}
                for i in ids
            ],
        )
        await session.execute(
            insert(Reminder),
            [
                {
                    "user_id": i,
                    "chat_id": i,
                    "timezone": BERLIN,
                    "local_time": time(21, 30),
                    "days": EVERY_DAY,
                    "enabled": True,
                    "next_fire_at": FIRE,
                    "next_local_date": NIGHT,
                    "helping_asked": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in ids
            ],
        )
        await session.commit()


async def _two_dispatchers_send_each_exactly_once(url: str, count: int) -> None:
    engines = [make_engine(url), make_engine(url)]
    try:
        factories = [make_sessionmaker(engine) for engine in engines]
        await _bulk_reminders(factories[0], count)
        clock = Clock(FIRE + timedelta(seconds=2))
        senders = [Sender(), Sender()]
        dispatchers = [
            dispatcher(factory, sender, clock, batch=50)
            for factory, sender in zip(factories, senders, strict=True)
        ]
        await asyncio.gather(*(d.tick() for d in dispatchers), *(d.tick() for d in dispatchers))
        everything = senders[0].chats() + senders[1].chats()
        assert len(everything) == count
        assert sorted(everything) == list(range(100_000, 100_000 + count))
        async with factories[1]() as session:
            statuses = await session.execute(
                select(ReminderSend.status, func.count()).group_by(ReminderSend.status)
            )
            assert dict(statuses.all()) == {"sent": count}
            left = await session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.next_fire_at <= FIRE)
            )
            assert left == 0
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.postgres
async def test_postgres_1000_due_at_once_two_dispatchers_exactly_once(
    postgres_migrated_url: str,
) -> None:
    await _two_dispatchers_send_each_exactly_once(postgres_migrated_url, 1000)


async def test_two_dispatchers_on_one_database_send_each_exactly_once(migrated_url: str) -> None:
    await _two_dispatchers_send_each_exactly_once(migrated_url, 300)


# -- the morning check-in --------------------------------------------------------------------
async def _with_morning(factory: Factory, user_id: int, at: time = time(7, 30)) -> datetime:
    """A reminder with a morning check-in; returns when the first one is due (Friday 07:30)."""
    await add_reminder(factory, user_id)
    first = next_fire(at, ZoneInfo(BERLIN), EVERY_DAY, after=EVENING)
    async with factory() as session:
        await store.set_morning(session, user_id, at, first.at, EVENING)
        await session.commit()
    return first.at


async def test_the_morning_check_in_comes_once_a_morning(session_factory: Factory) -> None:
    due = await _with_morning(session_factory, 30)
    assert due == datetime(2026, 5, 8, 5, 30, tzinfo=UTC)
    sender = Sender()
    clock = Clock(due + timedelta(seconds=3))
    d = dispatcher(session_factory, sender, clock)
    await d.tick()
    await d.tick()
    mornings = [job for job in sender.sent if job.kind == "morning"]
    assert [(job.local_date, job.send_id) for job in mornings] == [(date(2026, 5, 8), None)]
    row = await reminder(session_factory, 30)
    assert row.morning_next_at == datetime(2026, 5, 9, 5, 30, tzinfo=UTC)
    # It is not a bedtime reminder: it has no send record (Thursday's bedtime one, which this
    # test's clock skipped past, is the only record).
    assert await sends(session_factory, 30) == [(NIGHT, "missed", False)]


async def test_a_late_morning_check_in_is_skipped_not_sent(session_factory: Factory) -> None:
    due = await _with_morning(session_factory, 31)
    sender = Sender()
    await dispatcher(session_factory, sender, Clock(due + timedelta(hours=2))).tick()
    assert [job for job in sender.sent if job.kind == "morning"] == []
    assert (await reminder(session_factory, 31)).morning_next_at == due + timedelta(days=1)


async def test_two_dispatchers_send_a_morning_check_in_once(migrated_url: str) -> None:
    engines = [make_engine(migrated_url), make_engine(migrated_url)]
    try:
        factories = [make_sessionmaker(engine) for engine in engines]
        due = await _with_morning(factories[0], 32)
        clock = Clock(due + timedelta(seconds=1))
        senders = [Sender(), Sender()]
        await asyncio.gather(
            *(dispatcher(f, s, clock).tick() for f, s in zip(factories, senders, strict=True))
        )
        assert len(senders[0].sent) + len(senders[1].sent) == 1
    finally:
        for engine in engines:
            await engine.dispose()
