"""The database work one event asks for: the service applies these in the event's transaction.

They are plain data, kept apart from what is sent (`bot.coach.outbox`), so the service can
handle every one of them in one exhaustive `match` and a transport never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.coach.profile import SafetyAnswers


@dataclass(frozen=True, slots=True)
class LogEpisode:
    """A routine ended; keep a record for the user's diary."""

    kind: str
    area: str | None
    position: str | None
    started_at: datetime
    ended_at: datetime
    outcome: str
    exercises: tuple[tuple[str, str | None], ...]
    severity: int | None = None  # 0-10, for a cramp the person logged themselves


@dataclass(frozen=True, slots=True)
class SaveSafety:
    """Store the person's safety-profile answers (all five, as they now stand)."""

    answers: SafetyAnswers


@dataclass(frozen=True, slots=True)
class SaveZone:
    """Remember the user's IANA time zone."""

    zone: str


@dataclass(frozen=True, slots=True)
class SaveReminder:
    """Create or change the bedtime reminder and switch it on, next due at `next_fire_at`.

    The coach computes the next fire itself, so what it tells the user and what is stored are the
    same instant.
    """

    zone: str
    at: time
    days: int
    next_fire_at: datetime
    next_local_date: date


@dataclass(frozen=True, slots=True)
class SaveMorning:
    """Set the morning check-in to `at` local time (next at `next_at`), or remove it (None)."""

    at: time | None
    next_at: datetime | None


@dataclass(frozen=True, slots=True)
class StopReminder:
    """Switch the bedtime reminder off."""


@dataclass(frozen=True, slots=True)
class SnoozeReminder:
    """Bring the reminder of local night `night` back once, at `until` (UTC)."""

    night: date
    until: datetime


@dataclass(frozen=True, slots=True)
class SkipReminder:
    """No stretch tonight: drop a pending snooze (the reminder stays where it is)."""


@dataclass(frozen=True, slots=True)
class AnswerHelping:
    """The answer to the one-time "are the bedtime stretches helping?" question."""

    answer: str  # "yes" | "no"


@dataclass(frozen=True, slots=True)
class SaveSettings:
    """The person's settings changed (for now: exercise pictures on or off)."""

    pictures: bool


@dataclass(frozen=True, slots=True)
class SaveLanguage:
    """The language the person chose with /language (a code of languages.yaml)."""

    language: str


@dataclass(frozen=True, slots=True)
class ExportData:
    """Send the person every row stored about them; the service turns this into an `Attach`."""


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """Delete every row about the person, in this event's transaction, after everything else."""


Effect = (
    LogEpisode
    | SaveSafety
    | SaveZone
    | SaveReminder
    | SaveMorning
    | StopReminder
    | SnoozeReminder
    | SkipReminder
    | AnswerHelping
    | SaveSettings
    | SaveLanguage
    | ExportData
    | ForgetUser
)
