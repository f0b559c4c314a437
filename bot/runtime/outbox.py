"""What of a coach's result a transport plays, read in one place.

Today the coach returns one list of actions, database work and messages mixed; the service has
done the database work by the time the runtime sees the result. `outbox` picks what is left for
the transport, in order, so the runtime reads a result nowhere else.
"""

from __future__ import annotations

from bot.coach import Attach, CancelTimer, Notify, Result, Say, StartTimer

Outgoing = Say | Attach | Notify | StartTimer | CancelTimer


def outbox(result: Result) -> tuple[Outgoing, ...]:
    """The messages, button notes and timers of `result`, in the coach's order."""
    return tuple(
        action
        for action in result.actions
        if isinstance(action, Say | Attach | Notify | StartTimer | CancelTimer)
    )
