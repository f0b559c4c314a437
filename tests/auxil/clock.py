"""A clock the tests can move, for the bot's service, timers and reminder dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ShiftedClock:
    """Real time, shifted: runs at normal speed, and `jump_to` moves it to any instant.

    The bot's service, timers and reminder dispatcher all read it, so a test can stand at
    21:29:58 in Berlin without waiting for an evening, and timed follow-ups still work.
    """

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)
