"""What of a coach's result a transport plays, sorted in one exhaustive place.

The coach returns the database work (`effects`, done by the service before the runtime sees the
result) apart from what is sent (`outbox`). The service has drawn every diary picture into an
`Attach` by then, so what is left is a note for the button press, timer changes and messages.
The `match` below names every kind of outgoing item: a new one fails the type check here until
the runtime knows how to play it, instead of being dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from bot.coach import Attach, CancelTimer, DiaryPicture, Notify, Result, Say, StartTimer


@dataclass(frozen=True, slots=True)
class Reply:
    """One result as a transport plays it: the press's note first, then the timer changes,
    then the messages, each in the coach's order."""

    note: str | None
    timers: tuple[StartTimer | CancelTimer, ...]
    messages: tuple[Say | Attach, ...]


def reply(result: Result) -> Reply:
    note: str | None = None
    timers: list[StartTimer | CancelTimer] = []
    messages: list[Say | Attach] = []
    for item in result.outbox:
        match item:
            case Notify(text=text):
                # A button press has room for one short note; the coach gives at most one.
                note = text if note is None else note
            case StartTimer() | CancelTimer():
                timers.append(item)
            case Say() | Attach():
                messages.append(item)
            case DiaryPicture():
                raise RuntimeError("a diary picture reached the runtime undrawn")
            case _:
                assert_never(item)
    return Reply(note, tuple(timers), tuple(messages))
