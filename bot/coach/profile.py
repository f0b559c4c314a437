"""What the coach may know about the user beyond this chat's state: their zone and reminder.

These live in their own rows (the dispatcher reads and moves reminders without touching chat
state), so the service loads them for each event and hands them in read-only; the coach asks
for changes with reminder actions, which the service applies in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.diary.entries import DiaryEntry


@dataclass(frozen=True, slots=True)
class ReminderInfo:
    zone: str
    at: time
    days: int
    enabled: bool
    next_fire_at: datetime | None = None
    next_local_date: date | None = None
    last_sent_date: date | None = None
    snooze_until: datetime | None = None
    # Whether the night of `last_sent_date` has had its one snooze already.
    last_night_snoozed: bool = False
    # The morning check-in's local time, if the person asked for one.
    morning_at: time | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    zone: str | None = None
    reminder: ReminderInfo | None = None
    pictures: bool = True
    # The night the bedtime reminders started (for the diary's before/after).
    reminder_started: date | None = None
    # The person's diary, newest last; loaded only for events that need it (see needs_diary).
    diary: tuple[DiaryEntry, ...] = ()

    @property
    def active_reminder(self) -> ReminderInfo | None:
        reminder = self.reminder
        return reminder if reminder is not None and reminder.enabled else None


NO_PROFILE = Profile()
