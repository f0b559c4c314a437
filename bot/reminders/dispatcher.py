"""Sends due bedtime reminders: claim atomically, move each reminder to its next night, send once.

The runtime's reminder clock (`bot/runtime/`) calls `ReminderDispatcher.tick` every ~20 s. Each
tick claims a batch in one transaction (`bot/reminders/claims.py`): every due reminder is moved on
to its next local night and gets the night's send record (unique per user and night), then the
batch is sent. The rules that keep reminders right:

* **Never twice.** A night can only be claimed once (the unique send record), and a record is
  only sent after winning the conditional ``pending -> sending`` step, so two dispatchers, two
  processes or a recovery after a crash cannot both send it.
* **Not lost on restart.** A record claimed by a process that died before sending stays
  ``pending``; once its lease runs out, the next tick (of any process) sends it, if still within
  the grace window.
* **No flood after downtime.** A night more than ``grace`` late is skipped, not sent, and the
  reminder moves on to the next night.
* **Errors.** A blocked user (403) is marked blocked, which stops their reminders; flood limits
  are left to the transport's broadcast lane (``Lane.BROADCAST``); network errors are retried a
  bounded number of times, only within the grace window; a timeout may mean the message
  arrived, so it is not retried.

How a fan-out (thousands due in one minute) stays fast without bending those rules:

* a batch is claimed with a handful of statements, not two per reminder: one SELECT (``FOR
  UPDATE SKIP LOCKED`` on PostgreSQL), one UPDATE per group of reminders going to the same next
  night, each row still conditional on the ``next_fire_at`` that was read (all SQLite needs),
  and one executemany INSERT of the nights' send records (``ON CONFLICT DO NOTHING``);
* the next batch is claimed while the last groups of the current one are being sent, never
  earlier, so a claim is about one batch old at most when it goes out (well inside its lease)
  and a night coming due during a long fan-out is judged against the grace window when claimed;
* ``pending -> sending`` is one conditional UPDATE for a small group of records (a few per send
  slot), taken when the previous group has been handed to the sender: a crash mid-fan-out
  leaves at most that group and the messages in flight ``sending`` with nobody knowing whether
  they arrived, and those are never sent again (before, it was the messages in flight);
* outcomes are written a group at a time in the background while the sends go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminders.claims import ASK_HELPING_AFTER, Claimer
from bot.reminders.jobs import Delivery, Outcome, ReminderJob, Sender, TickReport
from bot.storage import reminder_queue as store
from bot.storage import users

__all__ = [
    "ASK_HELPING_AFTER",
    "Delivery",
    "Outcome",
    "ReminderDispatcher",
    "ReminderJob",
    "Scope",
    "Sender",
    "TickReport",
]

Scope = store.Scope

log = logging.getLogger(__name__)

# Records go ``pending -> sending`` this many per send slot at a time: one statement and commit
# for a group, and what a crash mid-fan-out can leave ``sending`` without a message stays small.
GROUP_PER_SLOT = 4


def utcnow() -> datetime:
    return datetime.now(UTC)


class ReminderDispatcher:
    """Claims and sends due reminders; safe to run in several processes against one database."""

    __slots__ = (
        "_clock",
        "_running",
        "batch",
        "claimer",
        "concurrency",
        "grace",
        "max_attempts",
        "retry_delay",
        "sender",
        "sessions",
    )

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: Sender,
        *,
        grace: timedelta = timedelta(minutes=30),
        lease: timedelta = timedelta(seconds=60),
        batch: int = 500,
        concurrency: int = 8,
        max_attempts: int = 4,
        retry_delay: timedelta = timedelta(seconds=30),
        scope: store.Scope = "telegram",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if batch < 1 or concurrency < 1 or max_attempts < 1:
            raise ValueError("batch, concurrency and max_attempts must be at least 1")
        self.sessions = sessions
        self.sender = sender
        self.grace = grace
        self.batch = batch
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.claimer = Claimer(
            sessions, grace=grace, lease=lease, batch=batch, max_attempts=max_attempts, scope=scope
        )
        self._clock = clock
        self._running = False

    async def tick(self) -> TickReport:
        """Send everything due now, batch by batch; a tick still running makes the next a no-op.

        The next batch is claimed while the last groups of the current one are being sent: the
        database work overlaps the sending, and a claim is never more than about one batch old
        when its messages go out.
        """
        report = TickReport()
        if self._running:
            return report
        self._running = True
        ahead: asyncio.Task[tuple[list[ReminderJob], int]] | None = None

        def claim_ahead() -> None:
            nonlocal ahead
            if ahead is None:
                ahead = asyncio.create_task(self._claim(self._clock(), report))

        try:
            jobs, looked_at = await self._claim(self._clock(), report)
            while True:
                more = looked_at >= self.batch  # a full batch: there may be more behind it
                if jobs:
                    await self._send_all(jobs, report, nearly_done=claim_ahead if more else None)
                if not more:
                    return report
                claim_ahead()  # if sending did not (nothing of this batch was ours to send)
                assert ahead is not None
                claimed, ahead = ahead, None
                jobs, looked_at = await claimed
        finally:
            if ahead is not None:
                # Sending failed or was cancelled: claim nothing more (a claim cut short rolls
                # back; one that committed is sent by a later tick once its lease runs out).
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await ahead
            self._running = False

    # -- claiming ----------------------------------------------------------------------------
    async def _claim(self, now: datetime, report: TickReport) -> tuple[list[ReminderJob], int]:
        """One transaction: claim due nights, snoozes, morning check-ins and abandoned records."""
        return await self.claimer.claim(now, report)

    # -- sending -----------------------------------------------------------------------------
    async def _send_all(
        self,
        jobs: list[ReminderJob],
        report: TickReport,
        *,
        nearly_done: Callable[[], None] | None = None,
    ) -> None:
        """Send a claimed batch, at most ``concurrency`` messages at a time.

        The records go ``pending -> sending`` a group (``GROUP_PER_SLOT * concurrency``) at a
        time, in one conditional statement, when the previous group has been handed to the
        sender; outcomes are written a group at a time, in the background, and the rest at the
        end. ``nearly_done`` is called once, as the last two groups begin.
        """
        slots = asyncio.Semaphore(self.concurrency)
        results: list[tuple[ReminderJob, Delivery]] = []
        sending: set[asyncio.Task[None]] = set()
        writing: asyncio.Task[None] | None = None

        async def one(job: ReminderJob) -> None:
            try:
                results.append((job, await self._deliver(job, report)))
            finally:
                slots.release()

        try:
            group = GROUP_PER_SLOT * self.concurrency
            for start in range(0, len(jobs), group):
                if nearly_done is not None and len(jobs) - start <= 2 * group:
                    nearly_done()
                    nearly_done = None
                for job in await self._begin(jobs[start : start + group], report):
                    await slots.acquire()
                    task = asyncio.create_task(one(job))
                    sending.add(task)
                    task.add_done_callback(sending.discard)
                if len(results) >= group and (writing is None or writing.done()):
                    if writing is not None:
                        await writing  # done already; raises what it raised
                    done = results[:]
                    results.clear()
                    writing = asyncio.create_task(self._record(done, report))
        finally:
            # Whatever happened, the messages already on their way are seen through and written.
            if sending:
                await asyncio.gather(*sending, return_exceptions=True)
            if writing is not None:
                await writing
            await self._record(results, report)

    async def _begin(self, group: list[ReminderJob], report: TickReport) -> list[ReminderJob]:
        """``pending -> sending`` for a group in one statement; the jobs this dispatcher won."""
        ids = [job.send_id for job in group if job.send_id is not None]
        won: set[int] = set()
        if ids:
            async with self.sessions() as session:
                won = await store.begin_sends(session, ids, self._clock())
                await session.commit()
        ready: list[ReminderJob] = []
        for job in group:
            if job.send_id is None:  # a morning check-in: claimed by moving it, nothing to win
                ready.append(job)
            elif job.send_id in won:
                won.discard(job.send_id)  # the same record twice in a group goes out once
                ready.append(job)
            else:
                report.skipped += 1
        return ready

    async def _deliver(self, job: ReminderJob, report: TickReport) -> Delivery:
        try:
            return await self.sender(job)
        except Exception as error:  # a bug in the sender must not stop the other reminders
            log.exception("Sending reminder %s to chat %s failed", job.send_id, job.chat_id)
            report.errors.append(f"{type(error).__name__}: {error}")
            return Delivery(Outcome.UNCERTAIN)

    async def _record(
        self, results: list[tuple[ReminderJob, Delivery]], report: TickReport
    ) -> None:
        if not results:
            return
        now = self._clock()
        final: list[tuple[int, str]] = []
        async with self.sessions() as session:
            for job, delivery in results:
                outcome = delivery.outcome
                if job.send_id is None:  # a morning check-in: no record, no retry
                    if outcome is Outcome.BLOCKED:
                        report.blocked += 1
                        await users.set_blocked(session, job.user_id, True, now)
                    elif outcome is Outcome.SENT:
                        report.sent += 1
                    continue
                if outcome is Outcome.RETRY:
                    delay = max(self.retry_delay.total_seconds(), delivery.retry_after or 0.0)
                    retry_at = now + timedelta(seconds=delay)
                    within_grace = job.due_at is None or retry_at - job.due_at <= self.grace
                    if job.attempts + 1 < self.max_attempts and within_grace:
                        await store.retry_send_later(session, job.send_id, retry_at)
                        report.retried += 1
                        continue
                    outcome = Outcome.FAILED
                final.append((job.send_id, outcome.value))
                if outcome is Outcome.SENT:
                    report.sent += 1
                elif outcome is Outcome.BLOCKED:
                    report.blocked += 1
                    await users.set_blocked(session, job.user_id, True, now)
                elif outcome is Outcome.FAILED:
                    report.failed += 1
                else:
                    report.uncertain += 1
            await store.finish_sends(session, final, now)
            await session.commit()
