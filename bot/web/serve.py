"""Starting the webhook workers under uvicorn, and the ledger's cleanup in each worker.

`crampcoach serve` (the composition root) calls ``run_workers`` with the import path of a
factory that builds one worker's app (its runtime, PTB Application without an Updater, ledger,
``bot.web.app.create_app``). uvicorn imports that factory in every worker process it starts and
restarts a worker that dies; SIGTERM makes each worker finish the requests in flight and leave
its lifespan.

This module must not import prometheus-client (nor bot.metrics, nor bot.web.app): with one
worker, uvicorn runs the app in this very process, and the library picks in-memory or
file-backed values when it is first imported, which must be after ``prepare_metrics_dir``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Protocol

import uvicorn

from bot.config import MULTIPROC_ENV

__all__ = [
    "CLEANUP_EVERY",
    "GRACEFUL_SECONDS",
    "keep_ledger_clean",
    "ledger_cleaned",
    "prepare_metrics_dir",
    "run_workers",
]

log = logging.getLogger(__name__)

CLEANUP_EVERY = timedelta(hours=1)
# How long a stopping worker waits for the updates in flight; under systemd's TimeoutStopSec.
GRACEFUL_SECONDS = 30


class Forgetting(Protocol):
    async def forget_before(self) -> int: ...


class CountsErrors(Protocol):
    def database_error(self, where: str) -> None: ...


async def keep_ledger_clean(
    ledger: Forgetting, metrics: CountsErrors, every: timedelta = CLEANUP_EVERY
) -> None:
    """Delete update ids Telegram can no longer post, now and then every ``every``, until
    cancelled (each worker runs it; the deletes are idempotent, so no coordination is needed)."""
    while True:
        try:
            forgotten = await ledger.forget_before()
        except Exception:
            log.exception("Could not clean up old webhook update ids")
            metrics.database_error("webhook_cleanup")
        else:
            if forgotten:
                log.info("Forgot %d webhook update id(s) older than a day", forgotten)
        await asyncio.sleep(every.total_seconds())


@asynccontextmanager
async def ledger_cleaned(ledger: Forgetting, metrics: CountsErrors) -> AsyncIterator[None]:
    """``keep_ledger_clean`` running for as long as the block (a worker's lifespan)."""
    cleanup = asyncio.create_task(keep_ledger_clean(ledger, metrics))
    try:
        yield
    finally:
        cleanup.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cleanup


def prepare_metrics_dir(path: Path) -> None:
    """An empty metrics folder, named in this process's environment (which workers inherit).

    Only in the process that starts the workers, before any worker runs: emptying it later
    would lose the running workers' counts. Refused once prometheus-client is loaded here: with
    one worker this process serves the app, and it would keep counting in memory (or into the
    deleted files), missing from every scrape.
    """
    if "prometheus_client" in sys.modules:
        raise RuntimeError(
            "prometheus_client was imported before the metrics folder was prepared; "
            "prepare it first (bot/web/serve.py)"
        )
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(path)


def run_workers(
    app_factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    metrics_dir: Path | None,
) -> None:
    """Serve ``app_factory`` ("module:function") in ``workers`` processes until SIGTERM/SIGINT.

    Call it from the starting process only, after setWebhook (bot.web.ptb.set_webhook, which
    loads no metrics). Logging: the workers' uvicorn loggers propagate to the root handlers
    (``log_config=None``), which the factory sets up with ``bot.logs.setup_logging`` (a spawned
    worker starts with no logging configured).
    """
    if metrics_dir is not None:
        prepare_metrics_dir(metrics_dir)
    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        # Behind the local proxy: nothing reads forwarded headers, so none are trusted.
        proxy_headers=False,
        server_header=False,
    )
