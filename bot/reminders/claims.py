"""Claiming due reminders: one transaction moves each due reminder on to its next local night
and opens the night's send record, so a night can be claimed by one dispatcher only.

What is claimed (bedtime nights, snoozes brought back, morning check-ins, records abandoned by a
process that died) becomes a `ReminderJob`; `bot/reminders/dispatcher.py` then sends the jobs and
records how each send ended. The module docstring there gives the rules and why a fan-out stays
fast.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminders.jobs import ReminderJob, TickReport
from bot.reminders.schedule import EVERY_DAY, Fire, next_fire
from bot.storage import reminder_queue as store
from bot.storage import reminders

log = logging.getLogger(__name__)

# The clinical trial asked after six weeks of nightly stretching (see CLINICAL.md).
ASK_HELPING_AFTER = timedelta(weeks=6)


def _job(
    send_id: int | None,
    due: store.DueReminder | store.DueSnooze | store.DueMorning,
    night: date,
    due_at: datetime,
    *,
    snoozed: bool = False,
    ask_helping: bool = False,
    kind: str = "bedtime",
) -> ReminderJob:
    return ReminderJob(
        send_id=send_id,
        user_id=due.user_id,
        chat_id=due.chat_id,
        local_date=night,
        language=due.language,
        snoozed=snoozed,
        ask_helping=ask_helping,
        due_at=due_at,
        kind=kind,
    )


def _fresh(
    send_id: int | None,
    due: store.DueReminder | store.DueSnooze,
    night: date,
    due_at: datetime,
    report: TickReport,
    *,
    snoozed: bool = False,
    ask_helping: bool = False,
) -> ReminderJob | None:
    """The job for a fresh claim; None (counted as skipped) when the night was taken already."""
    if send_id is None:
        report.skipped += 1
        return None
    return _job(send_id, due, night, due_at, snoozed=snoozed, ask_helping=ask_helping)


@dataclass(frozen=True, slots=True)
class Claimer:
    """Claims a batch of what is due, in one transaction, under the dispatcher's rules."""

    sessions: async_sessionmaker[AsyncSession]
    grace: timedelta
    lease: timedelta
    batch: int
    max_attempts: int
    scope: store.Scope

    async def claim(self, now: datetime, report: TickReport) -> tuple[list[ReminderJob], int]:
        """One transaction: claim due nights, snoozes, morning check-ins and abandoned records."""
        async with self.sessions() as session:
            due = await store.select_due(session, now, limit=self.batch, scope=self.scope)
            looked_at = len(due)
            jobs = await self._claim_nights(session, due, now, report)
            # Each other kind: what is due, and how one of it is claimed (None: not ours).
            kinds: tuple[tuple[Any, Any], ...] = (
                (store.select_due_snoozes, self._claim_snooze),
                (store.select_due_mornings, self._claim_morning),
                (store.select_stale_sends, self._take_over),
            )
            for select, claim in kinds:
                rows = await select(session, now, limit=self.batch, scope=self.scope)
                looked_at = max(looked_at, len(rows))
                for row in rows:
                    job = await claim(session, row, now, report)
                    if job is not None:
                        jobs.append(job)
            await session.commit()
        return jobs, looked_at

    async def _claim_nights(
        self,
        session: AsyncSession,
        rows: list[store.DueReminder],
        now: datetime,
        report: TickReport,
    ) -> list[ReminderJob]:
        """Claim a batch of due nights: move every reminder on (each only if nobody else did),
        then open the nights' send records; the jobs for the nights that are ours to send."""
        plans: list[tuple[store.DueReminder, store.ReminderMove, bool]] = []
        # A fan-out is thousands of people with the same zone, time and night: compute each
        # following night once per batch.
        following_nights: dict[tuple[Any, ...], Fire] = {}
        for due in rows:
            try:
                zone = ZoneInfo(due.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                # Only reachable if tzdata lost a zone; stopping beats failing every tick forever.
                log.error("Reminder of user %s has an unknown zone %r", due.user_id, due.timezone)
                await reminders.disable_reminder(session, due.user_id, now)
                report.failed += 1
                continue
            after = max(now, due.next_fire_at)
            key = (due.local_time, due.timezone, due.days, after, due.next_local_date)
            following = following_nights.get(key)
            if following is None:
                following = next_fire(
                    due.local_time, zone, due.days, after=after, last_sent=due.next_local_date
                )
                following_nights[key] = following
            missed = now - due.next_fire_at > self.grace
            ask = (
                not missed
                and not due.helping_asked
                and due.started_on is not None
                and due.next_local_date - due.started_on >= ASK_HELPING_AFTER
            )
            move = store.ReminderMove(
                user_id=due.user_id,
                read_fire_at=due.next_fire_at,
                next_fire_at=following.at,
                next_local_date=following.local_date,
                sent_date=None if missed else due.next_local_date,
                ask_helping=ask,
            )
            plans.append((due, move, missed))
        if not plans:
            return []
        moved = await store.advance_reminders(session, [move for _, move, _ in plans], now)
        claims = [
            store.NightClaim(
                user_id=due.user_id,
                chat_id=due.chat_id,
                local_date=due.next_local_date,
                due_at=due.next_fire_at,
                status="missed" if missed else "pending",
                lease_until=None if missed else now + self.lease,
                ask_helping=move.ask_helping,
            )
            for due, move, missed in plans
            if due.user_id in moved
        ]
        opened = await store.open_sends(session, claims)
        jobs: list[ReminderJob] = []
        for due, move, missed in plans:
            if due.user_id not in moved:  # another dispatcher claimed it first
                report.skipped += 1
            elif missed:
                log.info(
                    "Reminder of user %s for %s is %s late; skipping to %s",
                    due.user_id,
                    due.next_local_date,
                    now - due.next_fire_at,
                    move.next_local_date,
                )
                report.missed += 1
            else:
                job = _fresh(
                    opened.get(due.user_id),
                    due,
                    due.next_local_date,
                    due.next_fire_at,
                    report,
                    ask_helping=move.ask_helping,
                )
                if job is not None:
                    jobs.append(job)
        return jobs

    async def _claim_snooze(
        self, session: AsyncSession, due: store.DueSnooze, now: datetime, report: TickReport
    ) -> ReminderJob | None:
        if not await store.take_snooze(session, due, now):
            report.skipped += 1
            return None
        if now - due.snooze_until > self.grace:
            report.missed += 1
            return None
        send_id = await store.reopen_for_snooze(session, due, lease_until=now + self.lease)
        return _fresh(send_id, due, due.snooze_date, due.snooze_until, report, snoozed=True)

    async def _claim_morning(
        self, session: AsyncSession, due: store.DueMorning, now: datetime, report: TickReport
    ) -> ReminderJob | None:
        """A morning check-in is claimed by moving it to tomorrow; it has no send record.

        It is a nicety, not a reminder someone relies on: a crash between claim and send loses
        that morning's question rather than risking it twice.
        """
        try:
            zone = ZoneInfo(due.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None
        night = due.morning_next_at.astimezone(zone).date()
        following = next_fire(
            due.morning_time, zone, EVERY_DAY, after=max(now, due.morning_next_at), last_sent=night
        )
        if not await store.advance_morning(session, due, following.at, now):
            report.skipped += 1
            return None
        if now - due.morning_next_at > self.grace:
            report.missed += 1
            return None
        return _job(None, due, night, due.morning_next_at, kind="morning")

    async def _take_over(
        self, session: AsyncSession, record: store.SendRecord, now: datetime, report: TickReport
    ) -> ReminderJob | None:
        if now - record.due_at > self.grace or record.attempts >= self.max_attempts:
            never_tried = record.attempts == 0
            await store.finish_sends(
                session, [(record.id, "missed" if never_tried else "failed")], now
            )
            if never_tried:
                report.missed += 1
            else:
                report.failed += 1
            return None
        if not await store.take_over_send(session, record, lease_until=now + self.lease):
            report.skipped += 1
            return None
        return ReminderJob(
            send_id=record.id,
            user_id=record.user_id,
            chat_id=record.chat_id,
            local_date=record.local_date,
            language=record.language,
            snoozed=record.snoozed,
            ask_helping=record.ask_helping,
            attempts=record.attempts,
            due_at=record.due_at,
        )
