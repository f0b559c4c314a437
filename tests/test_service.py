"""ChatService on SQLite and PostgreSQL: what the coach decides about reminders reaches the rows,
in the same transaction as the chat state, and the rows come back to the coach as its profile."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import Attach, ChatState, Coach, Command, Event, Result, Say
from bot.coach.callbacks import night_arg
from bot.coach.effects import SaveReminder, SaveSafety
from bot.coach.events import ButtonPress, Location, TimerFired
from bot.coach.profile import (
    ANSWERS,
    NO_ANSWERS,
    NO_PROFILE,
    SAFETY_QUESTIONS,
    Profile,
    SafetyAnswers,
)
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.reminders.dispatcher import Delivery, Outcome, ReminderDispatcher, ReminderJob
from bot.service import ChatService
from bot.storage import Episode, ReminderSend, User, users
from bot.storage import reminders as store
from bot.storage.models import SAFETY_ANSWERS
from tests.auxil.clock import ShiftedClock
from tests.auxil.zones import zone_book

Factory = async_sessionmaker[AsyncSession]
USER = 777
# Thursday 7 May 2026, 20:00 in Berlin.
EVENING = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
FIRE = datetime(2026, 5, 7, 19, 30, tzinfo=UTC)
NIGHT = date(2026, 5, 7)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture
def clock() -> ShiftedClock:
    clock = ShiftedClock()
    clock.jump_to(EVENING)
    return clock


@pytest.fixture
def service(content: Content, session_factory: Factory, clock: ShiftedClock) -> ChatService:
    coach = Coach(
        content, zones=zone_book(), locate=lambda lat, lon: "Europe/Lisbon" if lat > 0 else None
    )
    return ChatService(coach, session_factory, clock=clock)


async def _send(service: ChatService, event: object) -> Result:
    return await service.handle(USER, event, user_id=USER, language="en")  # type: ignore[arg-type]


def _text(result: Result) -> str:
    return "\n".join(a.text for a in result.outbox if isinstance(a, Say))


async def _reminder(factory: Factory) -> store.ReminderRow:
    async with factory() as session:
        row = await store.load_reminder(session, USER)
    assert row is not None
    return row


async def test_setting_a_reminder_stores_the_zone_and_the_next_fire(
    service: ChatService, session_factory: Factory
) -> None:
    result = await _send(service, Command("timezone", "Berlin"))
    assert "Europe/Berlin" in _text(result)
    result = await _send(service, Command("reminder", "21:30"))
    assert "Next reminder: tonight at 21:30." in _text(result)
    [saved] = [a for a in result.effects if isinstance(a, SaveReminder)]

    row = await _reminder(session_factory)
    assert (row.timezone, row.local_time, row.days, row.enabled) == (
        "Europe/Berlin",
        time(21, 30),
        127,
        True,
    )
    assert row.next_fire_at == saved.next_fire_at == FIRE
    assert row.next_local_date == NIGHT
    async with session_factory() as session:
        zone = await session.scalar(select(User.timezone).where(User.id == USER))
    assert zone == "Europe/Berlin"

    # The profile comes back: /reminder now shows it instead of asking again.
    shown = _text(await _send(service, Command("reminder")))
    assert "Your bedtime reminder" in shown and "Next reminder: tonight at 21:30." in shown


async def test_a_traveller_changes_zone_and_the_next_reminder_follows(
    service: ChatService, session_factory: Factory
) -> None:
    await _send(service, Command("timezone", "Europe/Berlin"))
    await _send(service, Command("reminder", "21:30"))
    result = await _send(service, Command("timezone", "new york"))
    assert "America/New York" in _text(result)
    row = await _reminder(session_factory)
    assert row.timezone == "America/New_York"
    assert row.next_fire_at == datetime(2026, 5, 8, 1, 30, tzinfo=UTC)  # 21:30 in New York


async def test_a_shared_location_sets_the_zone(
    service: ChatService, session_factory: Factory
) -> None:
    await _send(service, Command("reminder", "22:15"))  # no zone yet: it asks
    result = await _send(service, Location(38.7, -9.1))
    assert "Europe/Lisbon" in _text(result)
    assert (await _reminder(session_factory)).timezone == "Europe/Lisbon"


async def test_snooze_skip_stop_and_the_six_week_answer_reach_the_rows(
    service: ChatService, session_factory: Factory, clock: ShiftedClock
) -> None:
    await _send(service, Command("timezone", "Berlin"))
    await _send(service, Command("reminder", "21:30"))
    sent: list[ReminderJob] = []

    async def sender(job: ReminderJob) -> Delivery:
        sent.append(job)
        return Delivery(Outcome.SENT)

    dispatcher = ReminderDispatcher(session_factory, sender, clock=clock)
    clock.jump_to(FIRE + timedelta(seconds=2))
    await dispatcher.tick()
    assert [job.local_date for job in sent] == [NIGHT]

    night = night_arg(NIGHT)
    snoozed = await _send(service, ButtonPress(f"0.bz.{night}"))
    assert "I'll remind you again at 22:00." in _text(snoozed)
    row = await _reminder(session_factory)
    assert row.snooze_until is not None and row.snooze_until >= FIRE + timedelta(minutes=30)

    await _send(service, ButtonPress(f"0.bk.{night}"))  # skip tonight: the snooze is dropped
    assert (await _reminder(session_factory)).snooze_until is None
    clock.jump_to(FIRE + timedelta(minutes=31))
    await dispatcher.tick()
    assert len(sent) == 1

    await _send(service, ButtonPress(f"0.bh.{night}.no"))
    row = await _reminder(session_factory)
    assert row.enabled is False and row.helping_answer == "no"
    async with session_factory() as session:
        statuses = (await session.scalars(select(ReminderSend.status))).all()
    assert statuses == ["sent"]


async def test_a_logged_cramp_and_the_diary_picture(
    service: ChatService, session_factory: Factory
) -> None:
    await _send(service, Command("timezone", "Berlin"))
    empty = await _send(service, Command("diary"))
    assert "Nothing logged" in _text(empty)

    # Area, when, how bad: the buttons of the last three questions.
    log = await _send(service, ButtonPress("0.dl"))
    screen = log.state.screen
    await _send(service, ButtonPress(f"{screen}.la.calf"))
    await _send(service, ButtonPress(f"{screen + 1}.lw.now"))
    done = await _send(service, ButtonPress(f"{screen + 2}.ls.8"))
    assert "Logged: Calf, just now, 8/10." in _text(done)

    diary = await _send(service, Command("diary"))
    [chart] = [a for a in diary.outbox if isinstance(a, Attach)]
    assert chart.kind == "photo" and chart.data.startswith(b"\x89PNG")
    assert "Cramps: <b>1</b>" in _text(diary)
    async with session_factory() as session:
        rows = (await session.execute(select(Episode.kind, Episode.severity))).all()
    assert [tuple(row) for row in rows] == [("manual", 8)]


# --- the safety profile ----------------------------------------------------------------------

ANSWERED = SafetyAnswers(balance="yes", joint="no", pregnancy="unsaid", clot="no", numb_feet=None)
SAVE_SAFETY = Command("test_save_safety")


class SafetyCoach(Coach):
    """The real coach, with the end of /safety stood in for (asking is the coach's business):
    `SAVE_SAFETY` makes it save `ANSWERED`. Keeps every profile the service hands it."""

    __slots__ = ("profiles",)

    def __init__(self, content: Content) -> None:
        super().__init__(content, zones=zone_book())
        self.profiles: list[Profile] = []

    def handle(
        self,
        state: ChatState,
        event: Event,
        now: datetime,
        *,
        language: str | None = None,
        profile: Profile = NO_PROFILE,
    ) -> Result:
        self.profiles.append(profile)
        if event == SAVE_SAFETY:
            return Result(state=state, effects=(SaveSafety(ANSWERED),))
        return super().handle(state, event, now, language=language, profile=profile)


@pytest.fixture
def safety_coach(content: Content) -> SafetyCoach:
    return SafetyCoach(content)


@pytest.fixture
def safety_service(
    safety_coach: SafetyCoach, session_factory: Factory, clock: ShiftedClock
) -> ChatService:
    return ChatService(safety_coach, session_factory, clock=clock)


def test_storage_and_coach_agree_on_the_questions_and_answers() -> None:
    assert users.SAFETY_QUESTIONS == SAFETY_QUESTIONS
    assert SAFETY_ANSWERS == ANSWERS


async def test_safety_answers_reach_the_next_events_profile(
    safety_service: ChatService,
    safety_coach: SafetyCoach,
    session_factory: Factory,
    clock: ShiftedClock,
) -> None:
    await _send(safety_service, Command("help"))
    assert safety_coach.profiles[-1].safety == NO_ANSWERS  # never answered: all None
    assert all(getattr(NO_ANSWERS, question) is None for question in SAFETY_QUESTIONS)

    await _send(safety_service, SAVE_SAFETY)
    async with session_factory() as session:
        user = await session.get(User, USER)
    assert user is not None
    assert (user.safety_balance, user.safety_pregnancy, user.safety_numb_feet) == (
        "yes",
        "unsaid",
        None,
    )
    assert user.safety_updated_at is not None
    assert EVENING <= user.safety_updated_at <= clock()

    await _send(safety_service, Command("help"))  # loaded with the turn's one SELECT
    assert safety_coach.profiles[-1].safety == ANSWERED
    # A timer is not the person writing: the answers come from users.preferences instead.
    await safety_service.handle(USER, TimerFired("stale"), user_id=USER, from_user=False)
    assert safety_coach.profiles[-1].safety == ANSWERED


async def test_safety_answers_are_exported_and_forgotten(
    safety_service: ChatService, safety_coach: SafetyCoach, session_factory: Factory
) -> None:
    await _send(safety_service, SAVE_SAFETY)
    export = await _send(safety_service, Command("export"))
    [document] = [a for a in export.outbox if isinstance(a, Attach)]
    [user] = json.loads(document.data)["tables"]["users"]
    assert {key: user[f"safety_{key}"] for key in SAFETY_QUESTIONS} == {
        "balance": "yes",
        "joint": "no",
        "pregnancy": "unsaid",
        "clot": "no",
        "numb_feet": None,
    }
    assert user["safety_updated_at"] is not None

    question = await _send(safety_service, Command("forget"))
    await _send(safety_service, ButtonPress(f"{question.state.screen}.fg.yes"))
    async with session_factory() as session:
        assert await session.get(User, USER) is None

    await _send(safety_service, Command("help"))  # writing again starts afresh
    assert safety_coach.profiles[-1].safety == NO_ANSWERS


async def _seen(factory: Factory) -> tuple[datetime, str | None]:
    async with factory() as session:
        row = (await session.execute(select(User.last_seen, User.language))).one()
    return row.last_seen, row.language


async def _version(factory: Factory) -> int:
    from bot.storage import load_state

    async with factory() as session:
        stored = await load_state(session, USER)
    assert stored is not None
    return stored.version


async def test_an_event_that_changes_nothing_writes_no_state(
    service: ChatService, session_factory: Factory
) -> None:
    start = await _send(service, Command("start", ""))
    before = await _version(session_factory)
    first = await _send(service, Command("help", ""))
    after_help = await _version(session_factory)
    again = await _send(service, Command("help", ""))
    assert _text(again) == _text(first)  # the same answer...
    assert await _version(session_factory) == after_help  # ...and no write for it
    area = next(a.buttons[0][0] for a in start.outbox if isinstance(a, Say) and a.buttons)
    await _send(service, ButtonPress(area.data))  # a change is still written
    assert await _version(session_factory) > max(before, after_help)


async def test_the_visit_is_written_at_most_every_few_minutes(
    service: ChatService, session_factory: Factory, clock: ShiftedClock
) -> None:
    await _send(service, Command("help", ""))
    first, _ = await _seen(session_factory)
    assert abs(first - EVENING) < timedelta(seconds=30)
    clock.jump_to(EVENING + timedelta(minutes=2))
    await _send(service, Command("help", ""))
    assert (await _seen(session_factory))[0] == first
    clock.jump_to(EVENING + timedelta(minutes=6))
    await _send(service, Command("help", ""))
    later, _ = await _seen(session_factory)
    assert abs(later - (EVENING + timedelta(minutes=6))) < timedelta(seconds=30)
    # A new language from Telegram is written at once.
    await service.handle(USER, Command("help", ""), user_id=USER, language="de")
    assert (await _seen(session_factory))[1] == "de"
