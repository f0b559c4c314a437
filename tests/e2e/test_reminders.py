"""Bedtime reminders through the real PTB Application and its JobQueue, over HTTP, on SQLite and
PostgreSQL.

The bot's clock is shifted (see `ShiftedClock`) so a test can stand a few seconds before
21:30 in Berlin; the reminder clock ticks every 0.1 s instead of every 20 s.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.content import Content
from bot.storage import ReminderSend, episodes_for, is_blocked
from bot.storage import reminders as store
from tests.auxil.clock import ShiftedClock
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import next_message, quiet_for, say, tap, texts, until_said
from tools.botapi_standin import BotMessage, FakeBotApi

# Thursday 7 May 2026: 21:30 in Berlin (CEST) is 19:30 UTC.
FIRE = datetime(2026, 5, 7, 19, 30, tzinfo=UTC)
EVENING = FIRE - timedelta(minutes=10)
REMINDER_BUTTONS = ["Start now ▶", "Snooze 30 min", "Skip tonight", "Stop reminders"]
REMINDER_TEXT = "Time for your bedtime stretch."
SAFETY_OFFER = ["🛡 Answer 5 safety questions", "Not now"]


def _labels(message: BotMessage) -> list[str]:
    return [label for label, _ in message.buttons]


def _no_rejections(api: FakeBotApi) -> None:
    assert api.rejected == [], [(r.method, r.status, r.description) for r in api.rejected]


async def _sends(
    bot: RunningBot, chat_id: int
) -> list[tuple[str, bool, datetime, datetime | None]]:
    """The chat's send records once the dispatcher has recorded how each send ended."""
    assert bot.service is not None
    for _ in range(100):
        async with bot.service.sessions() as session:
            result = await session.execute(
                select(
                    ReminderSend.status,
                    ReminderSend.snoozed,
                    ReminderSend.due_at,
                    ReminderSend.sent_at,
                )
                .where(ReminderSend.chat_id == chat_id)
                .order_by(ReminderSend.local_date)
            )
            rows = [tuple(row) for row in result]
        if all(row[0] not in ("pending", "sending") for row in rows):
            return rows  # type: ignore[return-value]
        await asyncio.sleep(0.02)
    raise AssertionError(f"sends of chat {chat_id} never settled: {rows}")


async def _set_berlin_reminder(
    api: FakeBotApi, chat_id: int, clock: ShiftedClock | None = None
) -> None:
    """At 21:20 in Berlin: /timezone Berlin, then /reminder 21:30."""
    if clock is not None:
        clock.jump_to(EVENING)
    (zone,) = await say(api, chat_id, "/timezone Berlin")
    assert "Time zone set: Europe/Berlin (it's 21:20 there now)" in (zone.content or "")
    # Saved, then (a calm moment, nothing answered yet) the offer of the safety questions.
    saved, offer = await say(api, chat_id, "/reminder 21:30", expect=2)
    assert "Bedtime reminder set: 21:30, every day, Europe/Berlin" in (saved.content or "")
    assert "Next reminder: tonight at 21:30." in (saved.content or "")
    assert "five quick safety questions" in (offer.content or "")
    assert _labels(offer) == SAFETY_OFFER


async def test_the_reminder_arrives_at_its_minute_and_every_button_works(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 5101
    await _set_berlin_reminder(api, chat, bot.clock)
    await quiet_for(api, chat, 0.4)  # not before its time

    bot.clock.jump_to(FIRE - timedelta(seconds=1))
    reminder = await next_message(api, chat)
    assert REMINDER_TEXT in (reminder.content or "")
    assert "may reduce night cramps for some people" in (reminder.content or "")
    assert _labels(reminder) == REMINDER_BUTTONS
    [(status, snoozed, due_at, sent_at)] = await _sends(bot, chat)
    assert (status, snoozed, due_at) == ("sent", False, FIRE)
    assert sent_at is not None and FIRE <= sent_at < FIRE + timedelta(seconds=5)

    await tap(api, chat, "Snooze 30 min")
    assert "I'll remind you again at 22:00" in texts(api, chat)[-1]
    await quiet_for(api, chat, 0.4)
    bot.clock.jump_to(FIRE + timedelta(minutes=30) - timedelta(seconds=1))
    again = await next_message(api, chat)
    assert "Here's your bedtime stretch again" in (again.content or "")
    assert _labels(again) == ["Start now ▶", "Skip tonight", "Stop reminders"]
    assert [(s, snoozed) for s, snoozed, _, _ in await _sends(bot, chat)] == [("sent", True)]

    await tap(api, chat, "Start now ▶")
    assert "Where will you do the stretches?" in texts(api, chat)[-1]
    await tap(api, chat, "In bed", expect=2)
    await until_said(api, chat, "Step 1 of")
    _no_rejections(api)


async def test_skip_and_stop_from_the_reminder(api: FakeBotApi, bot: RunningBot) -> None:
    chat = 5102
    await _set_berlin_reminder(api, chat, bot.clock)
    bot.clock.jump_to(FIRE - timedelta(seconds=1))
    await next_message(api, chat)

    await tap(api, chat, "Skip tonight")
    assert "no stretch tonight. Next reminder: tomorrow at 21:30." in texts(api, chat)[-1]
    await tap(api, chat, "Stop reminders")
    assert "Bedtime reminders are off." in texts(api, chat)[-1]
    bot.clock.jump_to(FIRE + timedelta(days=1) - timedelta(seconds=1))
    await quiet_for(api, chat, 0.5)  # stopped means stopped
    (status,) = await say(api, chat, "/reminder")
    assert "When do you usually go to bed?" in (status.content or "")
    _no_rejections(api)


async def test_set_up_by_buttons_and_a_shared_location(api: FakeBotApi, bot: RunningBot) -> None:
    chat = 5103
    bot.clock.jump_to(EVENING)
    (question,) = await say(api, chat, "/reminder")
    assert "When do you usually go to bed?" in (question.content or "")
    assert _labels(question) == ["21:30", "22:00", "22:30", "23:00"]
    await tap(api, chat, "22:00")
    assert _labels(api.messages(chat)[-1]) == ["Every day", "Mon–Fri", "Sat & Sun"]
    await tap(api, chat, "Every day")
    ask_zone = api.messages(chat)[-1]
    assert "Which time zone are you in?" in (ask_zone.content or "")
    assert ask_zone.reply_markup is not None
    [[location_button]] = ask_zone.reply_markup["keyboard"]
    assert location_button["request_location"] is True

    before = len(api.messages(chat))
    api.push_location(chat, 40.7128, -74.0060)  # New York
    saved, offer = (await api.wait_for_messages(chat, before + 2))[before:]
    assert "Bedtime reminder set: 22:00, every day, America/New York" in (saved.content or "")
    # The offer is a message of its own: the one above takes the location keyboard away.
    assert _labels(offer) == SAFETY_OFFER
    # 14:20 in New York: tonight's 22:00 there is still to come.
    assert "Next reminder: tonight at 22:00." in (saved.content or "")
    assert saved.reply_markup == {"remove_keyboard": True}
    assert bot.service is not None
    async with bot.service.sessions() as session:
        row = await store.load_reminder(session, chat)
    assert row is not None and row.timezone == "America/New_York"
    assert row.next_fire_at == datetime(2026, 5, 8, 2, 0, tzinfo=UTC)
    _no_rejections(api)


async def test_a_restart_neither_loses_nor_doubles_the_reminder(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    chat = 5104
    clock = ShiftedClock()
    first = RunningBot(api=api, content=content, database_url=e2e_database, clock=clock)
    await first.start()
    try:
        await _set_berlin_reminder(api, chat, clock)
    finally:
        await first.stop()

    clock.jump_to(FIRE + timedelta(minutes=3))  # the bot was down at 21:30
    second = RunningBot(api=api, content=content, database_url=e2e_database, clock=clock)
    before = len(api.messages(chat))
    await second.start()  # its first reminder tick may already send during start-up
    try:
        late = (await api.wait_for_messages(chat, before + 1))[before]
        assert REMINDER_TEXT in (late.content or "")
    finally:
        await second.stop()

    third = RunningBot(api=api, content=content, database_url=e2e_database, clock=clock)
    await third.start()
    try:
        await quiet_for(api, chat, 0.6)  # a restart does not send that night again
        assert sum("bedtime stretch" in t for t in texts(api, chat)) == 1
    finally:
        await third.stop()
    _no_rejections(api)


async def test_downtime_past_the_grace_window_skips_to_the_next_night(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 5105
    await _set_berlin_reminder(api, chat, bot.clock)
    bot.clock.jump_to(FIRE + timedelta(minutes=45))
    await quiet_for(api, chat, 0.5)
    assert [status for status, *_ in await _sends(bot, chat)] == ["missed"]
    bot.clock.jump_to(FIRE + timedelta(days=1) - timedelta(seconds=1))
    reminder = await next_message(api, chat)
    assert REMINDER_TEXT in (reminder.content or "")
    _no_rejections(api)


async def test_flood_limit_on_a_reminder_is_waited_out_and_sent_once(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 5106
    await _set_berlin_reminder(api, chat, bot.clock)
    api.fail_next("sendMessage", status=429, retry_after=1)
    bot.clock.jump_to(FIRE - timedelta(seconds=1))
    await next_message(api, chat, within=8)
    await quiet_for(api, chat, 0.5)
    assert sum("bedtime stretch" in t for t in texts(api, chat)) == 1
    refused = [r for r in api.calls("sendMessage") if r.status == 429]
    assert len(refused) == 1
    _no_rejections(api)


async def test_a_blocked_user_is_marked_and_left_alone_until_they_return(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 5107
    await _set_berlin_reminder(api, chat, bot.clock)
    api.block_chat(chat)
    bot.clock.jump_to(FIRE - timedelta(seconds=1))
    await api.wait_for_request("sendMessage", lambda r: r.status == 403)
    assert bot.service is not None
    for _ in range(100):
        async with bot.service.sessions() as session:
            if await is_blocked(session, chat):
                break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("a 403 on the reminder did not mark the user blocked")
    attempts = len([r for r in api.calls("sendMessage") if r.params.get("chat_id") == chat])

    bot.clock.jump_to(FIRE + timedelta(days=1) - timedelta(seconds=1))
    await asyncio.sleep(0.5)
    again = len([r for r in api.calls("sendMessage") if r.params.get("chat_id") == chat])
    assert again == attempts  # no retry storm, and no reminder the next night

    api.unblock_chat(chat)
    api.push_my_chat_member(chat, "kicked", "member")
    await asyncio.sleep(0.3)
    bot.clock.jump_to(FIRE + timedelta(days=2) - timedelta(seconds=1))
    back = await next_message(api, chat)
    assert REMINDER_TEXT in (back.content or "")


async def test_the_morning_check_in_arrives_and_goes_into_the_diary(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chat = 5108
    await _set_berlin_reminder(api, chat, bot.clock)
    await say(api, chat, "/reminder")
    await tap(api, chat, "Morning check-in")
    await tap(api, chat, "07:30")
    assert "First one: tomorrow at 07:30." in texts(api, chat)[-1]

    bot.clock.jump_to(datetime(2026, 5, 8, 5, 29, 59, tzinfo=UTC))  # 07:29:59 in Berlin
    question = await next_message(api, chat, within=8)
    if "bedtime stretch" in (question.content or ""):  # Thursday's 21:30 came first on the way
        question = await next_message(api, chat, within=8)
    assert "Any cramps last night?" in (question.content or "")
    await tap(api, chat, "No cramps 🎉")
    assert "a good night" in texts(api, chat)[-1]
    assert bot.service is not None
    async with bot.service.sessions() as session:
        kinds = [e.kind for e in await episodes_for(session, chat)]
    assert kinds == ["none"]
    _no_rejections(api)
