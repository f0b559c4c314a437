"""What the coach asks an adapter to do. Adapters own all I/O; these are plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


Action = Say | Notify | StartTimer | CancelTimer | LogEpisode
