"""What a transport does for the runtime: send, answer, arm. Nothing else.

Telegram (`bot/telegram/`) and the terminal (`bot/terminal.py`) each implement `Transport`, and
turn their own input (updates, typed lines) into coach events for the `Runtime`. Everything
around the coach that is the same for every transport (playing a reply in order, timers and
re-arming them, blocked users, the reminder clock) lives in the runtime, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.coach import Attach, Say
from bot.reminders.jobs import Delivery, Outcome

__all__ = ["SENT", "Armed", "Delivery", "Fire", "Lane", "Message", "Outcome", "Transport"]

# One message the transport shows: text (with buttons or a picture), or a file made just now.
Message = Say | Attach
# What an armed timer calls when it is due: the runtime's "this chat's follow-up is due".
Fire = Callable[[], Awaitable[None]]
# The one answer every message that went out gives; shared, as most sends end that way.
SENT = Delivery(Outcome.SENT)

Press = TypeVar("Press", contravariant=True)


class Lane(StrEnum):
    """Which lane a message goes in: replies at once, reminders on the broadcast budget.

    On Telegram this is the rate limiter's per-request argument (`bot/telegram/lanes.py`).
    """

    CONVERSATION = "conversation"
    BROADCAST = "broadcast"


class Armed(Protocol):
    """A timer the transport armed; the runtime keeps it and may cancel it before it fires."""

    def cancel(self) -> None: ...


class Transport(Protocol[Press]):
    """The three things the runtime needs from a transport.

    `Press` is the transport's own handle of a button press (Telegram: the `CallbackQuery`),
    handed back to `answer` so the transport can acknowledge it.
    """

    async def send(self, chat_id: int, message: Message, lane: Lane) -> Delivery:
        """Send one message and say how it went.

        Never raises for a refusal the transport understands: it maps it to an `Outcome`
        (BLOCKED: the person blocked the bot; RETRY: it certainly did not arrive, with
        `retry_after` when the platform said how long to wait; FAILED: it never will;
        UNCERTAIN: it may have arrived, so it must not be sent again).
        """
        ...

    async def answer(self, chat_id: int, press: Press | None, note: str | None) -> None:
        """A reply to one event begins: acknowledge the button press, if the event was one,
        with the coach's short note. Called once per reply, before any timer or message, so a
        transport that numbers what it shows can start afresh."""
        ...

    def arm(self, chat_id: int, delay: float, fire: Fire) -> Armed:
        """Call `fire` in `delay` seconds, however late (a late follow-up is still wanted)."""
        ...
