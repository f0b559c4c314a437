"""Episodes: each finished session (a routine, a bedtime check, a logged cramp), and the diary
read back from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.diary.entries import DiaryEntry
from bot.storage.models import Episode

__all__ = ["EpisodeRecord", "diary_for", "episodes_for", "log_episode"]


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
