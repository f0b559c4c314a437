"""What can happen to a conversation, independent of where it came from.

Adapters translate Telegram updates (or terminal input) into these; the coach
never sees a transport type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command; `name` is lower case without the slash or a @botname suffix."""

    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """An inline button was pressed; `data` is the callback data we put on it."""

    data: str


@dataclass(frozen=True, slots=True)
class Text:
    """Free text typed by the user."""

    text: str


@dataclass(frozen=True, slots=True)
class Media:
    """Something we cannot read: a sticker, photo, voice note, video, document, location…"""

    kind: str


@dataclass(frozen=True, slots=True)
class Location:
    """The user shared a location (used only to find their time zone, never stored)."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timed follow-up is due; `token` says which one, so stale timers can be ignored."""

    token: str


@dataclass(frozen=True, slots=True)
class Reopened:
    """The person opened the conversation again (the terminal chat was restarted).

    A routine in progress is picked up where it was; otherwise it is a fresh start.
    """


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """The reminder clock claimed a bedtime reminder (or a morning check-in) for this chat.

    The coach words it; the runtime sends it in the broadcast lane. It reads and changes no
    chat state: its buttons name their night, not a message of the conversation.
    """

    night: date
    snoozed: bool = False
    ask_helping: bool = False
    kind: str = "bedtime"  # "bedtime" | "morning"
    language: str | None = None


Event = Command | ButtonPress | Text | Media | Location | TimerFired | Reopened | ReminderDue
