"""What the coach asks an adapter to do. Adapters own all I/O; these are plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.coach.profile import SafetyAnswers
from bot.diary.entries import DiaryEntry


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Say:
    """Send a message. `text` is Telegram HTML (only <b> and <i>); rows of buttons below it.

    `silent` messages arrive without a sound: a check-in must not wake someone who fell asleep.
    """

    text: str
    buttons: Keyboard = ()
    silent: bool = False
    # A one-tap "share my location" keyboard under the input field (Telegram's reply keyboard;
    # it cannot be combined with inline buttons), labelled with this text.
    location_button: str | None = None
    # Take such a keyboard away again once it has served its purpose.
    remove_keyboard: bool = False
    # A picture file (PNG, or a GIF animation) sent with `text` as its caption.
    picture: str | None = None


@dataclass(frozen=True, slots=True)
class Notify:
    """A short note shown for a button press (Telegram: the answerCallbackQuery text)."""

    text: str


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Deliver `TimerFired(token)` at `due_at` (UTC), even after a restart."""

    token: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CancelTimer:
    token: str


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
class Attach:
    """Send a file made for this person just now (an export, a chart): bytes, never cached."""

    kind: str  # "document" | "photo"
    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class SaveSettings:
    """The person's settings changed (for now: exercise pictures on or off)."""

    pictures: bool


@dataclass(frozen=True, slots=True)
class DiaryPicture:
    """Draw the diary's weekly chart or the doctor's report and send it as a photo.

    The service renders it off the event loop once the event's transaction is committed.
    """

    kind: str  # "chart" | "report"
    entries: tuple[DiaryEntry, ...]
    zone: str
    today: date
    reminder_started: date | None
    language: str | None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class ExportData:
    """Send the person every row stored about them; the service turns this into an `Attach`."""


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """Delete every row about the person, in this event's transaction, after everything else."""


ReminderAction = (
    SaveZone
    | SaveReminder
    | StopReminder
    | SnoozeReminder
    | SkipReminder
    | AnswerHelping
    | SaveMorning
)
Action = (
    Say
    | Notify
    | StartTimer
    | CancelTimer
    | LogEpisode
    | ReminderAction
    | Attach
    | ExportData
    | ForgetUser
    | SaveSafety
    | SaveSettings
    | DiaryPicture
)
