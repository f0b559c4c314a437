"""The person's row: every write of a user setting goes through here.

What the bot knows about a person (``users``): when they were last seen and in which language,
their time zone, whether they want pictures, their answers to the safety questions, and whether
they blocked the bot. Like every storage function, these take a session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import User
from bot.storage.upsert import insert_or_ignore

__all__ = [
    "NO_SAFETY_ANSWERS",
    "SAFETY_COLUMNS",
    "SAFETY_QUESTIONS",
    "SEEN_USER_COLUMNS",
    "SeenUser",
    "is_blocked",
    "preferences",
    "save_safety",
    "seen_user",
    "set_blocked",
    "set_language",
    "set_pictures",
    "set_timezone",
    "touch_user",
]

# The safety profile's questions, in the order of ``bot.coach.profile.SAFETY_QUESTIONS`` (a test
# keeps the two equal; storage does not import the coach), and each one's column on the user row.
SAFETY_QUESTIONS = ("balance", "joint", "pregnancy", "clot", "numb_feet")
_users = cast(Table, User.__table__)
SAFETY_COLUMNS = tuple(_users.c[f"safety_{question}"] for question in SAFETY_QUESTIONS)
NO_SAFETY_ANSWERS: tuple[str | None, ...] = (None,) * len(SAFETY_QUESTIONS)


@dataclass(frozen=True, slots=True)
class SeenUser:
    """What every update needs of the person's row, read back by the same statement that
    records the visit."""

    timezone: str | None
    pictures: bool
    # In SAFETY_QUESTIONS order: "yes", "no", "unsaid", or None where never answered.
    safety: tuple[str | None, ...] = NO_SAFETY_ANSWERS
    # The language chosen with /language, or None to follow Telegram's language_code.
    language: str | None = None


# The user-row columns a `SeenUser` is made of, for `touch_user` and `preferences` alike.
SEEN_USER_COLUMNS = (
    _users.c.timezone,
    _users.c.pictures,
    *SAFETY_COLUMNS,
    _users.c.chosen_language,
)


def seen_user(row: Row[Any]) -> SeenUser:
    """A `SeenUser` from a row of the `SEEN_USER_COLUMNS`."""
    values = row._mapping
    return SeenUser(
        timezone=values["timezone"],
        pictures=bool(values["pictures"]),
        safety=tuple(values[column.name] for column in SAFETY_COLUMNS),
        language=values["chosen_language"],
    )


# -- being seen --------------------------------------------------------------------------------
async def touch_user(
    session: AsyncSession, user_id: int, language: str | None, now: datetime
) -> SeenUser:
    """Record that ``user_id`` was seen at ``now``, in one upsert that also returns their
    settings and safety answers (one round trip per update instead of three).

    A ``language`` of None keeps the stored one (Telegram omits ``language_code`` on some updates).
    ``blocked`` is left alone: only :func:`set_blocked` changes it; an existing row keeps its
    ``first_seen``.
    """
    row = (
        await session.execute(_TOUCH_USER, {"id": user_id, "language": language, "now": now})
    ).one()
    return seen_user(row)


# Hand-written because SQLAlchemy never caches a dialect INSERT … ON CONFLICT (its dialect
# Insert classes opt out of the statement cache), and this runs on every update: compiling it
# each time cost more than the query. SQLite (3.35+) and PostgreSQL read it alike, so it needs no
# switch by database (bot/storage/upsert.py is the one for built statements).
_TOUCH_USER = (
    text(
        "INSERT INTO users (id, language, first_seen, last_seen, blocked, pictures)"
        " VALUES (:id, :language, :now, :now, false, true)"
        " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen,"
        " language = COALESCE(excluded.language, users.language)"
        f" RETURNING {', '.join(column.name for column in SEEN_USER_COLUMNS)}"
    )
    .bindparams(
        bindparam("id", type_=_users.c.id.type),
        bindparam("language", type_=_users.c.language.type),
        bindparam("now", type_=_users.c.first_seen.type),
    )
    .columns(*SEEN_USER_COLUMNS)
)


async def preferences(session: AsyncSession, user_id: int) -> SeenUser:
    """The person's time zone, pictures setting and safety answers, as `touch_user` returns
    them, for events that are not the person writing (timers); pictures on and nothing
    answered for people not seen yet."""
    result = await session.execute(select(*SEEN_USER_COLUMNS).where(User.id == user_id))
    row = result.one_or_none()
    if row is None:
        return SeenUser(timezone=None, pictures=True)
    return seen_user(row)


# -- settings ----------------------------------------------------------------------------------
# These update a row that exists: settings come in the person's own update, after `touch_user`.
async def set_timezone(session: AsyncSession, user_id: int, zone: str) -> None:
    """Remember the person's IANA zone."""
    await session.execute(update(User).where(User.id == user_id).values(timezone=zone))


async def set_pictures(session: AsyncSession, user_id: int, on: bool) -> None:
    """Whether the person wants the exercise pictures."""
    await session.execute(update(User).where(User.id == user_id).values(pictures=on))


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    """The language the person chose with /language (it wins over Telegram's language_code)."""
    await session.execute(update(User).where(User.id == user_id).values(chosen_language=language))


async def save_safety(
    session: AsyncSession, user_id: int, answers: tuple[str | None, ...], now: datetime
) -> None:
    """Store all five answers (in SAFETY_QUESTIONS order) as they now stand, and when.

    A value other than "yes", "no", "unsaid" or None fails the columns' CHECK constraints.
    """
    values = {column.name: answer for column, answer in zip(SAFETY_COLUMNS, answers, strict=True)}
    await session.execute(
        update(_users).where(_users.c.id == user_id).values(safety_updated_at=now, **values)
    )


# -- blocked -----------------------------------------------------------------------------------
async def set_blocked(session: AsyncSession, user_id: int, blocked: bool, now: datetime) -> None:
    """Mark whether the user has blocked the bot, creating the user row if needed.

    A 403 can arrive for a user this database has never seen (e.g. a fresh database behind an old
    reminder), so the row is created rather than the flag being lost. ``now`` only fills
    first_seen/last_seen of such a new row: a 403 is not the user being seen.
    """
    inserted = await insert_or_ignore(
        session,
        User,
        {
            "id": user_id,
            "language": None,
            "first_seen": now,
            "last_seen": now,
            "blocked": blocked,
        },
        key=["id"],
        returning=User.id,
    )
    if inserted is None:
        await session.execute(update(User).where(User.id == user_id).values(blocked=blocked))


async def is_blocked(session: AsyncSession, user_id: int) -> bool:
    """Whether the user blocked the bot; an unknown user is not blocked."""
    blocked = await session.scalar(select(User.blocked).where(User.id == user_id))
    return bool(blocked)
