"""The runtime (bot/runtime/) plays a result on any transport the same way, on SQLite and
PostgreSQL: the press answered first, timers, then messages in order; a blocked person marked
and left alone; a reply that did not arrive sent again, one that may have arrived never; a
reminder worded by the coach from a `ReminderDue` and decided by its first message.

Telegram and the terminal run these same paths end to end (tests/e2e, tests/test_terminal.py);
here a recording transport shows what the runtime itself asks of a transport.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import ButtonPress, ChatState, Coach, Command, Event, ReminderDue, Say, Text
from bot.coach.flows.reminder_night import reminder_messages
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.reminders.dispatcher import ReminderJob
from bot.runtime import (
    SENT,
    TERMINAL_CHAT_ID,
    Delivery,
    Fire,
    FloodLimited,
    Lane,
    Message,
    Outcome,
    Runtime,
)
from bot.service import ChatService
from bot.storage.users import is_blocked
from tests.auxil.clock import ShiftedClock
from tests.auxil.zones import zone_book

Factory = async_sessionmaker[AsyncSession]
CHAT = 4100
NIGHT = date(2026, 5, 7)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@dataclass
class Armed:
    chat_id: int
    delay: float
    fire: Fire
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class Recorder:
    """A transport that writes down what it is asked, and answers sends from a script."""

    calls: list[tuple[object, ...]] = field(default_factory=list)
    outcomes: list[Delivery] = field(default_factory=list)
    armed: list[Armed] = field(default_factory=list)

    async def send(self, chat_id: int, message: Message, lane: Lane) -> Delivery:
        self.calls.append(("send", chat_id, message, lane))
        return self.outcomes.pop(0) if self.outcomes else SENT

    async def answer(self, chat_id: int, press: str | None, note: str | None) -> None:
        self.calls.append(("answer", chat_id, press, note))

    def arm(self, chat_id: int, delay: float, fire: Fire) -> Armed:
        armed = Armed(chat_id, delay, fire)
        self.armed.append(armed)
        return armed

    def sent(self) -> list[Say]:
        return [call[2] for call in self.calls if call[0] == "send" and isinstance(call[2], Say)]

    def live(self) -> list[Armed]:
        return [armed for armed in self.armed if not armed.cancelled]


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


def runtime(
    content: Content, factory: Factory, clock: ShiftedClock, transport: Recorder, **options: object
) -> Runtime[str]:
    service = ChatService(Coach(content, zones=zone_book(), time_scale=0.01), factory, clock=clock)
    return Runtime(service, transport, retry_delay=0.001, **options)  # type: ignore[arg-type]


async def _handle(run: Runtime[str], event: Event, press: str | None = None) -> None:
    await run.handle(CHAT, event, user_id=CHAT, press=press)


async def test_a_press_is_answered_first_then_timers_then_messages(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport)
    await _handle(run, Text("calf in bed"))
    assert transport.calls[0] == ("answer", CHAT, None, None)
    assert [call[0] for call in transport.calls[1:]] == ["send"] * (len(transport.calls) - 1)
    assert all(call[3] is Lane.CONVERSATION for call in transport.calls[1:])
    assert "Step 1 of" in transport.sent()[-1].text
    [hold] = transport.live()  # the step's hold, armed before anything was sent
    assert hold.chat_id == CHAT and 0 <= hold.delay < 5

    [step] = [say for say in transport.sent() if "Step 1 of" in say.text]
    warnings = next(
        button.data for row in step.buttons for button in row if "Warning signs" in button.label
    )
    transport.calls.clear()
    await _handle(run, ButtonPress(warnings), press="query-1")
    press, *messages = transport.calls
    assert press == ("answer", CHAT, "query-1", content.catalog(None).text("warning_signs_note"))
    assert messages and all(call[0] == "send" for call in messages)


async def test_a_follow_up_fires_through_the_service_and_replaces_the_timer(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport)
    await _handle(run, Text("calf in bed"))
    [hold] = transport.live()
    transport.calls.clear()
    await hold.fire()
    assert transport.calls[0] == ("answer", CHAT, None, None)
    assert "Step 2 of" in transport.sent()[-1].text
    # The next hold replaced it; the one that fired is no longer kept.
    assert [armed for armed in transport.live() if armed is not hold]


async def test_a_blocked_person_is_marked_and_nothing_more_is_sent(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport)
    await _handle(run, Text("calf in bed"))
    [hold] = transport.live()
    transport.calls.clear()
    transport.outcomes = [Delivery(Outcome.BLOCKED)]
    await _handle(run, Command("help"))
    assert [call[0] for call in transport.calls] == ["answer", "send"]  # stopped at the 403
    assert hold.cancelled
    async with session_factory() as session:
        assert await is_blocked(session, CHAT)
    await run.set_blocked(CHAT, CHAT, False)
    async with session_factory() as session:
        assert not await is_blocked(session, CHAT)


@pytest.mark.parametrize(
    ("outcomes", "sends"),
    [
        ([Delivery(Outcome.RETRY)], 2),  # certainly not arrived: sent again
        ([Delivery(Outcome.RETRY)] * 3, 3),  # three attempts, then given up
        ([Delivery(Outcome.UNCERTAIN)], 1),  # may have arrived: never twice
        ([Delivery(Outcome.FAILED)], 1),  # refused for good
    ],
    ids=["retried", "given-up", "uncertain", "failed"],
)
async def test_a_reply_is_sent_again_only_when_it_certainly_did_not_arrive(
    content: Content,
    session_factory: Factory,
    clock: ShiftedClock,
    outcomes: list[Delivery],
    sends: int,
) -> None:
    transport = Recorder(outcomes=list(outcomes))
    run = runtime(content, session_factory, clock, transport)
    await _handle(run, Command("privacy"))
    texts = [say.text for say in transport.sent()]
    assert len(texts) >= sends
    assert texts[:sends] == [texts[0]] * sends
    assert len(set(texts[sends:]) & {texts[0]}) == 0


async def test_a_flood_limit_left_over_by_the_transport_is_raised(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    transport = Recorder(outcomes=[Delivery(Outcome.RETRY, retry_after=3.0)])
    run = runtime(content, session_factory, clock, transport)
    with pytest.raises(FloodLimited):
        await _handle(run, Command("help"))


def _job(*, ask_helping: bool, kind: str = "bedtime") -> ReminderJob:
    return ReminderJob(
        send_id=1,
        user_id=CHAT,
        chat_id=CHAT,
        local_date=NIGHT,
        language="en",
        snoozed=False,
        ask_helping=ask_helping,
        kind=kind,
    )


@pytest.mark.parametrize("kind", ["bedtime", "morning"])
async def test_a_reminder_is_worded_by_the_coach_and_sent_in_the_broadcast_lane(
    content: Content, session_factory: Factory, clock: ShiftedClock, kind: str
) -> None:
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport)
    assert await run.remind(_job(ask_helping=True, kind=kind)) == SENT
    expected = reminder_messages(
        content, language="en", night=NIGHT, snoozed=False, ask_helping=True, kind=kind
    )
    assert transport.calls[0] == ("answer", CHAT, None, None)
    assert [call[2:] for call in transport.calls[1:]] == [(say, Lane.BROADCAST) for say in expected]


async def test_the_coach_words_reminder_due_as_the_reminder_module_does(content: Content) -> None:
    coach = Coach(content, zones=zone_book())
    for snoozed, ask, kind in [
        (False, True, "bedtime"),
        (True, False, "bedtime"),
        (False, False, "morning"),
    ]:
        event = ReminderDue(NIGHT, snoozed=snoozed, ask_helping=ask, kind=kind, language="en")
        result = coach.handle(ChatState(), event, datetime.now(UTC))
        assert result.outbox == reminder_messages(
            content, language="en", night=NIGHT, snoozed=snoozed, ask_helping=ask, kind=kind
        )


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([Delivery(Outcome.RETRY, retry_after=2.0)], Delivery(Outcome.RETRY, retry_after=2.0)),
        ([Delivery(Outcome.UNCERTAIN)], Delivery(Outcome.UNCERTAIN)),
        ([Delivery(Outcome.BLOCKED)], Delivery(Outcome.BLOCKED)),
        # Once the reminder is out, the question after it failing must not bring it again.
        ([SENT, Delivery(Outcome.FAILED)], SENT),
        ([SENT, Delivery(Outcome.BLOCKED)], SENT),
    ],
)
async def test_the_first_message_of_a_reminder_decides_its_outcome(
    content: Content,
    session_factory: Factory,
    clock: ShiftedClock,
    outcomes: list[Delivery],
    expected: Delivery,
) -> None:
    transport = Recorder(outcomes=list(outcomes))
    run = runtime(content, session_factory, clock, transport)
    assert await run.remind(_job(ask_helping=True)) == expected
    assert len(transport.sent()) == len(outcomes)  # nothing after a failure


async def test_a_reminder_to_a_blocked_chat_drops_its_follow_up(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport)
    await _handle(run, Text("calf in bed"))
    [hold] = transport.live()
    transport.outcomes = [Delivery(Outcome.BLOCKED)]
    assert (await run.remind(_job(ask_helping=False))).outcome is Outcome.BLOCKED
    assert hold.cancelled


async def test_start_re_arms_the_pending_follow_ups_of_its_own_transport(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    first = Recorder()
    before = runtime(content, session_factory, clock, first)
    await _handle(before, Text("calf in bed"))
    await before.handle(TERMINAL_CHAT_ID, Text("calf in bed"), user_id=TERMINAL_CHAT_ID)
    await before.stop()
    assert all(armed.cancelled for armed in first.armed)

    for scope, chat in [("telegram", CHAT), ("terminal", TERMINAL_CHAT_ID)]:
        again = Recorder()
        restarted = runtime(content, session_factory, clock, again, scope=scope)
        await restarted.start()
        assert [armed.chat_id for armed in again.live()] == [chat]
        await restarted.stop()


async def test_the_clock_sends_a_due_reminder_and_stops_with_the_runtime(
    content: Content, session_factory: Factory, clock: ShiftedClock
) -> None:
    clock.jump_to(datetime(2026, 5, 7, 19, 0, tzinfo=UTC))  # 21:00 in Berlin
    transport = Recorder()
    run = runtime(content, session_factory, clock, transport, reminder_tick=0.02)
    await _handle(run, Command("timezone", "Berlin"))
    await _handle(run, Command("reminder", "21:30"))
    run.start_clock()
    await asyncio.sleep(0.1)
    assert not [call for call in transport.calls if call[0] == "send" and call[3] is Lane.BROADCAST]
    clock.jump_to(datetime(2026, 5, 7, 19, 30, 1, tzinfo=UTC))
    for _ in range(200):
        broadcast = [c for c in transport.calls if c[0] == "send" and c[3] is Lane.BROADCAST]
        if broadcast:
            break
        await asyncio.sleep(0.01)
    [(_, chat, say, _)] = broadcast
    assert chat == CHAT and isinstance(say, Say)
    assert say.text == content.catalog("en").text("reminder.message")
    await run.stop()
    clock.jump_to(datetime(2026, 5, 8, 19, 30, 1, tzinfo=UTC))  # the next night, clock stopped
    await asyncio.sleep(0.1)
    assert [c for c in transport.calls if c[0] == "send" and c[3] is Lane.BROADCAST] == broadcast


async def test_a_reminder_needs_no_database_and_no_chat_lock(content: Content) -> None:
    """A fan-out costs no statement per reminder, and a reminder never queues behind a reply."""

    def no_database() -> None:
        raise AssertionError("a reminder opened a database session")

    service = ChatService(Coach(content, zones=zone_book()), no_database)  # type: ignore[arg-type]
    async with service._lock(CHAT):  # the chat is busy with a reply
        result = await asyncio.wait_for(
            service.handle(CHAT, ReminderDue(NIGHT, language="en"), user_id=CHAT), 1
        )
    assert result.outbox == reminder_messages(
        content, language="en", night=NIGHT, snoozed=False, ask_helping=False
    )
