"""Persistence for crampcoach: models, engine/session factories, migrations, and one module per
thing stored.

- ``users``: the person's row; every user-settings write (time zone, pictures, safety answers,
  blocked, last seen and language);
- ``chats``: each chat's conversation state and its pending timer;
- ``episodes``: finished sessions, and the diary read back from them;
- ``reminders``: the person's reminder as the conversation sees it;
- ``reminder_queue``: what the dispatcher claims and sends (due nights, send records, leases);
- ``media``: file ids of the uploaded exercise pictures;
- ``turns``: one event's reads (person, reminder, chat state) joined in one statement;
- ``personal``: everything about one person, for /export and /forget;
- ``webhook``: the update ids the webhook has taken, so a re-post is answered once;
- ``upsert``: the one switch between SQLite's and PostgreSQL's ``INSERT … ON CONFLICT``.

The most used names are re-exported here.
"""

from __future__ import annotations

from bot.storage.chats import StoredState, load_state, pending_timers, save_state
from bot.storage.db import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    downgrade_database,
    make_engine,
    make_sessionmaker,
    normalize_url,
    upgrade_database,
)
from bot.storage.episodes import EpisodeRecord, episodes_for, log_episode
from bot.storage.models import (
    NAMING_CONVENTION,
    Base,
    ChatState,
    Episode,
    Reminder,
    ReminderSend,
    User,
)
from bot.storage.types import UTCDateTime
from bot.storage.users import SeenUser, is_blocked, set_blocked, touch_user

__all__ = [
    "MIGRATIONS_DIR",
    "NAMING_CONVENTION",
    "Base",
    "ChatState",
    "Episode",
    "EpisodeRecord",
    "Reminder",
    "ReminderSend",
    "SeenUser",
    "StoredState",
    "UTCDateTime",
    "User",
    "alembic_config",
    "current_revision",
    "downgrade_database",
    "episodes_for",
    "is_blocked",
    "load_state",
    "log_episode",
    "make_engine",
    "make_sessionmaker",
    "normalize_url",
    "pending_timers",
    "save_state",
    "set_blocked",
    "touch_user",
    "upgrade_database",
]
