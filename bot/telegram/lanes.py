"""Two lanes for outgoing Bot API requests, as a python-telegram-bot `BaseRateLimiter`.

Why not PTB's `AIORateLimiter` with one overall rate: Telegram's "about 30 messages a second"
is a limit on bulk notifications to many users (the Bot FAQ; the Bot API maintainers say the
same in telegram-bot-api issues #309 and #570), not on answers to people who are talking to the
bot. Spacing every request alike made one chat's reply queue behind every other chat's messages
and behind the whole bedtime fan-out: 25 people pressing buttons at once waited seconds, and the
bot answered at most ~29 updates a second. `AIORateLimiter` also pauses *every* request while it
waits out any one 429, so one chat's flood wait stalled all the others.

So each request says which lane it is in (PTB's per-call ``rate_limit_args``):

* ``Lane.CONVERSATION`` (the default: replies, button answers, a routine's timed follow-ups) is
  sent at once. A person's own pace bounds it, and a step's two or three messages go out
  together as the short burst Telegram allows in one chat.
* ``Lane.BROADCAST`` (bedtime reminders, morning check-ins) is held to a budget: evenly spaced
  at ``rate`` a second, and never more than ``rate`` in any one second as Telegram counts them
  (see `Budget`). Replies never pass through it, so a fan-out never delays one.

A 429 pauses what Telegram says to pause for its ``retry_after``: that chat (every lane's
messages to it), or everything when the request named no chat; then the request is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.runtime import Lane

__all__ = ["Budget", "Lane", "LaneRateLimiter", "Pauses", "chat_key"]

log = logging.getLogger(__name__)

Clock = Callable[[], float]
ChatKey = int | str
JSONDict = dict[str, Any]
# A few chats paused by 429s are normal; past this many, expired pauses are swept out.
_SWEEP_AT = 1024


class Pauses:
    """What Telegram told us to leave alone, and until when (monotonic seconds)."""

    __slots__ = ("_chats", "_clock", "_everything")

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._chats: dict[ChatKey, float] = {}
        self._everything = 0.0

    def pause(self, chat: ChatKey | None, seconds: float) -> None:
        """Pause `chat` (None: every request) for `seconds` from now; never shortens a pause."""
        until = self._clock() + seconds
        if chat is None:
            self._everything = max(self._everything, until)
            return
        if len(self._chats) >= _SWEEP_AT:
            now = self._clock()
            self._chats = {key: end for key, end in self._chats.items() if end > now}
        self._chats[chat] = max(self._chats.get(chat, 0.0), until)

    def remaining(self, chat: ChatKey | None) -> float:
        """Seconds until a request for `chat` may go out (0: now)."""
        now = self._clock()
        until = self._everything
        if chat is not None:
            chat_until = self._chats.get(chat)
            if chat_until is not None:
                if chat_until <= now:
                    del self._chats[chat]
                else:
                    until = max(until, chat_until)
        return max(0.0, until - now)

    async def wait(self, chat: ChatKey | None) -> None:
        """Sleep out the pause; again if another 429 lengthened it in the meantime."""
        seconds = self.remaining(chat)
        while seconds > 0:
            await asyncio.sleep(seconds)
            seconds = self.remaining(chat)


class Budget:
    """At most `rate` requests a second, evenly spaced, and never `rate` + 1 in one second.

    Requests leave one at a time, in order, 1/`rate` s apart (a wake-up that came a little late
    is made up by the next, so the rate is the rate asked for). On top of that, a request only
    leaves when fewer than `rate` others are in flight or were *answered* in the last second.
    Telegram receives each request before it answers it, so counting by answers keeps any
    one-second window at Telegram's end within `rate`, however the network delays requests:
    spacing alone would let a delayed request bunch up with the next ones there.
    """

    __slots__ = (
        "_answered",
        "_clock",
        "_freed",
        "_in_flight",
        "_interval",
        "_lock",
        "_next",
        "_slack",
        "limit",
    )

    WINDOW = 1.0
    # How late the schedule may run and still be made up (seconds).
    CATCH_UP = 0.05

    def __init__(self, rate: float, clock: Clock = time.monotonic) -> None:
        if not rate > 0:
            raise ValueError("a budget needs a rate above 0")
        self._clock = clock
        self._interval = 1.0 / rate
        self._slack = max(self._interval, self.CATCH_UP)
        self.limit = max(1, math.floor(rate))
        self._lock = asyncio.Lock()
        self._freed = asyncio.Event()
        self._answered: deque[float] = deque()
        self._in_flight = 0
        self._next = -math.inf

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._take()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._clock())
            self._freed.set()

    async def _take(self) -> None:
        async with self._lock:  # FIFO: one request at a time waits for the next slot
            while True:
                now = self._clock()
                answered = self._answered
                while answered and answered[0] <= now - self.WINDOW:
                    answered.popleft()
                wait = self._next - now
                if self._in_flight + len(answered) >= self.limit:
                    if not answered:  # all in flight: the first answer frees a place
                        self._freed.clear()
                        await self._freed.wait()
                        continue
                    wait = max(wait, answered[0] + self.WINDOW - now)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            # Late by a little: the next is due a slot after this one was due, so late wake-ups
            # do not lower the rate (at 1,000 a second a slot is shorter than the event loop's
            # usual lateness). Idle for longer: counting restarts now, with no burst to catch up.
            start = self._next if now - self._next < self._slack else now
            self._next = start + self._interval
            self._in_flight += 1


def chat_key(data: dict[str, Any]) -> ChatKey | None:
    """The chat a request is for (numeric ids as ints, as Telegram treats "42" and 42 alike)."""
    raw = data.get("chat_id")
    if raw is None:
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(raw)
    except (TypeError, ValueError):
        return str(raw)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class LaneRateLimiter(BaseRateLimiter[Lane]):
    """Conversation at once, broadcasts on a budget, 429s waited out per chat (module doc).

    `broadcast_rate` is broadcasts a second (0: no budget, e.g. a self-hosted Bot API server
    or a benchmark of the bot alone); `max_retries` is how often one request is retried after
    a 429 before the `RetryAfter` reaches the caller.
    """

    __slots__ = ("_budget", "_max_retries", "pauses")

    def __init__(
        self, broadcast_rate: float, *, max_retries: int = 3, clock: Clock = time.monotonic
    ) -> None:
        self._budget = Budget(broadcast_rate, clock) if broadcast_rate > 0 else None
        self._max_retries = max_retries
        self.pauses = Pauses(clock)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat = chat_key(data)
        budget = self._budget if rate_limit_args is Lane.BROADCAST else None
        attempt = 0
        while True:
            # Waited out before taking a broadcast slot, so a paused chat never holds one.
            await self.pauses.wait(chat)
            try:
                if budget is None:
                    return await callback(*args, **kwargs)
                async with budget.slot():
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                attempt += 1
                seconds = _seconds(error.retry_after)
                if attempt > self._max_retries:
                    log.warning("%s to chat %s: still flood-limited, giving up", endpoint, chat)
                    raise
                log.info(
                    "%s to chat %s: flood limit, pausing %s for %.1f s",
                    endpoint,
                    chat,
                    "that chat" if chat is not None else "every request",
                    seconds,
                )
                self.pauses.pause(chat, seconds)
