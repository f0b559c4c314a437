"""Runs one event of one chat: load the state row, ask the coach, store the result.

The runtime (`bot/runtime/`) sends every event of every transport through here, so the rules
about state live in one place: events of one chat never interleave (a per-chat lock in this
process, and a version check in the database against a second process), the new state is
committed before anything is sent, and a finished routine is logged in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import assert_never

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import ChatState, Coach, Event, ReminderDue, Result, from_dict, to_dict
from bot.coach.effects import (
    AnswerHelping,
    ExportData,
    ForgetUser,
    LogEpisode,
    SaveLanguage,
    SaveMorning,
    SaveReminder,
    SaveSafety,
    SaveSettings,
    SaveZone,
    SkipReminder,
    SnoozeReminder,
    StopReminder,
)
from bot.coach.machine import needs_diary
from bot.coach.outbox import Attach, DiaryPicture, Outgoing
from bot.coach.profile import (
    ANSWERS,
    NO_ANSWERS,
    NO_PROFILE,
    Answer,
    Profile,
    ReminderInfo,
    SafetyAnswers,
)
from bot.content import Content
from bot.storage import chats, episodes, media, personal, turns, users
from bot.storage import reminders as reminder_store
from bot.storage.chats import StoredState
from bot.storage.webhook import mark_handled

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# What a chat with no stored state holds: a fresh state, so an event that leaves one fresh
# needs no row.
_FRESH = to_dict(ChatState())


# The webhook update being handled in this task, set by the PTB glue (bot/web/ptb.py) around
# the update's handlers; the service marks it handled in the chat's own transaction.
HANDLING_UPDATE: ContextVar[int | None] = ContextVar("handling_update", default=None)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ConcurrentUpdateError(RuntimeError):
    """Another process kept winning the race for this chat's state row."""


class ChatService:
    __slots__ = ("_clock", "_lock_rows", "_locks", "coach", "sessions")

    def __init__(
        self,
        coach: Coach,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime] = utcnow,
        lock_across_processes: bool = True,
    ) -> None:
        """`lock_across_processes`: take the chat's database lock (PostgreSQL) in each event's
        transaction, so webhook workers never race for a chat. Off only to test the version
        check, which stays as the safety net behind it."""
        self.coach = coach
        self._lock_rows = lock_across_processes
        self.sessions = sessions
        self._clock = clock
        # Locks disappear with the last waiter, so thousands of chats do not pin memory.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def now(self) -> datetime:
        """The service's clock (UTC); adapters arm timers against it so tests can move it."""
        return self._clock()

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def handle(
        self,
        chat_id: int,
        event: Event,
        *,
        user_id: int | None = None,
        language: str | None = None,
        from_user: bool = True,
        deliver: Callable[[Result], Awaitable[None]] | None = None,
    ) -> Result:
        """Apply `event` to the chat; the new state is committed before `deliver` sends anything.

        `deliver` runs under the chat's lock, so the replies to two quick taps
        arrive in the order of the taps. `from_user` is False for timers: they
        must not count as the user being seen. A `ReminderDue` takes neither the lock
        nor the database (below).
        """
        if isinstance(event, ReminderDue):
            # Worded from the event alone: a reminder reads and changes no chat state (its
            # buttons name their night, not a message), so a fan-out costs no statement per
            # reminder, and a reminder never waits for the chat's lock behind a conversation.
            result = self.coach.handle(ChatState(), event, self._clock())
            if deliver is not None:
                await deliver(result)
            return result
        async with self._lock(chat_id):
            for _ in range(MAX_ATTEMPTS):
                now = self._clock()
                async with self.sessions() as session:
                    # Across webhook workers: the chat's events wait for each other here.
                    if self._lock_rows:
                        await chats.lock_chat(session, chat_id)
                    stored, profile = await _load(
                        session, chat_id, user_id, language, now, from_user, needs_diary(event)
                    )
                    state = from_dict(stored.state) if stored else ChatState()
                    result = self.coach.handle(
                        state, event, now, language=language, profile=profile
                    )
                    new_state = to_dict(result.state)
                    # An event that changed nothing (/help, a stray text) writes nothing.
                    if new_state != (stored.state if stored else _FRESH):
                        timer = result.state.timer
                        version = await chats.save_state(
                            session,
                            chat_id,
                            state=new_state,
                            expected_version=stored.version if stored else 0,
                            timer_token=timer.token if timer else None,
                            timer_due_at=timer.due_at if timer else None,
                            now=now,
                            user_id=user_id,
                        )
                        if version is None:
                            await session.rollback()
                            log.info("Chat %s changed under us; trying the event again", chat_id)
                            continue
                    result = await _apply_effects(session, result, chat_id, user_id, now)
                    update_id = HANDLING_UPDATE.get() if from_user else None
                    if update_id is not None:
                        # "Handled" and "committed" are one fact: a crash after this commit
                        # cannot make Telegram's re-post run the update a second time.
                        await mark_handled(session, update_id, now)
                    await session.commit()
                result = await self._render_pictures(result)
                if deliver is not None:
                    await deliver(result)
                return result
        raise ConcurrentUpdateError(
            f"chat {chat_id}: state kept changing during {MAX_ATTEMPTS} attempts"
        )

    async def _render_pictures(self, result: Result) -> Result:
        """Diary pictures become PNGs in a worker thread, after the transaction, not inside it;
        each takes its picture's place in the outbox."""
        if not any(isinstance(item, DiaryPicture) for item in result.outbox):
            return result
        outbox: list[Outgoing] = []
        for item in result.outbox:
            if isinstance(item, DiaryPicture):
                item = await asyncio.to_thread(_render, item, self.coach.content)
            outbox.append(item)
        return replace(result, outbox=tuple(outbox))

    async def pending_timers(self) -> list[tuple[int, str, datetime]]:
        """Every chat's armed follow-up, for re-arming after a restart."""
        async with self.sessions() as session:
            rows = await chats.pending_timers(session)
        return [(row.chat_id, row.timer_token, row.timer_due_at) for row in rows]

    async def claim_due_timers(
        self, overdue_by: timedelta, lease: timedelta, limit: int = 100
    ) -> list[tuple[int, str, datetime]]:
        """Lease follow-ups overdue by more than ``overdue_by`` (their worker is gone) for the
        caller to fire; committed before returning, so the other workers' sweeps skip them."""
        now = self._clock()
        async with self.sessions() as session:
            rows = await chats.claim_due_timers(
                session, now=now, due_before=now - overdue_by, lease_until=now + lease, limit=limit
            )
            await session.commit()
        return [(row.chat_id, row.timer_token, row.timer_due_at) for row in rows]

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        async with self.sessions() as session:
            await users.set_blocked(session, user_id, blocked, self._clock())
            await session.commit()

    # -- the Telegram picture sender's file ids (bot/telegram/pictures.py) -------------------
    async def picture_file_ids(self, bot_id: int) -> dict[tuple[str, str], str]:
        async with self.sessions() as session:
            return await media.load_file_ids(session, bot_id)

    async def remember_picture(
        self, *, bot_id: int, path: str, sha256: str, kind: str, file_id: str
    ) -> None:
        async with self.sessions() as session:
            await media.remember_file_id(
                session,
                bot_id=bot_id,
                path=path,
                sha256=sha256,
                kind=kind,
                file_id=file_id,
                now=self._clock(),
            )
            await session.commit()


def _render(picture: DiaryPicture, content: Content) -> Attach:
    """Draw a diary picture (in a worker thread). The renderers are imported here, on first use,
    because matplotlib alone is some 40 MiB that most bot processes never need."""
    from bot.diary.render import render

    drawing = render(picture, content)
    return Attach(drawing.kind, drawing.filename, drawing.data, caption=picture.caption)


async def _load(
    session: AsyncSession,
    chat_id: int,
    user_id: int | None,
    language: str | None,
    now: datetime,
    from_user: bool,
    with_diary: bool,
) -> tuple[StoredState | None, Profile]:
    """The chat's stored state and the person's profile; for someone seen before, one SELECT,
    and the visit (not for timers) written only when `Turn.touch_due`."""
    if user_id is None:
        return await chats.load_state(session, chat_id), NO_PROFILE
    turn = await turns.load_turn(session, chat_id, user_id)
    if turn is not None:
        if from_user and turn.touch_due(language, now):
            await users.touch_user(session, user_id, language, now)
        profile = await _profile(session, user_id, turn.seen, turn.reminder, with_diary)
        return turn.state, profile
    # Someone new (or a timer of a chat whose person is gone): the row is made, then read.
    seen = await users.touch_user(session, user_id, language, now) if from_user else None
    stored = await chats.load_state(session, chat_id)
    reminder = await reminder_store.load_reminder(session, user_id)
    return stored, await _profile(session, user_id, seen, reminder, with_diary)


async def _profile(
    session: AsyncSession,
    user_id: int,
    seen: users.SeenUser | None,
    row: reminder_store.ReminderRow | None,
    with_diary: bool,
) -> Profile:
    """The read-only facts the coach decides with (the diary only for events that show it)."""
    if seen is None:  # a timer of a chat whose person has no row yet
        seen = await users.preferences(session, user_id)
    zone, pictures, safety = seen.timezone, seen.pictures, _safety(seen.safety)
    language = seen.language
    diary = await episodes.diary_for(session, user_id) if with_diary else ()
    if row is None:
        return Profile(zone=zone, pictures=pictures, diary=diary, safety=safety, language=language)
    return Profile(
        zone=zone,
        pictures=pictures,
        diary=diary,
        safety=safety,
        language=language,
        reminder_started=row.started_on,
        reminder=ReminderInfo(
            zone=row.timezone,
            at=row.local_time,
            days=row.days,
            enabled=row.enabled,
            next_fire_at=row.next_fire_at,
            next_local_date=row.next_local_date,
            last_sent_date=row.last_sent_date,
            snooze_until=row.snooze_until,
            last_night_snoozed=row.last_night_snoozed,
            morning_at=row.morning_time,
        ),
    )


def _safety(stored: tuple[str | None, ...]) -> SafetyAnswers:
    """The stored answers (in the storage's question order) as the coach's type; most people
    never answer, so their events share one empty profile."""
    if stored == users.NO_SAFETY_ANSWERS:
        return NO_ANSWERS
    return SafetyAnswers(
        **{
            question: _answer(value)
            for question, value in zip(users.SAFETY_QUESTIONS, stored, strict=True)
        }
    )


def _answer(value: str | None) -> Answer | None:
    """Narrow a stored answer to the coach's type; the CHECK constraints make anything else a
    bug, which had better fail loudly than be read as some other answer."""
    if value is None:
        return None
    for answer in ANSWERS:
        if value == answer:
            return answer
    raise ValueError(f"unknown safety answer {value!r} in the users table")


async def _apply_effects(
    session: AsyncSession, result: Result, chat_id: int, user_id: int | None, now: datetime
) -> Result:
    """Carry out the coach's database work in the event's own transaction, in order.

    One `match` names every effect, so mypy rejects a new one until it is applied here. An
    export becomes an `Attach` at the end of the outbox; forgetting the person comes last, after
    everything else, so it deletes this event's rows too."""
    outbox = list(result.outbox)
    forget = False
    for effect in result.effects:
        match effect:
            case LogEpisode():
                await episodes.log_episode(session, _episode(chat_id, user_id, effect))
            case SaveZone(zone=zone) if user_id is not None:
                await users.set_timezone(session, user_id, zone)
            case SaveReminder() if user_id is not None:
                await reminder_store.save_reminder(
                    session,
                    user_id=user_id,
                    chat_id=chat_id,
                    zone=effect.zone,
                    local_time=effect.at,
                    days=effect.days,
                    next_fire_at=effect.next_fire_at,
                    next_local_date=effect.next_local_date,
                    now=now,
                )
            case StopReminder() if user_id is not None:
                await reminder_store.disable_reminder(session, user_id, now)
            case SnoozeReminder(night=night, until=until) if user_id is not None:
                await reminder_store.snooze_reminder(session, user_id, night, until, now)
            case SkipReminder() if user_id is not None:
                await reminder_store.clear_snooze(session, user_id, now)
            case AnswerHelping(answer=answer) if user_id is not None:
                await reminder_store.record_helping_answer(session, user_id, answer, now)
            case SaveMorning(at=at, next_at=next_at) if user_id is not None:
                await reminder_store.set_morning(session, user_id, at, next_at, now)
            case SaveSettings(pictures=pictures) if user_id is not None:
                await users.set_pictures(session, user_id, pictures)
            case SaveLanguage(language=language) if user_id is not None:
                await users.set_language(session, user_id, language)
            case SaveSafety(answers=answers) if user_id is not None:
                stored = tuple(getattr(answers, question) for question in users.SAFETY_QUESTIONS)
                await users.save_safety(session, user_id, stored, now)
            case ExportData() if user_id is not None:
                outbox.append(await _export(session, user_id, chat_id, now))
            case ForgetUser() if user_id is not None:
                forget = True
            case (
                SaveZone()
                | SaveReminder()
                | StopReminder()
                | SnoozeReminder()
                | SkipReminder()
                | AnswerHelping()
                | SaveMorning()
                | SaveSettings()
                | SaveLanguage()
                | SaveSafety()
                | ExportData()
                | ForgetUser()
            ):
                pass  # no person behind the event (Telegram named none): nothing of theirs
            case _:
                assert_never(effect)
    if forget and user_id is not None:
        deleted = await personal.forget(session, user_id, chat_id)
        log.info("Forgot user %s: %s rows deleted", user_id, sum(deleted.values()))
    return replace(result, outbox=tuple(outbox))


async def _export(session: AsyncSession, user_id: int, chat_id: int, now: datetime) -> Attach:
    """/export: every row about the person, as a JSON document, seeing this event's rows."""
    data = await personal.export_json(session, user_id, chat_id, now)
    filename = f"crampcoach-data-{now:%Y-%m-%d}.json"
    return Attach(kind="document", filename=filename, data=data)


def _episode(chat_id: int, user_id: int | None, action: LogEpisode) -> episodes.EpisodeRecord:
    return episodes.EpisodeRecord(
        chat_id=chat_id,
        user_id=user_id,
        kind=action.kind,
        area=action.area,
        position=action.position,
        started_at=action.started_at,
        ended_at=action.ended_at,
        outcome=action.outcome,
        severity=action.severity,
        exercises=tuple(
            {"exercise": exercise, "feeling": feeling} for exercise, feeling in action.exercises
        ),
    )
