"""A person's bedtime reminder as the conversation sees it: read it, set it, stop it, snooze it.

The dispatcher's side of the same table (claiming due nights, the send records, leases) is
``bot.storage.reminder_queue``. Like every storage function, these take a session and never
commit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import users
from bot.storage.models import Reminder, ReminderSend
from bot.storage.upsert import upsert

__all__ = [
    "REMINDER_COLUMNS",
    "ReminderRow",
    "clear_snooze",
    "disable_reminder",
    "load_reminder",
    "record_helping_answer",
    "reminder_row",
    "save_reminder",
    "set_morning",
    "snooze_reminder",
]


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """One user's reminder as the conversation needs to see it, detached from the session."""

    user_id: int
    chat_id: int
    timezone: str
    local_time: time
    days: int
    enabled: bool
    next_fire_at: datetime | None
    next_local_date: date | None
    last_sent_date: date | None
    snooze_until: datetime | None
    snooze_date: date | None
    # Whether the night of ``last_sent_date`` has used its one snooze already.
    last_night_snoozed: bool
    started_on: date | None
    helping_asked: bool
    helping_answer: str | None
    morning_time: time | None = None
    morning_next_at: datetime | None = None


def _last_night_snoozed() -> ColumnElement[Any]:
    """Whether the night of the reminder's ``last_sent_date`` used its one snooze already."""
    return (
        select(ReminderSend.snoozed)
        .where(
            ReminderSend.user_id == Reminder.user_id,
            ReminderSend.local_date == Reminder.last_sent_date,
        )
        .scalar_subquery()
        .label("last_night_snoozed")
    )


# The reminder's columns named as `ReminderRow`'s fields, so a row of any statement that selects
# them (here, or joined with the user and the chat state: bot/storage/turns.py) becomes one.
_REMINDER_FIELDS = tuple(field.name for field in dataclasses.fields(ReminderRow))
REMINDER_COLUMNS: tuple[ColumnElement[Any], ...] = (
    *(
        getattr(Reminder, name).label(name)
        for name in _REMINDER_FIELDS
        if name != "last_night_snoozed"
    ),
    _last_night_snoozed(),
)
_LOAD_REMINDER = select(*REMINDER_COLUMNS).where(Reminder.user_id == bindparam("user"))


def reminder_row(row: Row[Any]) -> ReminderRow | None:
    """The `ReminderRow` in a row selected with `REMINDER_COLUMNS` (None: no reminder)."""
    values = row._mapping
    if values["user_id"] is None:  # an outer join found no reminder
        return None
    fields = {name: values[name] for name in _REMINDER_FIELDS}
    fields["last_night_snoozed"] = bool(fields["last_night_snoozed"])  # no send record: NULL
    return ReminderRow(**fields)


async def load_reminder(session: AsyncSession, user_id: int) -> ReminderRow | None:
    row = (await session.execute(_LOAD_REMINDER, {"user": user_id})).one_or_none()
    return None if row is None else reminder_row(row)


async def save_reminder(
    session: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    zone: str,
    local_time: time,
    days: int,
    next_fire_at: datetime,
    next_local_date: date,
    now: datetime,
) -> None:
    """Create or change the user's reminder and switch it on; a pending snooze is dropped.

    What was already sent (``last_sent_date``, the six-week bookkeeping) is kept, so changing the
    time the same evening cannot bring a second reminder that night.
    """
    values = {
        "chat_id": chat_id,
        "timezone": zone,
        "local_time": local_time,
        "days": days,
        "enabled": True,
        "next_fire_at": next_fire_at,
        "next_local_date": next_local_date,
        "snooze_until": None,
        "snooze_date": None,
        "updated_at": now,
    }
    await upsert(
        session,
        Reminder,
        {"user_id": user_id, "created_at": now, "helping_asked": False, **values},
        key=["user_id"],
        update=values,
    )
    await users.set_timezone(session, user_id, zone)


async def disable_reminder(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Stop the reminders (the row and its history stay); True when one was on."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id, Reminder.enabled.is_(True))
        .values(
            enabled=False,
            next_fire_at=None,
            next_local_date=None,
            snooze_until=None,
            snooze_date=None,
            updated_at=now,
        )
        .returning(Reminder.user_id)
    )
    return result.scalar_one_or_none() is not None


async def snooze_reminder(
    session: AsyncSession, user_id: int, night: date, until: datetime, now: datetime
) -> bool:
    """Bring tonight's reminder back at ``until``; False if that night already used its snooze."""
    used = select(ReminderSend.id).where(
        ReminderSend.user_id == user_id,
        ReminderSend.local_date == night,
        ReminderSend.snoozed.is_(True),
    )
    result = await session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id, Reminder.enabled.is_(True), ~used.exists())
        .values(snooze_until=until, snooze_date=night, updated_at=now)
        .returning(Reminder.user_id)
    )
    return result.scalar_one_or_none() is not None


async def set_morning(
    session: AsyncSession,
    user_id: int,
    morning_time: time | None,
    next_at: datetime | None,
    now: datetime,
) -> None:
    """Set (or, with None, remove) the morning check-in."""
    await session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id)
        .values(morning_time=morning_time, morning_next_at=next_at, updated_at=now)
    )


async def clear_snooze(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id)
        .values(snooze_until=None, snooze_date=None, updated_at=now)
    )


async def record_helping_answer(
    session: AsyncSession, user_id: int, answer: str, now: datetime
) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id)
        .values(helping_answer=answer, helping_asked=True, updated_at=now)
    )
