"""What several storage test modules share: the session factory type, a fixed instant, and how
long a race waits for the other side."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Factory = async_sessionmaker[AsyncSession]

NOW = datetime(2026, 5, 1, 21, 30, tzinfo=UTC)
# Long enough for the other session to reach the database and block on the lock.
BLOCK_WAIT = 0.3
