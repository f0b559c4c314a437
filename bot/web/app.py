"""The webhook front: a Starlette app that takes Telegram's posts strictly, and reports health.

Routes (one port, behind a TLS-terminating proxy, docs/deploy.md):

* ``POST <webhook path>``: one update from Telegram. In this order:
  1. the ``X-Telegram-Bot-Api-Secret-Token`` header must equal the secret given to setWebhook
     (compared in constant time): missing -> 401, wrong -> 403; nothing else is looked at;
  2. the body must be a JSON object with an integer ``update_id``, else 400;
  3. the update id is claimed in the ledger (bot/storage/webhook.py): one handled before gets
     200 and is not handled again (Telegram re-posts when an answer is slow); one another worker
     is handling right now gets 409 (Telegram asks again later); no database -> 503;
  4. ``handle_update(update)`` runs; only once it has returned is the update marked handled and
     200 answered, so a crash before then makes Telegram post it again. If it raises, the claim
     is released and 500 answered, for the same reason.
* ``GET /healthz``: 200 while the process serves requests.
* ``GET /readyz``: 200 when the database answers a query, else 503.
* ``GET /metrics``: Prometheus text, every worker's numbers summed (bot/metrics.py).

The app knows nothing of the bot behind ``handle_update``: `crampcoach serve` passes the
runtime's entry point, the tests pass what they observe with.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.config import RESERVED_PATHS
from bot.metrics import METRICS, Metrics, check_multiprocess_mode, exposition

__all__ = [
    "RESERVED_PATHS",
    "SECRET_HEADER",
    "HandleUpdate",
    "Ledger",
    "WebhookApp",
    "create_app",
]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are a few kilobytes; anything far bigger is not from Telegram.
MAX_BODY_BYTES = 1024 * 1024
READY_TIMEOUT = 2.0

JSONDict = dict[str, Any]
# The contract for what `crampcoach serve` plugs in (the runtime's entry point):
# * it gets the update as Telegram posted it (a JSON object with ``update_id``);
# * it returns once the update's state is committed and its replies are sent: only then does
#   the app answer 200, after which Telegram never posts the update again;
# * it raises only for what a later re-post may fix (the database down, a lost lock): the app
#   answers 500 and releases the claim; a bug that fails every time should be reported and
#   return normally, or Telegram re-posts it until it gives up;
# * it is called concurrently for different updates, in several processes; Telegram sends one
#   chat's updates one at a time, but a re-post may reach another worker, so a chat's events
#   must still be serialised: in one process by the service's per-chat lock, across processes
#   by the version check on the chat's state row;
# * to make "handled" and "committed" one fact, it may call
#   ``bot.storage.webhook.mark_handled(session, update_id, now)`` in the chat's transaction.
HandleUpdate = Callable[[JSONDict], Awaitable[None]]
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


class Ledger(Protocol):
    """The update-id ledger (bot.storage.webhook.UpdateLedger is the real one)."""

    async def claim(self, update_id: int) -> Literal["taken", "handled", "in_hand"]: ...
    async def finish(self, update_id: int) -> None: ...
    async def release(self, update_id: int) -> None: ...


@dataclass(frozen=True)
class WebhookApp:
    """Everything the routes need; ``create_app`` turns it into the ASGI app."""

    path: str
    secret: str
    handle_update: HandleUpdate
    ledger: Ledger
    ready: Callable[[], Awaitable[None]]
    metrics: Metrics = METRICS

    async def webhook(self, request: Request) -> Response:
        started = time.perf_counter()
        refused = self._refused(request)
        if refused is not None:
            self.metrics.webhook_request("forged")
            return refused
        update = await _read_update(request)
        if update is None:
            self.metrics.webhook_request("malformed")
            return PlainTextResponse("Bad Request", status_code=400)
        update_id = int(update["update_id"])
        try:
            claim = await self.ledger.claim(update_id)
        except Exception:
            log.exception("Could not claim update %d", update_id)
            self.metrics.database_error("webhook_claim")
            self.metrics.webhook_request("unavailable")
            return PlainTextResponse("Service Unavailable", status_code=503)
        if claim == "handled":
            self.metrics.webhook_request("duplicate")
            return PlainTextResponse("OK")
        if claim == "in_hand":
            self.metrics.webhook_request("in_hand")
            return PlainTextResponse("Being handled", status_code=409)
        try:
            await self.handle_update(update)
        except Exception:
            log.exception("Update %d failed; Telegram will post it again", update_id)
            self.metrics.webhook_request("failed")
            await self._release(update_id)
            return PlainTextResponse("Internal Server Error", status_code=500)
        try:
            await self.ledger.finish(update_id)
        except Exception:
            # The update was handled; a 200 stops Telegram from posting it again.
            log.exception("Could not mark update %d handled", update_id)
            self.metrics.database_error("webhook_finish")
        self.metrics.update_handled(_kind(update))
        self.metrics.webhook_request("handled")
        self.metrics.reply_latency(time.perf_counter() - started)
        return PlainTextResponse("OK")

    def _refused(self, request: Request) -> Response | None:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return PlainTextResponse("Unauthorized", status_code=401)
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return PlainTextResponse("Forbidden", status_code=403)
        return None

    async def _release(self, update_id: int) -> None:
        try:
            await self.ledger.release(update_id)
        except Exception:
            # Its lease runs out instead, and then a re-post is handled.
            log.exception("Could not release update %d", update_id)
            self.metrics.database_error("webhook_release")

    async def healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(self, request: Request) -> Response:
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                await self.ready()
        except Exception as error:
            log.warning("Not ready: the database does not answer (%s)", type(error).__name__)
            self.metrics.database_error("readyz")
            return PlainTextResponse("database unavailable", status_code=503)
        return PlainTextResponse("ready")

    async def metrics_text(self, request: Request) -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)


async def _read_update(request: Request) -> JSONDict | None:
    """The update, or None when the body is not one (too big, not JSON, no integer id)."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return None
    try:
        update = json.loads(body)
    except ValueError:
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return None
    return update


def _kind(update: JSONDict) -> str:
    """The update's type: its one field besides update_id (message, callback_query, ...)."""
    return next((key for key in update if key != "update_id"), "unknown")


def create_app(front: WebhookApp, *, lifespan: Lifespan | None = None) -> Starlette:
    """The ASGI app; ``lifespan`` (the runtime's start and stop) wraps its life.

    uvicorn stops a worker on SIGTERM by refusing new connections, waiting for the requests in
    flight (each one's update handled and answered), and only then leaving the lifespan.
    """
    if front.path in RESERVED_PATHS or not front.path.startswith("/"):
        raise ValueError(f"the webhook path {front.path!r} is taken or not a path")

    @asynccontextmanager
    async def life(app: Starlette) -> AsyncIterator[None]:
        check_multiprocess_mode()
        if lifespan is None:
            yield
            return
        async with lifespan(app):
            yield

    return Starlette(
        routes=[
            Route(front.path, front.webhook, methods=["POST"]),
            Route("/healthz", front.healthz, methods=["GET"]),
            Route("/readyz", front.readyz, methods=["GET"]),
            Route("/metrics", front.metrics_text, methods=["GET"]),
        ],
        lifespan=life,
    )
