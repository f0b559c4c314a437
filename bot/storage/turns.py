"""Everything one event of a known person needs from the database, in one round trip.

Why: each update used to cost four statements before the coach could run (record the visit and
read the settings, load the chat's state, load the reminder, and the reminder's last night),
each a round trip to PostgreSQL or a hop to SQLite's worker thread, and together the largest
share of the bot's CPU after HTTP. One SELECT over the person, their reminder and the chat's
state replaces them for everyone seen before; the visit itself is written at most once every
few minutes (`touch_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.chats import StoredState
from bot.storage.models import ChatState, Reminder, User
from bot.storage.reminders import REMINDER_COLUMNS, ReminderRow, reminder_row
from bot.storage.users import SAFETY_COLUMNS, SeenUser

# How stale `users.last_seen` may get: it answers "when did this person last use the bot" (for
# reminders and privacy), for which minutes do not matter.
TOUCH_EVERY = timedelta(minutes=5)

_users = cast(Table, User.__table__)
_states = cast(Table, ChatState.__table__)
_reminders = cast(Table, Reminder.__table__)

# Built once, so SQLAlchemy finds its compiled SQL by the statement's remembered cache key.
_LOAD_TURN = (
    select(
        _users.c.timezone.label("user_timezone"),
        _users.c.pictures.label("user_pictures"),
        _users.c.language.label("user_language"),
        _users.c.chosen_language.label("user_chosen_language"),
        _users.c.last_seen.label("user_last_seen"),
        *(column.label(f"user_{column.name}") for column in SAFETY_COLUMNS),
        _states.c.state.label("chat_state"),
        _states.c.version.label("chat_version"),
        _states.c.timer_token.label("chat_timer_token"),
        _states.c.timer_due_at.label("chat_timer_due_at"),
        *REMINDER_COLUMNS,
    )
    .select_from(
        _users.outerjoin(_reminders, _reminders.c.user_id == _users.c.id).outerjoin(
            _states, _states.c.chat_id == bindparam("chat")
        )
    )
    .where(_users.c.id == bindparam("user"))
)


@dataclass(frozen=True, slots=True)
class Turn:
    """A known person's settings and reminder, and the chat's stored state."""

    seen: SeenUser
    language: str | None
    last_seen: datetime
    state: StoredState | None
    reminder: ReminderRow | None

    def touch_due(self, language: str | None, now: datetime) -> bool:
        """Whether this visit must be written: a few minutes since the last one written, or a
        new language from Telegram (None keeps the stored one)."""
        changed = language is not None and language != self.language
        return changed or now - self.last_seen >= TOUCH_EVERY


async def load_turn(session: AsyncSession, chat_id: int, user_id: int) -> Turn | None:
    """The turn of `user_id` in `chat_id`; None for someone the database has not seen."""
    row = (await session.execute(_LOAD_TURN, {"chat": chat_id, "user": user_id})).one_or_none()
    if row is None:
        return None
    return Turn(
        seen=SeenUser(
            timezone=row.user_timezone,
            pictures=bool(row.user_pictures),
            safety=tuple(getattr(row, f"user_{column.name}") for column in SAFETY_COLUMNS),
            language=row.user_chosen_language,
        ),
        language=row.user_language,
        last_seen=row.user_last_seen,
        state=_state(chat_id, row),
        reminder=reminder_row(row),
    )


def _state(chat_id: int, row: Any) -> StoredState | None:
    if row.chat_version is None:  # the chat has never been saved
        return None
    return StoredState(
        chat_id=chat_id,
        state=row.chat_state,
        version=row.chat_version,
        timer_token=row.chat_timer_token,
        timer_due_at=row.chat_timer_due_at,
    )
