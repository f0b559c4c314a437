"""The database schema as SQLAlchemy 2 declarative models.

Alembic's migrations in ``migrations/versions`` must produce exactly this metadata; a test compares
them on SQLite and PostgreSQL. Constraint names come from a naming convention because SQLite's batch
migrations can only drop or alter constraints that have a stable, known name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    MetaData,
    String,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.types import UTCDateTime

__all__ = ["NAMING_CONVENTION", "Base", "ChatState", "Episode", "User"]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint predictably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """One Telegram user; the id is Telegram's, so it is never generated here."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # server_default too, so rows inserted by hand or by a later migration are never NULL.
    blocked: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, language={self.language!r}, blocked={self.blocked!r})"


class ChatState(Base):
    """The serialised conversation state of one chat, updated with optimistic locking.

    ``version`` lets two bot processes share a database: a write only succeeds against the version
    it read. The timer columns duplicate what is inside ``state`` so start-up can find pending
    timers with an indexed query instead of decoding every JSON document.
    """

    __tablename__ = "chat_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    timer_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    timer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return f"ChatState(chat_id={self.chat_id!r}, version={self.version!r})"


class Episode(Base):
    """One finished relief or prevention session, kept for the user's diary."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "relief" | "prevention"
    area: Mapped[str | None] = mapped_column(String(16), nullable=True)
    position: Mapped[str | None] = mapped_column(String(16), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    # A list of {"exercise": id, "feeling": str | None}, in the order they were done.
    exercises: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, nullable=False)

    def __repr__(self) -> str:
        return f"Episode(id={self.id!r}, chat_id={self.chat_id!r}, kind={self.kind!r})"
