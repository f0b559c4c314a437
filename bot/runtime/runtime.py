"""One runtime around the chat service, for every transport.

It runs each event through `ChatService` and plays the result on the transport, in order: the
button press is answered first (so the spinner stops), then timers are cancelled or armed, then
the messages go out, the conversation's in their lane, stopping at a person who blocked the
bot. It keeps each chat's one armed follow-up and arms them again at start-up from the
database (the state row keeps every pending timer, so a restart loses none). It marks blocked
people. And it runs the reminder clock: every tick, the `ReminderDispatcher` claims what is due,
and each claimed reminder comes back here as a `ReminderDue` event through the service and the
coach, and goes out in the broadcast lane.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Generic, Protocol, TypeVar

from bot.coach import (
    CancelTimer,
    Event,
    ReminderDue,
    Result,
    StartTimer,
    TimerFired,
)
from bot.reminders.dispatcher import ReminderDispatcher, ReminderJob, Scope, TickReport
from bot.runtime.outbox import reply
from bot.runtime.transport import SENT, Armed, Delivery, Lane, Message, Outcome, Transport
from bot.service import ChatService

log = logging.getLogger(__name__)

# Telegram chat and user ids are never 0, so the terminal can share the bot's database safely.
TERMINAL_CHAT_ID = 0

Press = TypeVar("Press")


class RuntimeMetrics(Protocol):
    """What the runtime counts (bot.metrics.Metrics under `crampcoach serve`)."""

    def message_sent(self, lane: str, outcome: str) -> None: ...
    def telegram_429(self, lane: str) -> None: ...
    def timer_fired(self, due_at: datetime, fired_at: datetime) -> None: ...
    def reminder_sent(self, due_at: datetime, sent_at: datetime) -> None: ...
    def database_error(self, where: str) -> None: ...


class NoMetrics:
    """Counts nothing: the polling bot and the terminal load no prometheus-client."""

    def message_sent(self, lane: str, outcome: str) -> None:
        pass

    def telegram_429(self, lane: str) -> None:
        pass

    def timer_fired(self, due_at: datetime, fired_at: datetime) -> None:
        pass

    def reminder_sent(self, due_at: datetime, sent_at: datetime) -> None:
        pass

    def database_error(self, where: str) -> None:
        pass


class FloodLimited(RuntimeError):
    """A reply was still refused for flooding after the transport's own waits and retries.

    Raised, as the transport's error was before the runtime existed, so the event's error
    handling (Telegram: a kind "something went wrong" reply) takes over.
    """


class Runtime(Generic[Press]):
    """Plays results on one `Transport`; owns timers, blocked users and the reminder clock."""

    __slots__ = (
        "_clock_task",
        "_reminder_tick",
        "_retry_delay",
        "_send_attempts",
        "_sweep_every",
        "_sweep_task",
        "_timers",
        "dispatcher",
        "metrics",
        "scope",
        "service",
        "transport",
    )

    def __init__(
        self,
        service: ChatService,
        transport: Transport[Press],
        *,
        send_attempts: int = 3,
        retry_delay: float = 0.5,
        reminder_tick: float = 20.0,
        reminder_grace: timedelta = timedelta(minutes=30),
        reminder_retry: timedelta = timedelta(seconds=30),
        scope: Scope = "telegram",
        timer_sweep: float | None = None,
        metrics: RuntimeMetrics | None = None,
    ) -> None:
        """`send_attempts` and `retry_delay`: how often (with doubling waits) a reply that
        certainly did not arrive is sent again. `scope`: whose timers and reminders this
        process runs, Telegram's chats or the terminal's own. `timer_sweep`: with several
        processes on one database (webhook workers), every this many seconds claim and fire
        the follow-ups overdue by as much (their worker died) instead of arming every pending
        one at start in every process."""
        self.service = service
        self.transport = transport
        self.dispatcher = ReminderDispatcher(
            service.sessions,
            self.remind,
            grace=reminder_grace,
            retry_delay=reminder_retry,
            scope=scope,
            clock=service.now,
        )
        self.scope = scope
        self._send_attempts = send_attempts
        self._retry_delay = retry_delay
        self._reminder_tick = reminder_tick
        # Each chat's armed follow-up (at most one) and its token. Kept here rather than asked
        # of the transport: the JobQueue's lookup by name builds every job in the queue, which
        # with a thousand routines running cost milliseconds on every step of every one.
        self._timers: dict[int, tuple[str, Armed]] = {}
        self._clock_task: asyncio.Task[None] | None = None
        self._sweep_every = timer_sweep
        self._sweep_task: asyncio.Task[None] | None = None
        self.metrics: RuntimeMetrics = metrics if metrics is not None else NoMetrics()

    # -- start and stop ----------------------------------------------------------------------
    async def start(self) -> None:
        """Arm every pending follow-up again (the state rows keep them across a restart).

        With a sweep (several workers) nothing is armed here: every worker would arm every
        timer. The sweep's first beat, at once, fires what is overdue, and later ones as they
        fall due (a restart costs a pending follow-up at most one sweep period)."""
        if self._sweep_every is not None:
            return
        now = self.service.now()
        pending = [
            timer
            for timer in await self.service.pending_timers()
            if (timer[0] == TERMINAL_CHAT_ID) == (self.scope == "terminal")
        ]
        for chat_id, token, due_at in pending:
            self._arm(chat_id, token, due_at, now)
        if pending:
            log.info("Re-armed %d pending follow-up(s) from the database", len(pending))

    def start_clock(self) -> None:
        """Tick the reminder dispatcher now and every `reminder_tick` seconds from now on.

        One repeating tick is the whole scheduler: reminders are rows, not scheduler jobs. A
        tick that overruns (a big fan-out on the broadcast budget) is not doubled: the next one
        comes at the next beat after it.
        """
        if self._clock_task is None:
            self._clock_task = asyncio.create_task(self._clock(), name="reminder-clock")
        if self._sweep_every is not None and self._sweep_task is None:
            self._sweep_task = asyncio.create_task(
                self._beat(self._sweep_every, self.sweep), name="timer-sweep"
            )

    async def stop(self) -> None:
        """Stop the reminder clock and drop the armed timers (the database keeps them)."""
        for task in (self._clock_task, self._sweep_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._clock_task = self._sweep_task = None
        timers, self._timers = self._timers, {}
        for _, armed in timers.values():
            armed.cancel()

    # -- events ------------------------------------------------------------------------------
    async def handle(
        self,
        chat_id: int,
        event: Event,
        *,
        user_id: int | None,
        language: str | None = None,
        press: Press | None = None,
    ) -> Result:
        """Run a person's event through the service; its reply is played under the chat's lock,
        so the replies to two quick taps arrive in the order of the taps."""
        return await self.service.handle(
            chat_id,
            event,
            user_id=user_id,
            language=language,
            deliver=partial(self._play, chat_id, press=press),
        )

    async def say(self, chat_id: int, *messages: Message) -> None:
        """Send messages that answer no event of the coach (a reply in a group chat)."""
        for message in messages:
            if not await self._send(chat_id, message):
                return

    async def set_blocked(self, user_id: int, chat_id: int, blocked: bool) -> None:
        """Mark (or unmark) a person who blocked the bot; a blocked chat's follow-up stops."""
        await self.service.set_blocked(user_id, blocked)
        if blocked:
            self._cancel_all(chat_id)

    async def _fire(self, chat_id: int, token: str, due_at: datetime) -> None:
        """A follow-up is due: the coach ignores it if the person has moved on meanwhile (or
        another worker's sweep fired it already)."""
        armed = self._timers.get(chat_id)
        if armed is not None and armed[0] == token:
            # Not cancelled: it may be this very call, running (a swept timer's local twin
            # still fires, and the coach ignores its stale token).
            del self._timers[chat_id]
        self.metrics.timer_fired(due_at, self.service.now())
        await self.service.handle(
            chat_id,
            TimerFired(token),
            user_id=chat_id,
            from_user=False,
            deliver=partial(self._play, chat_id, press=None),
        )

    # -- playing a reply ---------------------------------------------------------------------
    async def _play(self, chat_id: int, result: Result, *, press: Press | None) -> None:
        """Answer the press, arrange the timers, then send the messages in order."""
        played = reply(result)
        await self.transport.answer(chat_id, press, played.note)
        now = self.service.now()
        for timer in played.timers:
            match timer:
                case CancelTimer(token=token):
                    self._cancel(chat_id, token)
                case StartTimer(token=token, due_at=due_at):
                    self._arm(chat_id, token, due_at, now)
        for message in played.messages:
            if not await self._send(chat_id, message):
                break

    async def _send(self, chat_id: int, message: Message) -> bool:
        """Send one reply in the conversation lane; False: stop sending to this chat."""
        for attempt in range(1, self._send_attempts + 1):
            delivery = await self.transport.send(chat_id, message, Lane.CONVERSATION)
            self._count(Lane.CONVERSATION, delivery)
            if delivery.outcome is Outcome.BLOCKED:
                log.info("Chat %s blocked the bot; marking it and stopping its timers", chat_id)
                await self.set_blocked(chat_id, chat_id, True)
                return False
            if delivery.outcome is not Outcome.RETRY:
                return True  # sent; refused for good; or it may have arrived: never twice
            if delivery.retry_after is not None:
                raise FloodLimited(f"chat {chat_id}: still flood-limited")
            if attempt == self._send_attempts:
                log.error("Giving up on a message to chat %s", chat_id)
                return True
            await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
        return True

    # -- timers ------------------------------------------------------------------------------
    def _arm(self, chat_id: int, token: str, due_at: datetime, now: datetime) -> None:
        self._cancel_all(chat_id)  # a chat has at most one follow-up armed
        delay = max(0.0, (due_at - now).total_seconds())
        armed = self.transport.arm(chat_id, delay, partial(self._fire, chat_id, token, due_at))
        self._timers[chat_id] = (token, armed)

    def _cancel(self, chat_id: int, token: str) -> None:
        armed = self._timers.get(chat_id)
        if armed is not None and armed[0] == token:
            del self._timers[chat_id]
            armed[1].cancel()

    def _cancel_all(self, chat_id: int) -> None:
        armed = self._timers.pop(chat_id, None)
        if armed is not None:
            armed[1].cancel()

    # -- reminders ---------------------------------------------------------------------------
    async def remind(self, job: ReminderJob) -> Delivery:
        """The dispatcher's sender: word the reminder (and the six-week question with it)
        through the service and the coach, send it in the broadcast lane, say how it went.

        Only the first message decides the outcome: once the reminder itself is out, a failure
        of the question that follows must not bring the reminder again.
        """
        event = ReminderDue(job.local_date, job.snoozed, job.ask_helping, job.kind, job.language)
        result = await self.service.handle(
            job.chat_id, event, user_id=job.user_id, language=job.language, from_user=False
        )
        await self.transport.answer(job.chat_id, None, None)
        first = True
        for message in reply(result).messages:
            delivery = await self.transport.send(job.chat_id, message, Lane.BROADCAST)
            self._count(Lane.BROADCAST, delivery)
            if first and delivery.outcome is Outcome.SENT and job.due_at is not None:
                self.metrics.reminder_sent(job.due_at, self.service.now())
            if delivery.outcome is not Outcome.SENT:
                if delivery.outcome is Outcome.BLOCKED:
                    log.info("Chat %s blocked the bot; its reminders stop", job.chat_id)
                    self._cancel_all(job.chat_id)
                return delivery if first else SENT
            first = False
        return SENT

    async def tick(self) -> TickReport:
        """One tick of the reminder clock: send what is due, and log what happened."""
        report = await self.dispatcher.tick()
        if report.busy:
            log.info(
                "Reminders: %d sent, %d missed, %d blocked, %d failed, %d to retry",
                report.sent,
                report.missed,
                report.blocked,
                report.failed,
                report.retried,
            )
        return report

    def _count(self, lane: Lane, delivery: Delivery) -> None:
        self.metrics.message_sent(lane.value, delivery.outcome.value)
        if delivery.retry_after is not None:
            self.metrics.telegram_429(lane.value)

    async def sweep(self) -> int:
        """Fire the follow-ups overdue by a sweep period, which their worker did not: it died
        or was stopped. Claimed with a lease first, so each is fired by one worker."""
        if self._sweep_every is None:
            return 0
        every = timedelta(seconds=self._sweep_every)
        claimed = await self.service.claim_due_timers(overdue_by=every, lease=every * 10)
        for chat_id, token, due_at in claimed:
            if (chat_id == TERMINAL_CHAT_ID) != (self.scope == "terminal"):
                continue
            try:
                await self._fire(chat_id, token, due_at)
            except Exception:  # one chat's failure must not hold up the others
                log.exception("A swept follow-up of chat %s failed", chat_id)
        if claimed:
            log.info("Fired %d overdue follow-up(s) another worker had armed", len(claimed))
        return len(claimed)

    async def _clock(self) -> None:
        await self._beat(self._reminder_tick, self.tick)

    async def _beat(self, beat: float, work: Callable[[], Awaitable[object]]) -> None:
        """Run ``work`` now and every ``beat`` seconds; an overrun skips beats, never doubles."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            try:
                await work()
            except Exception:  # a bad beat must not stop the clock for good
                log.exception("A beat of the %s clock failed", getattr(work, "__name__", "?"))
                self.metrics.database_error("clock")
            due += beat
            now = loop.time()
            if due < now:
                due += math.ceil((now - due) / beat) * beat
            await asyncio.sleep(due - now)
