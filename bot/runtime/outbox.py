"""What of a coach's result a transport plays, read in one place.

The coach returns the database work (`effects`, done by the service before the runtime sees the
result) apart from what is sent (`outbox`); by then the service has drawn every diary picture
into an `Attach`, so the outbox holds only what a transport knows how to play.
"""

from __future__ import annotations

from bot.coach import Attach, CancelTimer, DiaryPicture, Notify, Result, Say, StartTimer

Outgoing = Say | Attach | Notify | StartTimer | CancelTimer


def outbox(result: Result) -> tuple[Outgoing, ...]:
    """The messages, button notes and timers of `result`, in the coach's order."""
    # The service has drawn every diary picture by now: none is left for a transport.
    return tuple(item for item in result.outbox if not isinstance(item, DiaryPicture))
