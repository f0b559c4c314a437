"""Builds the PTB `Application` and runs it until told to stop.

`serve` is used by `crampcoach run` and by the end-to-end tests alike, so the
tests exercise the very start-up path production uses (command menu, timers
re-armed from the database, long polling).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import ApplicationBuilder

from bot.config import FREE_BROADCAST_RATE, Settings
from bot.service import ChatService
from bot.telegram.adapter import App, TelegramAdapter
from bot.telegram.http import AiohttpRequest
from bot.telegram.lanes import LaneRateLimiter

log = logging.getLogger(__name__)

HTTP_CONNECTIONS = 32
CONCURRENT_UPDATES = 16


def build_application(
    token: str,
    adapter: TelegramAdapter,
    *,
    base_url: str,
    broadcast_rate: float = FREE_BROADCAST_RATE,
    polling: bool = True,
) -> App:
    """An Application that talks to `{base_url}{token}/{method}` (Telegram, or a local Bot API).

    `broadcast_rate` is the broadcast lane's budget, reminders per second over all chats (0: no
    budget, for a local Bot API server or a benchmark of the bot alone). Replies are never held
    to it (bot/telegram/lanes.py). `polling=False` (webhook workers): no Updater, nothing
    polls; updates come in through ``bot.web.ptb.handler_for``.
    """
    file_url = base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url)
        # Replies at once, broadcasts on a budget; a 429 pauses that chat for its retry_after,
        # then the request is retried instead of lost.
        .rate_limiter(LaneRateLimiter(broadcast_rate))
        # Chats are independent (one chat's events are serialised by ChatService's lock), but not
        # all at once: PTB's default of 256 lets a burst of updates crowd out the timed
        # follow-ups, which are JobQueue jobs outside this limit, so that a hold ended seconds
        # late. 16 at once still carry over a hundred updates a second at Telegram's round trips
        # of a tenth of a second, more than one core handles.
        .concurrent_updates(CONCURRENT_UPDATES)
        # Requests over aiohttp (bot/telegram/http.py), not PTB's httpx, which cost about half
        # the bot's CPU. 32 keep-alive connections carry far more than one core can produce. A
        # request waits up to 10 s for one instead of PTB's 1 s, whose timeout would look like
        # a send that may have arrived, and not be retried.
        .request(AiohttpRequest(HTTP_CONNECTIONS, pool=10.0))
    )
    builder = builder.get_updates_request(AiohttpRequest(1)) if polling else builder.updater(None)
    app = builder.build()
    adapter.install(app)
    return app


def bot_from_settings(
    settings: Settings,
    service: ChatService,
    token: str,
    *,
    polling: bool = True,
) -> tuple[TelegramAdapter, App]:
    """The bot as `crampcoach run` builds it, and each `crampcoach serve` worker
    (bot/worker.py) with ``polling=False``: no Updater, and the timer sweep on, since
    several workers share the database."""
    adapter = TelegramAdapter(
        service,
        service.coach.content,
        reminder_tick=settings.reminder_tick_seconds,
        reminder_grace=timedelta(minutes=settings.reminder_grace_minutes),
        paid_broadcast=settings.telegram_paid_broadcast,
        timer_sweep=None if polling else settings.timer_sweep_seconds,
    )
    app = build_application(
        token,
        adapter,
        base_url=settings.telegram_base_url,
        broadcast_rate=settings.telegram_broadcast_rate,
        polling=polling,
    )
    return adapter, app


async def serve(
    app: App,
    adapter: TelegramAdapter,
    stop: asyncio.Event,
    *,
    poll_timeout: float = 30.0,
) -> None:
    """Start, long-poll until `stop` is set, then shut down; pending timers stay in the DB."""
    updater = app.updater
    if updater is None:
        raise RuntimeError("the Application was built without an Updater")
    async with app:
        await app.start()
        try:
            await adapter.startup(app)
            # Start-up leaves some 170,000 long-lived objects behind (content, zone and city
            # tables, modules). Frozen, they are no longer rescanned by every full garbage
            # collection, each of which otherwise stopped the bot for tens of milliseconds.
            gc.collect()
            gc.freeze()
            await updater.start_polling(
                poll_interval=0.0,
                timeout=int(poll_timeout),
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
            log.info("crampcoach is running as @%s", app.bot.username)
            await stop.wait()
        finally:
            # Also on errors and cancellation, so `async with app` can shut down cleanly.
            await adapter.shutdown()
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
