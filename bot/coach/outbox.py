"""What a transport plays for one event, in order: messages, button notes, files and timers.

These are plain data. The service passes the outbox through untouched, except that it turns a
`DiaryPicture` into an `Attach` in place (after the commit, off the event loop) and appends the
`Attach` of an export; a transport then plays every item in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The diary owns its drawing request; the coach sends it out as one of its own.
from bot.diary.picture import DiaryPicture as DiaryPicture


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
class Attach:
    """Send a file made for this person just now (an export, a chart): bytes, never cached."""

    kind: str  # "document" | "photo"
    filename: str
    data: bytes
    caption: str = ""


Outgoing = Say | Notify | Attach | StartTimer | CancelTimer | DiaryPicture
