"""Runs the real python-telegram-bot `Application` (built and served exactly as `crampcoach run`
does) against the local Bot API stand-in, on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.coach import Coach
from bot.config import FREE_BROADCAST_RATE
from bot.content import Content, load_content
from bot.service import ChatService
from bot.storage import make_engine, make_sessionmaker
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.app import build_application, serve
from tests.auxil.clock import ShiftedClock
from tests.auxil.zones import zone_book
from tools.botapi_standin import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token"
# Holds of 10–60 s become 0.1–0.6 s; the check-in comes 1 s after a wrap-up.
TIME_SCALE = 0.01
CHECKIN_AFTER = timedelta(seconds=100)
# The reminder clock ticks this often (production: 20 s).
REMINDER_TICK = 0.1


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(ROOT / "content")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    stand_in = FakeBotApi(token=TOKEN)
    await stand_in.start()
    try:
        yield stand_in
    finally:
        await stand_in.stop()


@dataclass
class RunningBot:
    """One bot process' worth of objects; `stop()` and a new `start()` model a restart."""

    api: FakeBotApi
    content: Content
    database_url: str
    time_scale: float = TIME_SCALE
    # The broadcast lane's budget; the default is production's.
    broadcast_rate: float = FREE_BROADCAST_RATE
    paid_broadcast: bool = False
    clock: ShiftedClock = field(default_factory=ShiftedClock)
    engine: AsyncEngine | None = None
    service: ChatService | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.engine = make_engine(self.database_url)
        coach = Coach(
            self.content, zones=zone_book(), time_scale=self.time_scale, checkin_after=CHECKIN_AFTER
        )
        self.service = ChatService(coach, make_sessionmaker(self.engine), clock=self.clock)
        adapter = TelegramAdapter(
            self.service,
            self.content,
            retry_delay=0.05,
            reminder_tick=REMINDER_TICK,
            reminder_retry=timedelta(seconds=0.5),
            paid_broadcast=self.paid_broadcast,
        )
        app = build_application(
            TOKEN,
            adapter,
            base_url=self.api.base_url,
            broadcast_rate=self.broadcast_rate,
        )
        self._stop = asyncio.Event()
        polls_before = len([r for r in self.api.requests if r.method == "getUpdates"])
        self._task = asyncio.create_task(serve(app, adapter, self._stop, poll_timeout=1))
        # Ready once the first long poll is in flight.
        deadline = asyncio.get_running_loop().time() + 10
        while len([r for r in self.api.requests if r.method == "getUpdates"]) <= polls_before:
            if self._task.done():
                await self._task  # surfaces the start-up error
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot never started polling")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, 15)
            self._task = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None


@pytest.fixture
def e2e_database(migrated_url: str) -> str:
    """Every end-to-end test runs on a SQLite file and on PostgreSQL (where it is available)."""
    return migrated_url


@pytest.fixture
async def bot(api: FakeBotApi, content: Content, e2e_database: str) -> AsyncIterator[RunningBot]:
    running = RunningBot(api=api, content=content, database_url=e2e_database)
    await running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):
            await running.stop()
