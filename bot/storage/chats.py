"""Chat states: one row per chat holding the conversation's whole state, with a version.

Every write that can race with another bot process is a single conditional statement (an
insert that does nothing when the row appeared meanwhile, or ``UPDATE … WHERE version = …``)
instead of read-then-write, so correctness never depends on the isolation level. Reads return
plain values, not ORM entities a later bulk ``UPDATE`` could leave stale in the identity map.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ChatState
from bot.storage.upsert import insert_or_ignore

__all__ = ["PendingTimer", "StoredState", "load_state", "pending_timers", "save_state"]


@dataclass(frozen=True, slots=True)
class StoredState:
    """One chat's stored conversation state, detached from any session."""

    chat_id: int
    state: dict[str, Any]
    version: int
    timer_token: str | None
    timer_due_at: datetime | None


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
    row must already exist (call ``users.touch_user`` first in the same transaction).
    """
    if expected_version < 0:
        raise ValueError(f"expected_version must be >= 0, got {expected_version}")
    if expected_version == 0:
        return await insert_or_ignore(
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
            key=["chat_id"],
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
