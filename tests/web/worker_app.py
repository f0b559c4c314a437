"""One webhook worker's app for tests/web/test_workers.py, imported by uvicorn in each worker.

It stands where `crampcoach serve`'s factory (bot/worker.py, the runtime behind
``handle_update``) does:
the real app, ledger, readiness, metrics, cleanup and logging, and a ``handle_update`` that
only notes the update. Settings come from the environment the test starts the server with.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from bot.logs import setup_logging
from bot.metrics import METRICS
from bot.storage import make_engine, make_sessionmaker
from bot.storage.webhook import UpdateLedger, database_answers
from bot.web.app import WebhookApp, create_app
from bot.web.serve import ledger_cleaned

PATH = "/hook"


def create() -> Starlette:
    setup_logging("WARNING", None, log_format="json", more_secrets=(os.environ["TEST_SECRET"],))
    engine = make_engine(os.environ["TEST_DATABASE_URL"])
    sessions = make_sessionmaker(engine)
    ledger = UpdateLedger(sessions)

    async def handle_update(update: dict[str, Any]) -> None:
        await asyncio.sleep(0)

    async def ready() -> None:
        await database_answers(sessions)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with ledger_cleaned(ledger, METRICS):
                yield
        finally:
            await engine.dispose()

    front = WebhookApp(
        path=PATH,
        secret=os.environ["TEST_SECRET"],
        handle_update=handle_update,
        ledger=ledger,
        ready=ready,
    )
    return create_app(front, lifespan=lifespan)
