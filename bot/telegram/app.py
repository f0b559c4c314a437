"""Builds the PTB `Application` and runs it until told to stop.

`serve` is used by `crampcoach run` and by the end-to-end tests alike, so the
tests exercise the very start-up path production uses (command menu, timers
re-armed from the database, long polling).
"""

from __future__ import annotations

import asyncio
import gc
import logging

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.config import DEFAULT_RATE_LIMIT
from bot.telegram.adapter import App, TelegramAdapter

log = logging.getLogger(__name__)

HTTP_CONNECTIONS = 32
CONCURRENT_UPDATES = 16


def rate_limiter(per_second: float) -> AIORateLimiter:
    """PTB's limiter, spacing messages evenly at `per_second` (0: no spacing at all).

    PTB's default lets a burst of 30 through and then 30 a second, which can put nearly 60 in
    one second; one message every 1/`per_second` s never does. Either way a 429 that still
    comes is waited out and the request retried, up to three times.
    """
    if per_second <= 0:
        return AIORateLimiter(overall_max_rate=0, max_retries=3)
    return AIORateLimiter(overall_max_rate=1, overall_time_period=1 / per_second, max_retries=3)


def build_application(
    token: str,
    adapter: TelegramAdapter,
    *,
    base_url: str,
    rate_limit: float = DEFAULT_RATE_LIMIT,
) -> App:
    """An Application that talks to `{base_url}{token}/{method}` (Telegram, or a local Bot API).

    `rate_limit` is messages per second over all chats; 0 turns the spacing off (a local Bot
    API server, or benchmarks measuring the bot rather than Telegram's cap).
    """
    file_url = base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url)
        # Retry a 429 after Telegram's retry_after instead of losing the message.
        .rate_limiter(rate_limiter(rate_limit))
        # Chats are independent (one chat's events are serialised by ChatService's lock), but not
        # all at once: PTB's default of 256 lets a burst of updates crowd out the timed
        # follow-ups, which are JobQueue jobs outside this limit, so that a hold ended seconds
        # late. 16 still cover Telegram's round trips at its ~30 messages a second.
        .concurrent_updates(CONCURRENT_UPDATES)
        # httpcore walks every pooled connection (some steps every pair) twice per request, so
        # PTB's 256 cost more CPU than they save; 32 keep-alive connections carry far more than
        # Telegram lets a bot send. A request waits up to 10 s for one instead of PTB's 1 s,
        # whose timeout would look like a send that may have arrived, and not be retried.
        .connection_pool_size(HTTP_CONNECTIONS)
        .pool_timeout(10.0)
        .build()
    )
    adapter.install(app)
    return app


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
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
