"""What the coach may know about the user beyond this chat's state: their zone and reminder.

These live in their own rows (the dispatcher reads and moves reminders without touching chat
state), so the service loads them for each event and hands them in read-only; the coach asks
for changes with reminder effects, which the service applies in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Literal

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


# "unsaid" is "prefer not to say"; None means the question was never answered.
Answer = Literal["yes", "no", "unsaid"]
ANSWERS: tuple[Answer, ...] = ("yes", "no", "unsaid")


@dataclass(frozen=True, slots=True)
class SafetyAnswers:
    """The safety profile's five answers, in the order the bot asks them.

    Each is None until answered. The coach treats anything but "no" as the cautious case (see
    `cautious`), so a person who never answered gets exactly what someone who said "yes" gets.
    """

    balance: Answer | None = None  # unsteady, a walking aid, or a fall in the last year
    joint: Answer | None = None  # a hip or knee replacement
    pregnancy: Answer | None = None
    clot: Answer | None = None  # a blood thinner, or a blood clot in the past
    numb_feet: Answer | None = None  # diabetes, poor circulation or numb feet

    def cautious(self, question: str) -> bool:
        """True unless the person said "no": the unanswered case is the careful one."""
        return bool(getattr(self, question) != "no")

    @property
    def answered(self) -> bool:
        return all(getattr(self, name) is not None for name in SAFETY_QUESTIONS)


SAFETY_QUESTIONS: tuple[str, ...] = tuple(f.name for f in fields(SafetyAnswers))
NO_ANSWERS = SafetyAnswers()


@dataclass(frozen=True, slots=True)
class Profile:
    zone: str | None = None
    reminder: ReminderInfo | None = None
    pictures: bool = True
    # The night the bedtime reminders started (for the diary's before/after).
    reminder_started: date | None = None
    # The person's diary, newest last; loaded only for events that need it (see needs_diary).
    diary: tuple[DiaryEntry, ...] = ()
    safety: SafetyAnswers = NO_ANSWERS
    # The language chosen with /language; None follows Telegram's language_code.
    language: str | None = None

    @property
    def active_reminder(self) -> ReminderInfo | None:
        reminder = self.reminder
        return reminder if reminder is not None and reminder.enabled else None


NO_PROFILE = Profile()
