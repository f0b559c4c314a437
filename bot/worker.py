"""One webhook worker of `crampcoach serve`: the bot behind the strict webhook app.

A composition root, like bot/cli.py (and above it in the layer contracts, pyproject.toml): it
is the only place that joins the web front (bot/web/), Telegram's side, storage and metrics.

uvicorn imports ``create`` in every worker process (bot/web/serve.py). Each worker is a whole
bot, built as `crampcoach run` builds one (bot.telegram.app.bot_from_settings) minus the
Updater: each posted update runs through the PTB handlers inside the request (bot/web/ptb.py);
the `Runtime` runs the reminder clock and the timer sweep that fires the follow-ups of a worker
that died; the update-id ledger, its cleanup, readiness and metrics complete it. The webhook
itself was set once by the starting process, before the workers (bot/cli.py).

Settings are read again from the environment here: a spawned worker inherits the environment
(and the .env file), not the starting process's objects.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from starlette.applications import Starlette

from bot.cli import coach_for
from bot.config import Settings
from bot.content import load_content
from bot.logs import setup_logging
from bot.metrics import METRICS
from bot.reminders.zone_data import load_zone_book
from bot.service import ChatService
from bot.storage import make_engine, make_sessionmaker
from bot.storage.webhook import UpdateLedger, database_answers
from bot.telegram.app import bot_from_settings
from bot.web.app import WebhookApp, create_app
from bot.web.ptb import handler_for
from bot.web.serve import ledger_cleaned

__all__ = ["create"]

log = logging.getLogger(__name__)


def create() -> Starlette:
    """Build this worker's app; the bot starts and stops with the app's lifespan."""
    settings = Settings()
    target = settings.webhook_target()
    token = settings.telegram_bot_token
    if token is None:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    setup_logging(
        settings.log_level, token, log_format=settings.log_format, more_secrets=(target.secret,)
    )
    coach = coach_for(settings, load_content(settings.content_dir), load_zone_book())
    engine = make_engine(settings.resolved_database_url())
    sessions = make_sessionmaker(engine)
    service = ChatService(coach, sessions)
    adapter, application = bot_from_settings(settings, service, token, polling=False)
    adapter.runtime.metrics = METRICS
    ledger = UpdateLedger(sessions, lease=timedelta(seconds=settings.webhook_lease_seconds))

    async def ready() -> None:
        await database_answers(sessions)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # uvicorn leaves this only after the requests in flight were answered (SIGTERM), so
        # the Runtime stops with nothing half-handled; pending follow-ups stay in the database.
        try:
            async with ledger_cleaned(ledger, METRICS), application:
                await application.start()
                try:
                    await adapter.startup(application)
                    gc.collect()
                    gc.freeze()  # as `crampcoach run` does (bot/telegram/app.py)
                    log.info("Webhook worker ready as @%s", application.bot.username)
                    yield
                finally:
                    await adapter.shutdown()
                    await application.stop()
        finally:
            await engine.dispose()

    front = WebhookApp(
        path=target.path,
        secret=target.secret,
        handle_update=handler_for(application),
        ledger=ledger,
        ready=ready,
    )
    return create_app(front, lifespan=lifespan)
