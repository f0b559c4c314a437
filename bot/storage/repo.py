"""Small async data-access functions; each takes an ``AsyncSession`` and never commits.

The caller owns the transaction so one update of the bot (touch the user, save the state, log an
episode) commits or rolls back as a whole. Every write that can race with another bot process is a
single conditional statement (``INSERT … ON CONFLICT DO NOTHING`` or ``UPDATE … WHERE version = …``)
instead of read-then-write, so correctness never depends on the isolation level.

Reads return plain values (``StoredState``) or rows selected by column rather than ORM entities
where a later bulk ``UPDATE`` in the same session could otherwise leave a stale object in the
identity map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.diary.entries import DiaryEntry
from bot.storage.db import dialect_insert
from bot.storage.models import Base, ChatState, Episode, User

__all__ = [
    "EpisodeRecord",
    "PendingTimer",
    "SeenUser",
    "StoredState",
    "diary_for",
    "episodes_for",
    "is_blocked",
    "load_state",
    "log_episode",
    "pending_timers",
    "save_safety",
    "save_state",
    "set_blocked",
    "touch_user",
]


@dataclass(frozen=True, slots=True)
class StoredState:
    """One chat's stored conversation state, detached from any session."""

    chat_id: int
    state: dict[str, Any]
    version: int
    timer_token: str | None
    timer_due_at: datetime | None


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """What the coach hands over when a session ends; becomes one ``episodes`` row."""

    chat_id: int
    user_id: int | None
    kind: str
    area: str | None
    position: str | None
    started_at: datetime
    ended_at: datetime
    outcome: str
    exercises: tuple[dict[str, str | None], ...]
    severity: int | None = None


async def _insert_ignoring_conflict(
    session: AsyncSession,
    model: type[Base],
    values: Mapping[str, Any],
    key: str,
    returning: Any,
) -> Any | None:
    """INSERT a row unless one with the same primary key exists; return ``returning`` or None.

    Uses each dialect's native ON CONFLICT so two sessions racing for the same key never raise an
    IntegrityError (which would poison the caller's whole transaction): the loser simply waits for
    the winner's commit and inserts nothing.
    """
    stmt = dialect_insert(session, model).values(dict(values))
    result = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[key]).returning(returning)
    )
    return result.scalar_one_or_none()


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


# The user-row columns a `SeenUser` is made of, for `touch_user` and `media.preferences` alike.
SEEN_USER_COLUMNS = (_users.c.timezone, _users.c.pictures, *SAFETY_COLUMNS)


def seen_user(row: Row[Any]) -> SeenUser:
    """A `SeenUser` from a row of the `SEEN_USER_COLUMNS`."""
    values = row._mapping
    return SeenUser(
        timezone=values["timezone"],
        pictures=bool(values["pictures"]),
        safety=tuple(values[column.name] for column in SAFETY_COLUMNS),
    )


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
# each time cost more than the query. SQLite (3.35+) and PostgreSQL read it alike.
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


async def save_safety(
    session: AsyncSession, user_id: int, answers: tuple[str | None, ...], now: datetime
) -> None:
    """Store all five answers (in SAFETY_QUESTIONS order) as they now stand, and when.

    The user row exists: answers come in the person's own update, after `touch_user`. A value
    other than "yes", "no", "unsaid" or None fails the columns' CHECK constraints.
    """
    values = {column.name: answer for column, answer in zip(SAFETY_COLUMNS, answers, strict=True)}
    await session.execute(
        update(_users).where(_users.c.id == user_id).values(safety_updated_at=now, **values)
    )


async def set_blocked(session: AsyncSession, user_id: int, blocked: bool, now: datetime) -> None:
    """Mark whether the user has blocked the bot, creating the user row if needed.

    A 403 can arrive for a user this database has never seen (e.g. a fresh database behind an old
    reminder), so the row is created rather than the flag being lost. ``now`` only fills
    first_seen/last_seen of such a new row: a 403 is not the user being seen.
    """
    inserted = await _insert_ignoring_conflict(
        session,
        User,
        {
            "id": user_id,
            "language": None,
            "first_seen": now,
            "last_seen": now,
            "blocked": blocked,
        },
        key="id",
        returning=User.id,
    )
    if inserted is None:
        await session.execute(update(User).where(User.id == user_id).values(blocked=blocked))


async def is_blocked(session: AsyncSession, user_id: int) -> bool:
    """Whether the user blocked the bot; an unknown user is not blocked."""
    blocked = await session.scalar(select(User.blocked).where(User.id == user_id))
    return bool(blocked)


_STATE_COLUMNS = (
    ChatState.chat_id,
    ChatState.state,
    ChatState.version,
    ChatState.timer_token,
    ChatState.timer_due_at,
)


def _stored(row: Row[Any]) -> StoredState:
    return StoredState(
        chat_id=row.chat_id,
        state=row.state,
        version=row.version,
        timer_token=row.timer_token,
        timer_due_at=row.timer_due_at,
    )


# The two statements of every update, built once: a statement object remembers its cache key,
# so SQLAlchemy finds the compiled SQL without rebuilding and hashing the expression each time.
# Core (the table, not the ORM class) because there are no ORM objects to keep in step.
_states = cast(Table, ChatState.__table__)
_LOAD_STATE = select(
    _states.c.chat_id,
    _states.c.state,
    _states.c.version,
    _states.c.timer_token,
    _states.c.timer_due_at,
).where(_states.c.chat_id == bindparam("chat"))
_SAVE_STATE = (
    update(_states)
    .where(_states.c.chat_id == bindparam("chat"), _states.c.version == bindparam("expected"))
    .values(
        state=bindparam("new_state"),
        version=bindparam("new_version"),
        timer_token=bindparam("token"),
        timer_due_at=bindparam("due_at"),
        updated_at=bindparam("now"),
        # A user_id of None keeps the stored owner.
        user_id=func.coalesce(bindparam("owner", type_=_states.c.user_id.type), _states.c.user_id),
    )
    .returning(_states.c.version)
)


async def load_state(session: AsyncSession, chat_id: int) -> StoredState | None:
    """The chat's stored state, or None if the chat has never been saved."""
    result = await session.execute(_LOAD_STATE, {"chat": chat_id})
    row = result.one_or_none()
    return None if row is None else _stored(row)


async def save_state(
    session: AsyncSession,
    chat_id: int,
    *,
    state: dict[str, Any],
    expected_version: int,
    timer_token: str | None,
    timer_due_at: datetime | None,
    now: datetime,
    user_id: int | None = None,
) -> int | None:
    """Write the chat's state if nobody else wrote since ``expected_version`` was read.

    ``expected_version=0`` means "there was no row": the row is inserted with version 1. Returns
    the new version, or None when another writer got there first (the caller should reload and
    retry the event, or drop it). ``state`` must be JSON-serialisable (no datetimes; use ISO
    strings). A ``user_id`` of None on update keeps the stored owner. With a ``user_id``, the user
    row must already exist (call :func:`touch_user` first in the same transaction).
    """
    if expected_version < 0:
        raise ValueError(f"expected_version must be >= 0, got {expected_version}")
    if expected_version == 0:
        return await _insert_ignoring_conflict(
            session,
            ChatState,
            {
                "chat_id": chat_id,
                "user_id": user_id,
                "state": state,
                "version": 1,
                "timer_token": timer_token,
                "timer_due_at": timer_due_at,
                "updated_at": now,
            },
            key="chat_id",
            returning=ChatState.version,
        )
    result = await session.execute(
        _SAVE_STATE,
        {
            "chat": chat_id,
            "expected": expected_version,
            "new_state": state,
            "new_version": expected_version + 1,
            "token": timer_token,
            "due_at": timer_due_at,
            "now": now,
            "owner": user_id,
        },
    )
    return result.scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class PendingTimer:
    chat_id: int
    timer_token: str
    timer_due_at: datetime


async def pending_timers(session: AsyncSession) -> list[PendingTimer]:
    """Every chat with an armed timer, soonest first, so start-up can re-arm them in order.

    Overdue timers are included: the caller decides whether to fire them at once. Only the three
    columns re-arming needs are read: with ten thousand routines running, loading their states
    too put some 20 MiB on the restart's peak memory.
    """
    result = await session.execute(
        select(ChatState.chat_id, ChatState.timer_token, ChatState.timer_due_at)
        .where(ChatState.timer_due_at.is_not(None), ChatState.timer_token.is_not(None))
        .order_by(ChatState.timer_due_at, ChatState.chat_id)
    )
    return [PendingTimer(row.chat_id, row.timer_token, row.timer_due_at) for row in result]


async def log_episode(session: AsyncSession, record: EpisodeRecord) -> int:
    """Store a finished episode and return its id (flushed, not committed)."""
    episode = Episode(
        chat_id=record.chat_id,
        user_id=record.user_id,
        kind=record.kind,
        area=record.area,
        position=record.position,
        started_at=record.started_at,
        ended_at=record.ended_at,
        outcome=record.outcome,
        exercises=[dict(item) for item in record.exercises],
        severity=record.severity,
    )
    session.add(episode)
    await session.flush()
    return episode.id


# Episode kinds as the diary names them.
_DIARY_KINDS = {"relief": "routine", "prevention": "bedtime", "manual": "manual", "none": "none"}
# Feelings after an exercise that count as "it helped".
_HELPED = ("gone", "better")


async def diary_for(session: AsyncSession, user_id: int) -> tuple[DiaryEntry, ...]:
    """The person's diary, oldest first, as the diary module wants it."""
    result = await session.execute(
        select(
            Episode.kind,
            Episode.started_at,
            Episode.area,
            Episode.severity,
            Episode.outcome,
            Episode.exercises,
        )
        .where(Episode.user_id == user_id)
        .order_by(Episode.started_at, Episode.id)
    )
    entries = []
    for row in result:
        kind = _DIARY_KINDS.get(row.kind)
        if kind is None:
            continue
        helped = tuple(
            str(item.get("exercise"))
            for item in row.exercises or ()
            if isinstance(item, dict) and item.get("feeling") in _HELPED
        )
        entries.append(
            DiaryEntry(
                at=row.started_at,
                kind=kind,  # type: ignore[arg-type]
                area=row.area,
                severity=row.severity,
                outcome=row.outcome,
                helped=helped,
            )
        )
    return tuple(entries)


async def episodes_for(session: AsyncSession, chat_id: int) -> list[Episode]:
    """The chat's episodes in the order they happened."""
    result = await session.scalars(
        select(Episode).where(Episode.chat_id == chat_id).order_by(Episode.started_at, Episode.id)
    )
    return list(result)
