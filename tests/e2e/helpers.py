"""Small user-side actions for end-to-end tests: tap a button by its label, wait for a reply."""

from __future__ import annotations

import asyncio
from typing import Any

from tools.botapi_standin import FakeBotApi


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [message.content or "" for message in api.messages(chat_id)]


def find_button(api: FakeBotApi, chat_id: int, label: str) -> tuple[int, str]:
    """The newest message carrying a button with this label: (message id, callback data)."""
    for message in reversed(api.messages(chat_id)):
        for text, data in message.buttons:
            if text == label and data is not None:
                return message.message_id, data
    raise AssertionError(f"no button {label!r} in chat {chat_id}; sent: {texts(api, chat_id)}")


async def tap(api: FakeBotApi, chat_id: int, label: str, expect: int = 1) -> str:
    """Press a button; wait until the press was answered (the spinner stopped) and `expect`
    more messages arrived."""
    message_id, data = find_button(api, chat_id, label)
    before = len(api.messages(chat_id))
    query_id = api.push_callback(chat_id, data, message_id=message_id)
    await api.wait_for_callback_answer(query_id)
    if expect:
        await api.wait_for_messages(chat_id, before + expect)
    return query_id


async def begin(api: FakeBotApi, chat_id: int, area: str, position: str) -> None:
    """/start, then the two taps that bring the first instruction: one message, the exercise's
    name above step 1 (and, for a relief routine, the warning line)."""
    await say(api, chat_id, "/start")
    await tap(api, chat_id, area)
    await tap(api, chat_id, position)


async def say(api: FakeBotApi, chat_id: int, text: str, expect: int = 1) -> list[Any]:
    """Send text and wait for `expect` more bot messages in that chat."""
    before = len(api.messages(chat_id))
    api.push_text(chat_id, text)
    return (await api.wait_for_messages(chat_id, before + expect))[before:]


async def next_message(api: FakeBotApi, chat_id: int, within: float = 5.0) -> Any:
    before = len(api.messages(chat_id))
    return (await api.wait_for_messages(chat_id, before + 1, timeout=within))[before]


async def quiet_for(api: FakeBotApi, chat_id: int, seconds: float) -> None:
    """Assert that the bot sends nothing to this chat for a while (e.g. after /cancel)."""
    before = len(api.messages(chat_id))
    await asyncio.sleep(seconds)
    assert len(api.messages(chat_id)) == before, texts(api, chat_id)[before:]


async def settle(api: FakeBotApi, chat_id: int, quiet: float = 0.15) -> Any:
    """The last message once the bot has finished its burst (e.g. "Let's try a different one."
    and the next exercise come together)."""
    count = len(api.messages(chat_id))
    while True:
        await asyncio.sleep(quiet)
        now = len(api.messages(chat_id))
        if now == count:
            return api.messages(chat_id)[-1]
        count = now


async def drive_routine(api: FakeBotApi, chat_id: int, feeling: str, limit: int = 80) -> str:
    """Follow a routine to its end the way a person would: wait for timed steps, tap Next on
    untimed ones, answer every "How is the cramp now?" with `feeling`. Returns the wrap-up's
    text (the first message with buttons and no Next)."""
    for _ in range(limit):
        last = await settle(api, chat_id)
        text = last.content or ""
        labels = [label for label, _ in last.buttons]
        if "How is the cramp now?" in text:
            await tap(api, chat_id, feeling)
        elif "Tap Next when you" in text and "Next ▶" in labels:
            await tap(api, chat_id, "Next ▶")
        elif "Next ▶" in labels:  # a hold or duration: the bot moves on by itself
            await next_message(api, chat_id)
        elif not labels:
            # The first half of a burst that a loaded machine delivered slowly ("Good, it's
            # easing." and then the next exercise): every end of a routine carries buttons, so
            # settle again.
            continue
        else:
            return text
    raise AssertionError(f"routine did not end within {limit} moves: {texts(api, chat_id)}")


async def reply_containing(api: FakeBotApi, chat_id: int, text: str, sent: str) -> Any:
    """Send `sent`, then wait for the bot's message containing `text`, ignoring any others
    (a timed follow-up can arrive in between)."""
    before = len(api.messages(chat_id))
    api.push_text(chat_id, sent)

    def found() -> Any:
        return next((m for m in api.messages(chat_id)[before:] if text in (m.content or "")), None)

    return await api.wait_for(found)


async def until_said(api: FakeBotApi, chat_id: int, text: str) -> Any:
    """Wait until the bot has sent a message containing `text` (timed follow-ups may come too),
    then until it has gone quiet, so the next reply counted is the next one."""

    def found() -> Any:
        return next((m for m in api.messages(chat_id) if text in (m.content or "")), None)

    message = await api.wait_for(found)
    await settle(api, chat_id)
    return message
