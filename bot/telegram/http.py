"""Bot API requests over aiohttp, behind python-telegram-bot's `BaseRequest`.

Why not PTB's default (httpx over httpcore): profiles of the bot under load put half of its CPU
in that HTTP stack, some 1.5-2 ms per request on a small machine. httpcore's connection pool is
pure Python and walks its connections on every request; aiohttp keeps its pool and parses HTTP
in C. Requests carry the same form-encoded bodies (multipart with files) and map onto PTB's
errors the same way, so nothing else in the bot can tell the difference.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_POOL_TIMEOUT = (
    "Pool timeout: all connections in the pool are busy; the request was not sent to Telegram."
)


class AiohttpRequest(BaseRequest):
    """PTB's `BaseRequest` on one `aiohttp.ClientSession` with a pool of `connections`.

    Timeouts mean what they mean to PTB: `connect` to open a connection, `read` to wait for the
    answer, `write` to send the body (aiohttp has no write timeout of its own, so it extends the
    read timeout of uploads), `pool` to wait for a free connection of the pool.
    """

    __slots__ = ("_connections", "_defaults", "_media_write", "_session", "_timeouts")

    def __init__(
        self,
        connections: int = 1,
        *,
        read: float | None = 5.0,
        write: float | None = 5.0,
        connect: float | None = 5.0,
        pool: float | None = 1.0,
        media_write: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._defaults = (read, write, connect, pool)
        self._media_write = media_write
        self._session: aiohttp.ClientSession | None = None
        # A request asks for one of a few timeout combinations; each is built once.
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._defaults[0]

    async def initialize(self) -> None:
        """Open the session on the running loop (again after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=None),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        files: bool,
    ) -> aiohttp.ClientTimeout:
        default_read, default_write, default_connect, default_pool = self._defaults
        read_s = default_read if isinstance(read, DefaultValue) else read
        write_s = (
            (self._media_write if files else default_write)
            if isinstance(write, DefaultValue)
            else write
        )
        connect_s = default_connect if isinstance(connect, DefaultValue) else connect
        pool_s = default_pool if isinstance(pool, DefaultValue) else pool
        if files and read_s is not None:
            read_s = None if write_s is None else read_s + write_s
        key = (read_s, connect_s, pool_s)
        timeout = self._timeouts.get(key)
        if timeout is None:
            # `connect` covers the wait for a pooled connection and opening a new one.
            waiting = None if pool_s is None or connect_s is None else pool_s + connect_s
            timeout = aiohttp.ClientTimeout(
                total=None, connect=waiting, sock_connect=connect_s, sock_read=read_s
            )
            self._timeouts[key] = timeout
        return timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, files)
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None:
            if files:
                body = _multipart(request_data)
            else:
                body = urlencode(request_data.json_parameters).encode()
                headers = _FORM
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut(_POOL_TIMEOUT) from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
