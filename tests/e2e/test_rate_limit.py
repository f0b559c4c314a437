"""The two lanes of outgoing messages (bot/telegram/lanes.py) against a stand-in that enforces
Telegram's flood control, through PTB's real `ExtBot` and HTTP stack.

Why: a bedtime fan-out sends thousands of messages in a minute. Telegram refuses bulk messages
over about 30 a second with a 429; the broadcast lane must stay under that on its own, replies
must never queue behind it, and a 429 must hold up only what Telegram said to hold up.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable
from typing import Any

from telegram.ext import ExtBot

from bot.telegram.lanes import Budget, Lane, LaneRateLimiter
from tools.botapi_standin import FakeBotApi

CHAT = 4242
OTHER = 4343


def _bot(api: FakeBotApi, limiter: LaneRateLimiter) -> ExtBot[Any]:
    return ExtBot(
        api.token, base_url=api.base_url, base_file_url=api.base_file_url, rate_limiter=limiter
    )


async def _burst(api: FakeBotApi, limiter: LaneRateLimiter, count: int, lane: Lane) -> float:
    async with _bot(api, limiter) as ext:
        started = time.monotonic()
        await asyncio.gather(
            *(ext.send_message(CHAT, f"m{n}", rate_limit_args=lane) for n in range(count))
        )
        return time.monotonic() - started


async def _timed(call: Awaitable[Any]) -> float:
    started = time.monotonic()
    await call
    return time.monotonic() - started


async def _paused(limiter: LaneRateLimiter, chat: int | None) -> None:
    """Until the limiter has read the 429 the stand-in just sent (bounded)."""
    for _ in range(200):
        if limiter.pauses.remaining(chat) > 0:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"the 429 never paused {chat or 'everything'}")


async def test_broadcasts_are_evenly_spaced_and_never_meet_the_flood_limit() -> None:
    async with FakeBotApi(flood_limit=9) as api:
        api.register_chat(CHAT)
        elapsed = await _burst(api, LaneRateLimiter(9), 25, Lane.BROADCAST)
        assert api.flood_refusals == 0
        assert len(api.messages(CHAT)) == 25
        # 25 sends one every 1/9 s: at least 24/9 s, never a burst.
        assert elapsed >= 24 / 9 - 0.05


async def test_replies_are_not_held_to_the_broadcast_budget() -> None:
    async with FakeBotApi() as api:
        api.register_chat(CHAT)
        elapsed = await _burst(api, LaneRateLimiter(9), 25, Lane.CONVERSATION)
        assert len(api.messages(CHAT)) == 25
        assert elapsed < 1.5  # the budget would have taken 24/9 s


async def test_a_429_is_waited_out_and_nothing_is_lost() -> None:
    async with FakeBotApi(flood_limit=10) as api:
        api.register_chat(CHAT)
        await _burst(api, LaneRateLimiter(0), 15, Lane.CONVERSATION)
        assert api.flood_refusals >= 5
        delivered = sorted(m.text or "" for m in api.messages(CHAT))
        assert delivered == sorted(f"m{n}" for n in range(15))


async def test_a_429_for_one_chat_pauses_that_chat_only() -> None:
    async with FakeBotApi() as api:
        api.register_chat(CHAT)
        api.register_chat(OTHER)
        api.fail_next("sendMessage", status=429, retry_after=2, chat_id=CHAT)
        limiter = LaneRateLimiter(30)
        async with _bot(api, limiter) as ext:
            paused = asyncio.create_task(_timed(ext.send_message(CHAT, "late")))
            await api.wait_for_request("sendMessage", lambda r: r.status == 429)
            await _paused(limiter, CHAT)
            assert limiter.pauses.remaining(OTHER) == 0
            other = await _timed(ext.send_message(OTHER, "at once"))
            assert other < 0.5
            assert not paused.done()
            assert await paused >= 1.9
        assert [m.text for m in api.messages(CHAT)] == ["late"]


async def test_a_429_for_no_chat_pauses_everything() -> None:
    async with FakeBotApi() as api:
        api.register_chat(OTHER)
        api.fail_next("getMyCommands", status=429, retry_after=1)
        limiter = LaneRateLimiter(30)
        async with _bot(api, limiter) as ext:
            commands = asyncio.create_task(ext.get_my_commands())
            await api.wait_for_request("getMyCommands", lambda r: r.status == 429)
            await _paused(limiter, None)
            assert await _timed(ext.send_message(OTHER, "after the pause")) >= 0.8
            assert await commands == ()


async def test_the_budget_holds_at_the_receiving_end_whatever_the_network_delays() -> None:
    """Requests reach the server at random points of their round trip; still never more than
    `rate` of them arrive in any one second."""
    rate, count = 20, 50
    budget = Budget(rate)
    arrivals: list[float] = []
    chance = random.Random(7)

    async def request() -> None:
        async with budget.slot():
            await asyncio.sleep(chance.uniform(0, 0.15))  # on the way there
            arrivals.append(time.monotonic())
            await asyncio.sleep(chance.uniform(0, 0.15))  # the answer on its way back

    await asyncio.gather(*(request() for _ in range(count)))
    arrivals.sort()
    busiest = max(_within_a_second(arrivals, index) for index in range(len(arrivals)))
    assert busiest <= rate
    # The spacing still uses the budget: not much under `rate` a second over the run.
    assert (count - 1) / (arrivals[-1] - arrivals[0]) > rate * 0.7


def _within_a_second(moments: list[float], first: int) -> int:
    """How many of the sorted `moments` fall in the second starting at `moments[first]`."""
    return sum(1 for moment in moments[first:] if moment < moments[first] + 1.0)
