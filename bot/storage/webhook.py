"""What the webhook front needs from the database: the ledger of update ids, and a ping.

Telegram posts an update again when the answer was slow, lost or not a 2xx, so a webhook worker
must recognise an update that was already handled (answer 200, do nothing) and one that another
worker is handling right now (answer non-2xx: Telegram asks again later, by when it is either
handled or its worker has died). The ledger is the ``webhook_updates`` table:

1. ``claim`` (its own short transaction, committed before the update is handled): insert the id
   with a lease; if it is there already, take it over only if it is not handled and its lease
   ran out (the worker that claimed it died);
2. the update is handled; the service may record ``mark_handled`` inside the very transaction
   that commits the chat's state, which makes "handled" and "state committed" one fact;
3. ``finish`` records it handled (again, harmlessly, if the service did), or ``release``
   deletes the claim of an update whose handling failed so that Telegram's re-post runs it.

Rows older than Telegram's 24 hours are deleted by ``forget_before``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import WebhookUpdate
from bot.storage.upsert import insert_or_ignore, upsert

__all__ = [
    "DEFAULT_LEASE",
    "KEEP_FOR",
    "Claim",
    "UpdateLedger",
    "database_answers",
    "mark_handled",
]

Claim = Literal["taken", "handled", "in_hand"]
# How long a worker is trusted to finish an update before another may take it over. Generous:
# taking over an update that is still being handled would handle it twice.
DEFAULT_LEASE = timedelta(minutes=2)
# Telegram keeps an undelivered update for at most 24 hours, so it never re-posts an older one.
KEEP_FOR = timedelta(hours=24)


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def mark_handled(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Record the update as handled in the caller's transaction (never commits).

    For the service: called in the transaction that commits the chat's new state, a crash
    after that commit can no longer make the update run twice.
    """
    await upsert(
        session,
        WebhookUpdate,
        {"update_id": update_id, "received_at": now, "lease_until": None, "handled_at": now},
        key=["update_id"],
        update={"handled_at": now, "lease_until": None},
    )


async def database_answers(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Raise unless the database runs a query (for /readyz)."""
    async with sessions() as session:
        await session.execute(text("SELECT 1"))


class UpdateLedger:
    """The ``webhook_updates`` table as the webhook front uses it.

    Unlike the other storage functions, each method is its own transaction: a claim must be
    committed (visible to every worker) before the update is handled.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.sessions = sessions
        self.lease = lease
        self.clock = clock

    async def claim(self, update_id: int) -> Claim:
        """Take the update, or say it was handled or is being handled elsewhere."""
        now = self.clock()
        async with self.sessions.begin() as session:
            inserted = await insert_or_ignore(
                session,
                WebhookUpdate,
                {"update_id": update_id, "received_at": now, "lease_until": now + self.lease},
                key=["update_id"],
                returning=WebhookUpdate.update_id,
            )
            if inserted is not None:
                return "taken"
            taken_over = await session.execute(
                update(WebhookUpdate)
                .where(
                    WebhookUpdate.update_id == update_id,
                    WebhookUpdate.handled_at.is_(None),
                    WebhookUpdate.lease_until < now,
                )
                .values(lease_until=now + self.lease)
                .returning(WebhookUpdate.update_id)
            )
            if taken_over.scalar_one_or_none() is not None:
                return "taken"
            handled_at = await session.scalar(
                select(WebhookUpdate.handled_at).where(WebhookUpdate.update_id == update_id)
            )
        # No row any more: its claim was released a moment ago; Telegram will ask again.
        return "handled" if handled_at is not None else "in_hand"

    async def finish(self, update_id: int) -> None:
        """The update was handled: a re-post is answered 200 and not handled again."""
        async with self.sessions.begin() as session:
            await mark_handled(session, update_id, self.clock())

    async def release(self, update_id: int) -> None:
        """Handling failed: drop the claim so that Telegram's re-post is handled afresh."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(WebhookUpdate).where(
                    WebhookUpdate.update_id == update_id, WebhookUpdate.handled_at.is_(None)
                )
            )

    async def forget_before(self, cutoff: datetime | None = None) -> int:
        """Delete rows received before ``cutoff`` (default: ``KEEP_FOR`` ago); how many."""
        cutoff = cutoff if cutoff is not None else self.clock() - KEEP_FOR
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(WebhookUpdate)
                .where(WebhookUpdate.received_at < cutoff)
                .returning(WebhookUpdate.update_id)
            )
            return len(result.all())
