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

from sqlalchemy import Row, Table, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ChatState
from bot.storage.upsert import insert_or_ignore

__all__ = [
    "PendingTimer",
    "StoredState",
    "claim_due_timers",
    "load_state",
    "lock_chat",
    "pending_timers",
    "save_state",
]


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
        timer_lease_until=None,
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


async def lock_chat(session: AsyncSession, chat_id: int) -> None:
    """Serialise this chat's events across processes until the transaction ends.

    On PostgreSQL, a transaction-scoped advisory lock keyed by the chat id: it works before the
    chat has a row (a first /start posted twice to two webhook workers), and it is released by
    the commit or rollback, never leaked. The version check in ``save_state`` stays as the
    safety net. SQLite lets one writer in at a time, and ``crampcoach serve`` refuses more than
    one worker on it, so there is nothing to do there.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_ADVISORY_LOCK, {"chat": chat_id})


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:chat)")


async def claim_due_timers(
    session: AsyncSession, *, now: datetime, due_before: datetime, lease_until: datetime, limit: int
) -> list[PendingTimer]:
    """Lease up to ``limit`` follow-ups due before ``due_before`` that no worker holds.

    For the webhook workers' sweep: a follow-up is armed in the worker that set it, so one
    still pending well after its due time lost its worker (killed, restarted). ``FOR UPDATE
    SKIP LOCKED`` lets every worker sweep at once without waiting on, or taking, each other's
    rows; the lease (committed by the caller before firing) keeps the others off while it
    fires. Firing writes the state, which clears the lease; a lease that runs out (its worker
    died mid-fire) makes the timer claimable again, and the coach ignores a stale token, so a
    follow-up is never played twice.
    """
    result = await session.execute(
        select(_states.c.chat_id, _states.c.timer_token, _states.c.timer_due_at)
        .where(
            _states.c.timer_due_at < due_before,
            _states.c.timer_token.is_not(None),
            or_(
                _states.c.timer_lease_until.is_(None),
                _states.c.timer_lease_until < now,
            ),
        )
        .order_by(_states.c.timer_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = [PendingTimer(row.chat_id, row.timer_token, row.timer_due_at) for row in result]
    if claimed:
        await session.execute(
            update(_states)
            .where(_states.c.chat_id.in_([timer.chat_id for timer in claimed]))
            .values(timer_lease_until=lease_until)
        )
    return claimed
