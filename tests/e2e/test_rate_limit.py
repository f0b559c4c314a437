"""The bot's outgoing rate limit against a stand-in that enforces Telegram's flood control.

Why: a bedtime fan-out sends thousands of messages in a minute. Telegram refuses what goes over
about 30 a second with a 429; the bot must stay under that on its own, and still deliver
everything when a 429 comes anyway.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram.ext import ExtBot

from bot.telegram.app import rate_limiter
from tests.e2e.fake_bot_api import FakeBotApi

CHAT = 4242


async def _burst(api: FakeBotApi, limiter: Any, count: int) -> float:
    ext = ExtBot(
        api.token, base_url=api.base_url, base_file_url=api.base_file_url, rate_limiter=limiter
    )
    async with ext:
        started = time.monotonic()
        await asyncio.gather(*(ext.send_message(CHAT, f"m{n}") for n in range(count)))
        return time.monotonic() - started


async def test_evenly_spaced_sends_never_meet_the_flood_limit() -> None:
    async with FakeBotApi(flood_limit=10) as api:
        api.register_chat(CHAT)
        elapsed = await _burst(api, rate_limiter(9), 25)
        assert api.flood_refusals == 0
        assert len(api.messages(CHAT)) == 25
        # 25 sends one every 1/9 s: at least 24/9 s, never the burst PTB's default allows.
        assert elapsed >= 24 / 9 - 0.05


async def test_without_spacing_a_429_is_waited_out_and_nothing_is_lost() -> None:
    async with FakeBotApi(flood_limit=10) as api:
        api.register_chat(CHAT)
        await _burst(api, rate_limiter(0), 15)
        assert api.flood_refusals >= 5
        delivered = sorted(m.text or "" for m in api.messages(CHAT))
        assert delivered == sorted(f"m{n}" for n in range(15))
