"""What the reminder dispatcher hands a sender and what it hears back.

A sender (the runtime, `bot/runtime/`) words and sends one `ReminderJob` and answers with a
`Delivery`: the transport's outcome of the first message, which decides whether the night's send
record is done, retried later or given up. Kept apart from the dispatcher so transports can speak
of outcomes without importing the claiming and sending machinery.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    RETRY = "retry"  # it certainly did not arrive (network error, flood limit): try again
    FAILED = "failed"  # it will not work however often we try (e.g. chat not found)
    UNCERTAIN = "uncertain"  # it may have arrived (a timeout): do not risk a second one


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Outcome
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class ReminderJob:
    """One message to send: what the transport needs to word and address it."""

    send_id: int | None  # None for a morning check-in, which has no send record
    user_id: int
    chat_id: int
    local_date: date
    language: str | None
    snoozed: bool
    ask_helping: bool
    attempts: int = 0
    due_at: datetime | None = None
    kind: str = "bedtime"  # "bedtime" | "morning"


Sender = Callable[[ReminderJob], Awaitable[Delivery]]


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    uncertain: int = 0
    # Claims lost to another dispatcher, or nights that already had their reminder.
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return any((self.sent, self.missed, self.blocked, self.failed, self.retried))
