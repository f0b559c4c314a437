"""Webhook delivery, the way Telegram's Bot API server does it.

Once ``setWebhook`` names a URL, Telegram stops answering ``getUpdates`` (409) and POSTs each
update to the URL instead: one update per request, as JSON, with the secret token (if one was
set) in ``X-Telegram-Bot-Api-Secret-Token``. It keeps up to ``max_connections`` requests open at
once, but never two of one chat's updates: a chat's next update waits until the previous one was
answered with a 2xx, so a bot sees each chat's updates in order. An answer that is not a 2xx (or
no answer: refused, timed out) is retried with growing delays, and the last failure is shown in
``getWebhookInfo``. An update counts as delivered only once the bot answered it with a 2xx.

Where the stand-in differs from Telegram, on purpose:

* ``http://`` is accepted for loopback hosts (127.0.0.1, ::1, localhost) on any port, as the
  local Bot API server does, so tests need no TLS; other hosts need ``https://`` and one of
  Telegram's ports (443, 80, 88, 8443), as on Telegram;
* it never gives up on an update (Telegram drops one after "a reasonable number of attempts");
* the retry delays are scaled down (``retry_base`` doubling up to ``retry_max``) so that tests
  are quick; Telegram's are seconds to a minute;
* a method in the webhook's answer body (Telegram runs it) is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

from tools.botapi_standin.constants import JSONDict
from tools.botapi_standin.state import _bad, _update_chat_id

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})

HTTPS_REQUIRED = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
BAD_PORT = "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
BAD_SECRET = "Bad Request: secret token contains unallowed characters"
GET_UPDATES_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass(frozen=True)
class WebhookConfig:
    """What ``setWebhook`` was given (after Telegram's defaults and clamping)."""

    url: str
    secret_token: str | None = None
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    ip_address: str | None = None


@dataclass(frozen=True)
class WebhookPost:
    """One POST of one update to the webhook, once it was answered (or failed).

    ``status`` is the HTTP status (None when no answer came), ``error`` Telegram's
    ``last_error_message`` for a failed attempt, ``retry_in`` the delay chosen before the next
    attempt (None after a success).
    """

    update_id: int
    chat_id: int | None
    attempt: int
    url: str
    started: float
    finished: float
    status: int | None
    error: str | None
    retry_in: float | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def check_webhook_url(url: str) -> None:
    """Refuse what Telegram refuses (loopback ``http://`` excepted, see the module docstring)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http" and host in _LOOPBACK:
        return
    if parts.scheme != "https" or not host:
        raise _bad(HTTPS_REQUIRED)
    if (parts.port or 443) not in _WEBHOOK_PORTS:
        raise _bad(BAD_PORT)


def check_secret_token(token: str | None) -> None:
    if token is not None and not _SECRET_TOKEN.fullmatch(token):
        raise _bad(BAD_SECRET)


@dataclass
class _Waiting:
    """An update that failed and waits for its next attempt."""

    attempt: int
    not_before: float


@dataclass
class WebhookDelivery:
    """Posts pending updates to the configured URL until stopped.

    ``pending`` returns the updates not yet delivered, oldest first (already filtered by the
    allowed update types); ``delivered`` is called with an update once the webhook took it;
    ``changed`` returns the event that is set at the next state change (a new update, a new
    configuration); ``notify`` wakes everyone waiting on the stand-in.
    """

    pending: Callable[[], list[JSONDict]]
    delivered: Callable[[JSONDict], None]
    changed: Callable[[], asyncio.Event]
    notify: Callable[[], None]
    retry_base: float = 0.05
    retry_max: float = 2.0
    timeout: float = 10.0
    config: WebhookConfig | None = None
    posts: list[WebhookPost] = field(default_factory=list)
    # Every attempt as it starts: (update_id, attempt); tests read the order of starts.
    started: list[tuple[int, int]] = field(default_factory=list)
    max_in_flight: int = 0
    last_error_date: int | None = None
    last_error_message: str | None = None
    _in_flight: dict[int, int | None] = field(default_factory=dict)  # update_id -> chat_id
    _waiting: dict[int, _Waiting] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None
    _posts: set[asyncio.Task[None]] = field(default_factory=set)

    # ------------------------------------------------------------------ lifecycle

    def configure(self, config: WebhookConfig | None) -> None:
        """Start (or re-point, or with None stop taking new work) the delivery."""
        self.config = config
        if config is not None:
            self.last_error_date = self.last_error_message = None
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._run(), name="standin-webhook")
        self.notify()

    async def close(self) -> None:
        """Stop posting; requests in flight are abandoned (their updates stay pending)."""
        self.config = None
        tasks = [t for t in (self._task, *self._posts) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    # ------------------------------------------------------------------ the loop

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.config is not None:
            event = self.changed()
            wake_at = self._start_what_may_go(self.config, loop.time())
            timeout = None if wake_at is None else max(wake_at - loop.time(), 0.0)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await event.wait()

    def _start_what_may_go(self, config: WebhookConfig, now: float) -> float | None:
        """Start every update that may be posted now; the next retry time, if one waits."""
        busy_chats = {chat for chat in self._in_flight.values() if chat is not None}
        wake_at: float | None = None
        for update in self.pending():
            update_id = int(update["update_id"])
            if update_id in self._in_flight:
                continue
            chat_id = _update_chat_id(update)
            if chat_id is not None:
                if chat_id in busy_chats:
                    continue  # an earlier update of this chat goes first
                busy_chats.add(chat_id)
            waiting = self._waiting.get(update_id)
            if waiting is not None and waiting.not_before > now:
                wake_at = min(wake_at or waiting.not_before, waiting.not_before)
                continue
            if len(self._in_flight) >= config.max_connections:
                break
            attempt = waiting.attempt if waiting is not None else 1
            self._in_flight[update_id] = chat_id
            self.max_in_flight = max(self.max_in_flight, len(self._in_flight))
            self.started.append((update_id, attempt))
            task = asyncio.create_task(self._post(config, update, chat_id, attempt))
            self._posts.add(task)
            task.add_done_callback(self._posts.discard)
        return wake_at

    async def _post(
        self, config: WebhookConfig, update: JSONDict, chat_id: int | None, attempt: int
    ) -> None:
        update_id = int(update["update_id"])
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            session = self._client()
            async with session.post(
                config.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                status = response.status
                if not 200 <= status < 300:
                    error = f"Wrong response from the webhook: {status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError as exc:
            error = f"Connection error: {type(exc).__name__}"
        retry_in: float | None = None
        if error is None:
            self._waiting.pop(update_id, None)
            self.delivered(update)
        else:
            retry_in = min(self.retry_base * 2 ** (attempt - 1), self.retry_max)
            loop = asyncio.get_running_loop()
            self._waiting[update_id] = _Waiting(attempt + 1, loop.time() + retry_in)
            self.last_error_date = int(time.time())
            self.last_error_message = error
        self._in_flight.pop(update_id, None)
        self.posts.append(
            WebhookPost(
                update_id=update_id,
                chat_id=chat_id,
                attempt=attempt,
                url=config.url,
                started=started,
                finished=time.monotonic(),
                status=status,
                error=error,
                retry_in=retry_in,
            )
        )
        self.notify()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # One connection per request in flight, at most max_connections (100) of them.
            connector = aiohttp.TCPConnector(limit=100, force_close=False)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    def forget(self, update_ids: set[int]) -> None:
        """Drop retry state of updates no longer pending (dropped with drop_pending_updates)."""
        for update_id in update_ids:
            self._waiting.pop(update_id, None)
