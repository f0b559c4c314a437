"""Replies never wait: the real `Application` under load, on SQLite and PostgreSQL.

Why: with every outgoing message spaced at ~30 a second, one chat's reply queued behind every
other chat's messages and behind the bedtime fan-out, and one chat's 429 stalled all of them.
Replies now go out at once, reminders on their own budget, and a 429 pauses only its chat
(bot/telegram/lanes.py).
"""

from __future__ import annotations

import asyncio
import time

from bot.content import Content
from tests.auxil.reminders import seed_due_reminders
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import say, tap
from tools.botapi_standin import FakeBotApi, RecordedRequest

PEOPLE = 25
FIRST_CHAT = 7100


def _sent_to(api: FakeBotApi, chats: set[int]) -> list[RecordedRequest]:
    """The messages that reached these chats, in order."""
    return [r for r in api.calls("sendMessage") if r.ok and _chat(r) in chats]


def _chat(record: RecordedRequest) -> int | None:
    raw = record.params.get("chat_id")
    return int(raw) if raw is not None else None


def _answered_at(api: FakeBotApi, query_id: str) -> float | None:
    for record in api.calls("answerCallbackQuery"):
        if record.ok and str(record.params.get("callback_query_id")) == query_id:
            return record.time
    return None


async def test_twenty_five_button_presses_at_once_are_all_answered_within_a_second(
    api: FakeBotApi, bot: RunningBot
) -> None:
    chats = range(FIRST_CHAT, FIRST_CHAT + PEOPLE)

    async def to_the_position_question(chat: int) -> None:
        await say(api, chat, "/start")
        await tap(api, chat, "Calf")

    await asyncio.gather(*(to_the_position_question(chat) for chat in chats))
    # Everyone picks a position at the same moment: each press brings two or three messages
    # (a header, the first step, its picture), 50 or more in all.
    pressed: dict[str, float] = {}
    for chat in chats:
        message = api.messages(chat)[-1]
        data = next(data for label, data in message.buttons if label == "In bed")
        assert data is not None
        pressed[api.push_callback(chat, data, message_id=message.message_id)] = time.monotonic()
    await asyncio.gather(*(api.wait_for_callback_answer(query) for query in pressed))
    waits = {query: (_answered_at(api, query) or 0.0) - at for query, at in pressed.items()}
    assert max(waits.values()) < 1.0, sorted(waits.values())
    for chat in chats:  # and every step still came
        await api.wait_for_messages(chat, 5)
    assert api.rejected == []


async def _seed_due_reminders(bot: RunningBot, chats: list[int]) -> None:
    """People whose bedtime reminder is due this minute (Berlin), as the bot would store them."""
    assert bot.service is not None
    async with bot.service.sessions() as session:
        await seed_due_reminders(session, chats, bot.clock())
        await session.commit()


async def test_a_fan_out_in_progress_does_not_delay_a_reply(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    # 40 reminders at 8 a second: about five seconds of fan-out.
    due = list(range(8100, 8140))
    for chat in due:
        api.register_chat(chat)
    reminders: list[float] = []

    def count(record: RecordedRequest) -> None:
        if record.ok and record.method == "sendMessage" and _chat(record) in due:
            reminders.append(record.time)

    api.listeners.append(count)
    bot = RunningBot(api=api, content=content, database_url=e2e_database, broadcast_rate=8)
    await bot.start()
    try:
        await _seed_due_reminders(bot, due)
        await api.wait_for(lambda: len(reminders) >= 8 or None, timeout=10)
        asked = time.monotonic()
        (reply,) = await say(api, 8200, "/help")
        waited = time.monotonic() - asked
        assert "/start" in (reply.content or "")
        sent_before_the_reply = len(reminders)
        assert sent_before_the_reply < len(due)  # the fan-out was still going on...
        assert waited < 0.5  # ...and the reply did not queue behind it
        await api.wait_for(lambda: len(reminders) >= len(due) or None, timeout=20)
        await asyncio.sleep(0.3)
        assert sorted(_chat(record) for record in _sent_to(api, set(due))) == due  # each once
    finally:
        await bot.stop()
    assert api.rejected == []


async def test_a_429_on_one_chat_does_not_hold_up_the_others(
    api: FakeBotApi, bot: RunningBot
) -> None:
    slowed, other = 7301, 7302
    api.register_chat(slowed)
    api.fail_next("sendMessage", status=429, retry_after=3, chat_id=slowed)
    api.push_text(slowed, "/help")
    refused = await api.wait_for_request("sendMessage", lambda r: r.status == 429)
    asked = time.monotonic()
    await say(api, other, "/help")
    assert time.monotonic() - asked < 1.0  # not the 3 s the other chat must wait
    assert api.messages(slowed) == []
    (late,) = await api.wait_for_messages(slowed, 1, timeout=8)
    assert late.content is not None and "/start" in late.content
    (answered,) = _sent_to(api, {slowed})
    assert answered.time - refused.time >= 2.9  # that chat waited what Telegram asked
    assert api.rejected == []


async def test_with_paid_broadcasts_reminders_ask_for_them_and_replies_do_not(
    api: FakeBotApi, content: Content, e2e_database: str
) -> None:
    """`allow_paid_broadcast` costs the owner Stars: only reminders carry it, only when on."""
    due = [8300, 8301]
    for chat in due:
        api.register_chat(chat)
    bot = RunningBot(
        api=api,
        content=content,
        database_url=e2e_database,
        broadcast_rate=100,
        paid_broadcast=True,
    )
    await bot.start()
    try:
        await say(api, 8302, "/help")
        await _seed_due_reminders(bot, due)
        await api.wait_for(lambda: len(_sent_to(api, set(due))) >= len(due) or None, timeout=10)
    finally:
        await bot.stop()
    paid = [str(r.params.get("allow_paid_broadcast")).lower() for r in _sent_to(api, set(due))]
    assert paid == ["true", "true"]
    replies = _sent_to(api, {8302})  # /help: one message
    assert len(replies) == 1
    assert all("allow_paid_broadcast" not in reply.params for reply in replies)
