"""The database schema as SQLAlchemy 2 declarative models.

Alembic's migrations in ``migrations/versions`` must produce exactly this metadata; a test compares
them on SQLite and PostgreSQL. Constraint names come from a naming convention because SQLite's batch
migrations can only drop or alter constraints that have a stable, known name.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from bot.storage.types import UTCDateTime

__all__ = [
    "NAMING_CONVENTION",
    "SAFETY_ANSWERS",
    "Base",
    "ChatState",
    "Episode",
    "MediaFile",
    "Reminder",
    "ReminderSend",
    "User",
    "WebhookUpdate",
]

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


# The values a safety answer may take; "unsaid" is "prefer not to say" (see bot.coach.profile).
SAFETY_ANSWERS = ("yes", "no", "unsaid")


def _safety_answer(column: str) -> MappedColumn[str | None]:
    """A nullable answer column whose CHECK (named ``ck_users_<column>``) allows only the three
    answers, so a bug can never store something the coach would misread as "no"."""
    allowed = ", ".join(f"'{answer}'" for answer in SAFETY_ANSWERS)
    return mapped_column(
        String(8), CheckConstraint(f"{column} IN ({allowed})", name=column), nullable=True
    )


class User(Base):
    """One Telegram user; the id is Telegram's, so it is never generated here."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Telegram's language_code as last sent (the app's language, not a choice made here).
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The language picked with /language (one of languages.yaml's codes, e.g. "pt-BR"); it
    # wins over `language`, which only says how the person's Telegram app is set.
    chosen_language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # server_default too, so rows inserted by hand or by a later migration are never NULL.
    blocked: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # An IANA zone name (never a fixed offset), set by /timezone or the reminder set-up.
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # /settings: exercise pictures on or off (off helps on a slow connection).
    pictures: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=true()
    )
    # The /safety profile: health data, kept because the answers change which exercises are
    # offered. NULL until the person answers (nothing is stored for someone who never does),
    # written all five at once with safety_updated_at, and deleted with this row by /forget.
    safety_balance: Mapped[str | None] = _safety_answer("safety_balance")
    safety_joint: Mapped[str | None] = _safety_answer("safety_joint")
    safety_pregnancy: Mapped[str | None] = _safety_answer("safety_pregnancy")
    safety_clot: Mapped[str | None] = _safety_answer("safety_clot")
    safety_numb_feet: Mapped[str | None] = _safety_answer("safety_numb_feet")
    safety_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

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
    # Set while one webhook worker's sweep fires this overdue timer, so the others skip it;
    # cleared by every write of the state (bot/storage/chats.py, claim_due_timers).
    timer_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
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
    # 0-10, for cramps the person logged themselves (no routine); None for routines.
    severity: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    # A list of {"exercise": id, "feeling": str | None}, in the order they were done.
    exercises: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, nullable=False)

    def __repr__(self) -> str:
        return f"Episode(id={self.id!r}, chat_id={self.chat_id!r}, kind={self.kind!r})"


class Reminder(Base):
    """A user's bedtime stretch reminder: a local wall-clock time in an IANA zone, on some days.

    ``next_fire_at`` (UTC) and ``next_local_date`` (the local night it belongs to) are derived from
    the rest and recomputed whenever the time, days or zone change and whenever a reminder is
    claimed; the dispatcher only ever looks at ``next_fire_at`` and ``snooze_until``. Both are
    indexed because every tick asks "what is due now?".
    """

    __tablename__ = "reminders"

    user_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    local_time: Mapped[time] = mapped_column(Time(), nullable=False)
    # Bit i set = weekday i allowed (Monday = 0); 127 is every day.
    days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    next_fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    next_local_date: Mapped[date | None] = mapped_column(Date(), nullable=True)
    last_sent_date: Mapped[date | None] = mapped_column(Date(), nullable=True)
    snooze_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    snooze_date: Mapped[date | None] = mapped_column(Date(), nullable=True)
    # The local night of the first reminder sent, for the one-time "are they helping?" question.
    started_on: Mapped[date | None] = mapped_column(Date(), nullable=True)
    helping_asked: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    helping_answer: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The optional morning check-in ("any cramps last night?"): its local time and next instant.
    morning_time: Mapped[time | None] = mapped_column(Time(), nullable=True)
    morning_next_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return (
            f"Reminder(user_id={self.user_id!r}, local_time={self.local_time!r}, "
            f"timezone={self.timezone!r}, enabled={self.enabled!r})"
        )


class ReminderSend(Base):
    """One local night's reminder for one user: the record that makes a second send impossible.

    The unique ``(user_id, local_date)`` pair is claimed in the same transaction that moves the
    reminder on to its next night, so two dispatchers (or two bot processes) can never both send
    the same night. ``status`` walks ``pending`` -> ``sent`` (or ``blocked``, ``failed``,
    ``missed``, ``uncertain``); a ``pending`` row whose ``lease_until`` has passed belongs to a
    dispatcher that died between claim and send and may be taken over within the grace window.
    A snooze reuses the night's row (``snoozed``), so it too is sent at most once.
    """

    __tablename__ = "reminder_sends"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", name="uq_reminder_sends_user_id_local_date"),
        Index("ix_reminder_sends_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    local_date: Mapped[date] = mapped_column(Date(), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    snoozed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    ask_helping: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def __repr__(self) -> str:
        return (
            f"ReminderSend(user_id={self.user_id!r}, local_date={self.local_date!r}, "
            f"status={self.status!r})"
        )


class MediaFile(Base):
    """Telegram's file id for an exercise picture this bot uploaded, so it is uploaded only once.

    File ids belong to one bot, hence ``bot_id``; the content hash means a redrawn picture is
    uploaded afresh instead of Telegram showing the old one. Nothing here is about a person.
    """

    __tablename__ = "media_files"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    path: Mapped[str] = mapped_column(String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "photo" | "animation"
    file_id: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return f"MediaFile(bot_id={self.bot_id!r}, path={self.path!r}, kind={self.kind!r})"


class WebhookUpdate(Base):
    """A webhook update id this bot has taken, kept for a day so a re-post is answered once.

    Telegram re-posts an update whose answer was slow, lost or not a 2xx, and keeps an update
    for at most 24 hours. ``handled_at`` is NULL while a worker handles it: ``lease_until`` says
    until when that worker is trusted to finish (a worker killed meanwhile leaves a row another
    may take over once the lease ran out). bot/storage/webhook.py holds the queries.
    """

    __tablename__ = "webhook_updates"
    __table_args__ = (Index("ix_webhook_updates_received_at", "received_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"WebhookUpdate(update_id={self.update_id!r}, handled_at={self.handled_at!r})"
