"""The reminder queue: what the dispatcher claims and sends, night by night.

Due reminders, snoozes and morning check-ins are selected and moved on here, and each night's
send record (``reminder_sends``) is opened, leased, sent and finished. Like every storage
function these take a session and never commit. The conversation's side of the reminders table
is ``bot.storage.reminders``. Every write that could race with another dispatcher is a single
conditional statement:

* moving a reminder to its next night only succeeds against the ``next_fire_at`` it read
  (``UPDATE … WHERE next_fire_at = :old``), which is all SQLite needs since it has one writer;
  PostgreSQL additionally locks the rows it selects with ``FOR UPDATE SKIP LOCKED`` so a second
  dispatcher takes other rows instead of waiting for (and then losing) the same ones;
* the night's send record is inserted with ``ON CONFLICT DO NOTHING`` on the unique
  ``(user_id, local_date)``, so a night can be claimed once, whatever the dispatchers do;
* a send record moves ``pending -> sending`` with a conditional UPDATE right before the message
  goes out, so of two dispatchers that both think they own a record, exactly one sends.

A bedtime fan-out claims thousands of nights in a minute, so each of these steps also exists for
a whole batch (``advance_reminders``, ``open_sends``, ``begin_sends``): a few statements for
hundreds of rows instead of one (and a commit) per row, with exactly the same per-row
conditions; the rows each statement reports back (``RETURNING``) are the ones this caller won.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from sqlalchemy import ColumnElement, Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from bot.storage.models import Reminder, ReminderSend, User
from bot.storage.upsert import insert_ignoring

__all__ = [
    "CHUNK",
    "DueMorning",
    "DueReminder",
    "DueSnooze",
    "NightClaim",
    "ReminderMove",
    "Scope",
    "SendRecord",
    "advance_morning",
    "advance_reminders",
    "begin_sends",
    "finish_sends",
    "open_sends",
    "reopen_for_snooze",
    "retry_send_later",
    "select_due",
    "select_due_mornings",
    "select_due_snoozes",
    "select_stale_sends",
    "take_over_send",
    "take_snooze",
]

# The terminal chat (chat id 0) and Telegram share a database but never each other's reminders.
Scope = Literal["telegram", "terminal"]
# At most this many ids in one statement's IN list (SQLite allows 32,766 bind parameters,
# asyncpg 32,767). The batch functions run Core statements on the session's connection: the
# ORM has no objects of these tables loaded in the dispatcher's sessions, nothing to sync.
CHUNK = 1000


@dataclass(frozen=True, slots=True)
class DueMorning:
    user_id: int
    chat_id: int
    timezone: str
    morning_time: time
    morning_next_at: datetime
    language: str | None


@dataclass(frozen=True, slots=True)
class DueReminder:
    user_id: int
    chat_id: int
    timezone: str
    local_time: time
    days: int
    next_fire_at: datetime
    next_local_date: date
    started_on: date | None
    helping_asked: bool
    language: str | None


@dataclass(frozen=True, slots=True)
class DueSnooze:
    user_id: int
    chat_id: int
    snooze_until: datetime
    snooze_date: date
    language: str | None


@dataclass(frozen=True, slots=True)
class SendRecord:
    """A night's send record that is (or should be) going out now."""

    id: int
    user_id: int
    chat_id: int
    local_date: date
    due_at: datetime
    lease_until: datetime | None
    attempts: int
    snoozed: bool
    ask_helping: bool
    language: str | None
    timezone: str | None
    local_time: time | None
    days: int | None


@dataclass(frozen=True, slots=True)
class ReminderMove:
    """Where one due reminder goes next, for :func:`advance_reminders`."""

    user_id: int
    read_fire_at: datetime  # the ``next_fire_at`` the dispatcher read: the move's condition
    next_fire_at: datetime
    next_local_date: date
    sent_date: date | None  # the night being sent; None when it was missed and is skipped
    ask_helping: bool


@dataclass(frozen=True, slots=True)
class NightClaim:
    """One night's new send record, for :func:`open_sends`."""

    user_id: int
    chat_id: int
    local_date: date
    due_at: datetime
    status: str
    lease_until: datetime | None
    ask_helping: bool = False


def _scope(scope: Scope, column: Mapped[int]) -> ColumnElement[bool]:
    return column == 0 if scope == "terminal" else column != 0


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# -- the dispatcher's side -------------------------------------------------------------------
async def select_due_mornings(
    session: AsyncSession, now: datetime, *, limit: int, scope: Scope
) -> list[DueMorning]:
    columns = (
        Reminder.user_id,
        Reminder.chat_id,
        Reminder.timezone,
        Reminder.morning_time,
        Reminder.morning_next_at,
    )
    stmt = _due_query(columns, Reminder.morning_next_at, now, limit, scope)
    result = await session.execute(
        _locked(session, stmt.where(Reminder.morning_time.is_not(None)), Reminder)
    )
    return [DueMorning(**row._mapping) for row in result]


async def advance_morning(
    session: AsyncSession, due: DueMorning, next_at: datetime, now: datetime
) -> bool:
    """Move a morning check-in to the next day if nobody else did; True if this caller did."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.user_id == due.user_id, Reminder.morning_next_at == due.morning_next_at)
        .values(morning_next_at=next_at, updated_at=now)
        .returning(Reminder.user_id)
    )
    return result.scalar_one_or_none() is not None


def _user_language() -> ColumnElement[str]:
    """The language a reminder is worded in: the one chosen with /language, else Telegram's."""
    return func.coalesce(User.chosen_language, User.language).label("language")


def _not_blocked() -> ColumnElement[bool]:
    return User.blocked.is_(False)


def _locked(session: AsyncSession, stmt: Select[Any], model: type[Any]) -> Select[Any]:
    """On PostgreSQL, lock the selected rows and skip rows another dispatcher has locked."""
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(of=model, skip_locked=True)
    return stmt


def _due_query(columns: Iterable[Any], when: Any, now: datetime, limit: int, scope: Scope) -> Any:
    """Enabled reminders of users who have not blocked the bot whose ``when`` has come."""
    return (
        select(*columns, _user_language())
        .join(User, User.id == Reminder.user_id)
        .where(
            Reminder.enabled.is_(True),
            when <= now,
            _not_blocked(),
            _scope(scope, Reminder.chat_id),
        )
        .order_by(when, Reminder.user_id)
        .limit(limit)
    )


async def select_due(
    session: AsyncSession, now: datetime, *, limit: int, scope: Scope
) -> list[DueReminder]:
    columns = (
        Reminder.user_id,
        Reminder.chat_id,
        Reminder.timezone,
        Reminder.local_time,
        Reminder.days,
        Reminder.next_fire_at,
        Reminder.next_local_date,
        Reminder.started_on,
        Reminder.helping_asked,
    )
    stmt = _due_query(columns, Reminder.next_fire_at, now, limit, scope)
    result = await session.execute(_locked(session, stmt, Reminder))
    return [_due(row) for row in result]


def _due(row: Row[Any]) -> DueReminder:
    # The selected columns are named exactly like the dataclass fields.
    return DueReminder(**row._mapping)


async def advance_reminders(
    session: AsyncSession, moves: Sequence[ReminderMove], now: datetime
) -> set[int]:
    """Move each due reminder on to its next night if nobody else did since it was read; the
    user ids of those this caller moved.

    Each row moves only if its ``next_fire_at`` is still the one that was read. Reminders going
    to the same place (a fan-out: the same zone, time and night) move in one statement, up to
    :data:`CHUNK` at a time; the statements are cached, only their ``IN`` lists differ.
    """
    groups: dict[tuple[datetime, datetime, date, date | None, bool], list[int]] = {}
    for move in moves:
        key = (
            move.read_fire_at,
            move.next_fire_at,
            move.next_local_date,
            move.sent_date,
            move.ask_helping,
        )
        groups.setdefault(key, []).append(move.user_id)
    connection = await session.connection()
    moved: set[int] = set()
    for (read_fire_at, next_fire_at, next_local_date, sent_date, ask), user_ids in groups.items():
        changes: dict[str, Any] = {
            "next_fire_at": next_fire_at,
            "next_local_date": next_local_date,
            "updated_at": now,
        }
        if sent_date is not None:
            changes["last_sent_date"] = sent_date
            changes["started_on"] = func.coalesce(Reminder.started_on, sent_date)
        if ask:
            changes["helping_asked"] = True
        for chunk in _chunks(user_ids):
            result = await connection.execute(
                update(Reminder)
                .where(Reminder.user_id.in_(chunk), Reminder.next_fire_at == read_fire_at)
                .values(changes)
                .returning(Reminder.user_id)
            )
            moved.update(result.scalars())
    return moved


async def open_sends(session: AsyncSession, claims: Sequence[NightClaim]) -> dict[int, int]:
    """Claim nights: user id -> the new record's id, for each night that had no record yet
    (the others, claimed already, are left out).

    One statement executed for all rows at once: SQLAlchemy compiles it once and sends the rows
    as multi-row INSERTs.
    """
    if not claims:
        return {}
    stmt = insert_ignoring(session, ReminderSend, ["user_id", "local_date"]).returning(
        ReminderSend.user_id, ReminderSend.id
    )
    rows = [
        {
            "user_id": claim.user_id,
            "chat_id": claim.chat_id,
            "local_date": claim.local_date,
            "due_at": claim.due_at,
            "status": claim.status,
            "lease_until": claim.lease_until,
            "attempts": 0,
            "snoozed": False,
            "ask_helping": claim.ask_helping,
        }
        for claim in claims
    ]
    connection = await session.connection()
    result = await connection.execute(stmt, rows)
    return {user_id: send_id for user_id, send_id in result.tuples()}


async def select_due_snoozes(
    session: AsyncSession, now: datetime, *, limit: int, scope: Scope
) -> list[DueSnooze]:
    columns = (Reminder.user_id, Reminder.chat_id, Reminder.snooze_until, Reminder.snooze_date)
    stmt = _due_query(columns, Reminder.snooze_until, now, limit, scope)
    result = await session.execute(
        _locked(session, stmt.where(Reminder.snooze_date.is_not(None)), Reminder)
    )
    return [DueSnooze(**row._mapping) for row in result]


async def take_snooze(session: AsyncSession, due: DueSnooze, now: datetime) -> bool:
    """Clear a due snooze if it is still the one that was read; True if this caller got it."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.user_id == due.user_id, Reminder.snooze_until == due.snooze_until)
        .values(snooze_until=None, snooze_date=None, updated_at=now)
        .returning(Reminder.user_id)
    )
    return result.scalar_one_or_none() is not None


async def reopen_for_snooze(
    session: AsyncSession, due: DueSnooze, *, lease_until: datetime
) -> int | None:
    """Turn the night's record back to ``pending`` for its one snooze; None if already used."""
    result = await session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.user_id == due.user_id,
            ReminderSend.local_date == due.snooze_date,
            ReminderSend.snoozed.is_(False),
        )
        .values(
            status="pending",
            snoozed=True,
            due_at=due.snooze_until,
            lease_until=lease_until,
            attempts=0,
            ask_helping=False,
            sent_at=None,
        )
        .returning(ReminderSend.id)
    )
    send_id: int | None = result.scalar_one_or_none()
    return send_id


async def select_stale_sends(
    session: AsyncSession, now: datetime, *, limit: int, scope: Scope
) -> list[SendRecord]:
    """``pending`` records whose lease ran out: their dispatcher died, or a retry is due."""
    stmt = (
        select(
            ReminderSend.id,
            ReminderSend.user_id,
            ReminderSend.chat_id,
            ReminderSend.local_date,
            ReminderSend.due_at,
            ReminderSend.lease_until,
            ReminderSend.attempts,
            ReminderSend.snoozed,
            ReminderSend.ask_helping,
            _user_language(),
            Reminder.timezone,
            Reminder.local_time,
            Reminder.days,
        )
        .join(User, User.id == ReminderSend.user_id)
        .outerjoin(Reminder, Reminder.user_id == ReminderSend.user_id)
        .where(
            ReminderSend.status == "pending",
            ReminderSend.lease_until <= now,
            _scope(scope, ReminderSend.chat_id),
        )
        .order_by(ReminderSend.lease_until, ReminderSend.id)
        .limit(limit)
    )
    result = await session.execute(_locked(session, stmt, ReminderSend))
    return [_record(row) for row in result]


def _record(row: Row[Any]) -> SendRecord:
    return SendRecord(**row._mapping)


async def take_over_send(
    session: AsyncSession, record: SendRecord, *, lease_until: datetime
) -> bool:
    """Renew an expired lease if it is still the one that was read."""
    result = await session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.id == record.id,
            ReminderSend.status == "pending",
            ReminderSend.lease_until == record.lease_until,
        )
        .values(lease_until=lease_until)
        .returning(ReminderSend.id)
    )
    return result.scalar_one_or_none() is not None


async def begin_sends(session: AsyncSession, send_ids: Sequence[int], now: datetime) -> set[int]:
    """``pending -> sending``, right before the messages go out, in one statement; the ids this
    caller won (the others: someone else has them).

    After this, a record is never sent again by anyone: if the process dies mid-send, the night
    counts as (possibly) sent rather than risking a second message.
    """
    connection = await session.connection()
    won: set[int] = set()
    for chunk in _chunks(send_ids):
        result = await connection.execute(
            update(ReminderSend)
            .where(ReminderSend.id.in_(chunk), ReminderSend.status == "pending")
            .values(status="sending", attempts=ReminderSend.attempts + 1, sent_at=now)
            .returning(ReminderSend.id)
        )
        won.update(result.scalars())
    return won


async def retry_send_later(session: AsyncSession, send_id: int, retry_at: datetime) -> None:
    """``sending -> pending`` after an error that means the message did not go out."""
    await session.execute(
        update(ReminderSend)
        .where(ReminderSend.id == send_id, ReminderSend.status == "sending")
        .values(status="pending", lease_until=retry_at, sent_at=None)
    )


async def finish_sends(
    session: AsyncSession, outcomes: Iterable[tuple[int, str]], now: datetime
) -> None:
    """Record how each attempt ended, one UPDATE per distinct outcome."""
    by_status: dict[str, list[int]] = {}
    for send_id, status in outcomes:
        by_status.setdefault(status, []).append(send_id)
    connection = await session.connection()
    for status, ids in by_status.items():
        changes: dict[str, Any] = {"status": status, "lease_until": None}
        if status in ("failed", "blocked", "missed"):
            changes["sent_at"] = None
        for chunk in _chunks(ids):
            await connection.execute(
                update(ReminderSend)
                .where(ReminderSend.id.in_(chunk), ReminderSend.status.in_(("sending", "pending")))
                .values(changes)
            )
