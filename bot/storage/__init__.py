"""Persistence for crampcoach: models, engine/session factories, migrations and repositories.

Everything the rest of the bot needs is re-exported here, so callers import from
``bot.storage`` and the module layout can change without touching them.
"""

from __future__ import annotations

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
from bot.storage.models import (
    NAMING_CONVENTION,
    Base,
    ChatState,
    Episode,
    Reminder,
    ReminderSend,
    User,
)
from bot.storage.repo import (
    EpisodeRecord,
    SeenUser,
    StoredState,
    episodes_for,
    is_blocked,
    load_state,
    log_episode,
    pending_timers,
    save_state,
    set_blocked,
    touch_user,
)
from bot.storage.types import UTCDateTime

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
