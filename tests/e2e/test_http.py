"""The aiohttp request class (bot/telegram/http.py) fails the way PTB's own does.

Why: the adapter decides from PTB's error classes whether a message may have arrived (a
timeout: never sent again) or certainly did not (a network error: retried). A request class
that raised anything else would turn a lost message into a crash, or a doubtful one into a
duplicate. Its successes (form posts, multipart uploads, long polling) are what every other
end-to-end test runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest
from telegram.error import NetworkError, TimedOut

from bot.telegram.http import AiohttpRequest


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections and reads requests, never answers; yields its base URL."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bot1:x/getMe"
    finally:
        server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_no_answer_in_time_is_a_timeout() -> None:
    request = AiohttpRequest(read=0.2)
    async with request, silent_server() as url:
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST")


async def test_waiting_too_long_for_a_pooled_connection_says_it_was_not_sent() -> None:
    request = AiohttpRequest(1, read=2.0, connect=0.1, pool=0.1)
    async with request, silent_server() as url:
        busy = asyncio.create_task(request.do_request(url, "POST"))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="not sent"):
            await request.do_request(url, "POST")
        busy.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimedOut):
            await busy


async def test_a_refused_connection_is_a_network_error() -> None:
    request = AiohttpRequest()
    async with request:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{_closed_port()}/bot1:x/getMe", "POST")
        assert not isinstance(raised.value, TimedOut)


async def test_a_request_needs_initialize_first() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")
