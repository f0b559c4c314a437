"""Two processes handling events of ONE chat at once, on SQLite and PostgreSQL.

`ChatService.handle` serialises a chat's events with a lock, but only inside one process. Across
processes the chat's state row carries a version: a save that expects a version someone else has
moved on from fails, and the event is run again on the state that writer left. These tests guard
that version check and its retry: without them the second writer would overwrite the first one's
state with its own, computed from a stale copy, and an event would be silently lost.

Each "process" here has its own engine, its own `ChatService` and its own event loop (a thread of
its own), so nothing in-process orders them. The order is made deterministic with a coach that
can pause: process A stops right after it loaded the state (the coach is called between the load
and the save) until process B has committed, then A saves against the version it read.

How these were shown to bite, each on both databases: with the ``continue`` after a failed save
in `ChatService.handle` removed (carry on as if the save had worked), and separately with the
``version == expected`` condition taken out of repo's save statement (the check always passes),
both tests fail: B's press is lost, and A never tries again nor raises ``ConcurrentUpdateError``.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import ChatState, Coach, Command, Event, Result
from bot.coach.profile import NO_PROFILE, Profile
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.service import MAX_ATTEMPTS, ChatService, ConcurrentUpdateError
from bot.storage import chats
from bot.storage.db import make_engine, make_sessionmaker
from tests.auxil.zones import zone_book

Factory = async_sessionmaker[AsyncSession]
CHAT = 4242
NOW = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
# Long enough for a slow shared machine; only reached when something is broken.
WAIT = 60.0


def press(name: str) -> Command:
    """A button press the counting coach records (a stand-in for any state-changing event)."""
    return Command("test_press", name)


class CountingCoach(Coach):
    """The real coach, except that a `press` appends its name to the presses the state keeps
    (in ``state.language``, comma-separated: any field the row stores would do).

    With a ``pause``, each press first calls it (after the service loaded the state, before it
    saves); ``seen`` keeps the presses each call found in the state it was given.
    """

    __slots__ = ("pause", "seen")

    def __init__(self, content: Content, pause: Callable[[], None] | None = None) -> None:
        super().__init__(content, zones=zone_book())
        self.pause = pause
        self.seen: list[list[str]] = []

    def handle(
        self,
        state: ChatState,
        event: Event,
        now: datetime,
        *,
        language: str | None = None,
        profile: Profile = NO_PROFILE,
    ) -> Result:
        if isinstance(event, Command) and event.name == "test_press":
            presses = _presses_in(state.language)
            self.seen.append(presses)
            if self.pause is not None:
                self.pause()
            return Result(state=replace(state, language=",".join([*presses, event.args])))
        return super().handle(state, event, now, language=language, profile=profile)


def _presses_in(kept: str | None) -> list[str]:
    return kept.split(",") if kept else []


class Gate:
    """Process A's pause: announce "loaded", then wait until the test lets it go on.

    Only the first ``times`` calls pause; later ones (A's retries after that) run straight on.
    """

    def __init__(self, times: int) -> None:
        self.times = times
        self.loaded: queue.Queue[None] = queue.Queue()
        self.release: queue.Queue[None] = queue.Queue()

    def __call__(self) -> None:
        if self.times <= 0:
            return
        self.times -= 1
        self.loaded.put(None)
        self.release.get(timeout=WAIT)

    async def wait_loaded(self, process: asyncio.Future[Result]) -> None:
        """Until the paused process has loaded the state (failing if it ended instead)."""
        deadline = asyncio.get_running_loop().time() + WAIT
        while True:
            try:
                return self.loaded.get_nowait()
            except queue.Empty:
                if process.done():
                    process.result()  # its error, if it failed
                    pytest.fail("the other process finished instead of loading the state again")
                if asyncio.get_running_loop().time() > deadline:
                    pytest.fail("the other process never loaded the state")
                await asyncio.sleep(0.005)

    def go_on(self) -> None:
        self.release.put(None)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


def _service(coach: Coach, sessions: Factory, *, lock: bool = False) -> ChatService:
    """Without the database lock by default: these tests are about the version check behind
    it, which the lock (PostgreSQL) would otherwise never let race."""
    return ChatService(coach, sessions, clock=lambda: NOW, lock_across_processes=lock)


async def _press(service: ChatService, name: str) -> Result:
    return await service.handle(CHAT, press(name), user_id=CHAT, language="en")


def _in_other_process(
    url: str, coach: Coach, name: str, *, lock: bool = False
) -> asyncio.Future[Result]:
    """Handle ``press(name)`` as another process would: a thread with its own event loop,
    engine and service. The future resolves (in the caller's loop) with its result or error."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Result] = loop.create_future()

    async def run() -> Result:
        engine = make_engine(url)
        try:
            return await _press(_service(coach, make_sessionmaker(engine), lock=lock), name)
        finally:
            await engine.dispose()

    def thread() -> None:
        try:
            result = asyncio.run(run())
        except BaseException as error:  # handed to the test, which re-raises it
            loop.call_soon_threadsafe(done.set_exception, error)
        else:
            loop.call_soon_threadsafe(done.set_result, result)

    threading.Thread(target=thread, name=f"process-{name}", daemon=True).start()
    return done


async def _presses(sessions: Factory) -> tuple[list[str], int]:
    async with sessions() as session:
        stored = await chats.load_state(session, CHAT)
    assert stored is not None
    return _presses_in(stored.state["language"]), stored.version


async def test_a_press_that_lost_the_race_is_run_again_on_the_winners_state(
    content: Content, migrated_url: str, session_factory: Factory
) -> None:
    """A and B both press while the chat holds ["first"]; B commits while A is paused after
    its load. A's save must hit the version check, A's press must run again on B's state,
    and both presses must be in the row (nothing lost, in the order they were committed)."""
    process_b = _service(CountingCoach(content), session_factory)
    await _press(process_b, "first")  # the chat (and its person) exist, version 1

    gate = Gate(times=1)
    coach_a = CountingCoach(content, pause=gate)
    process_a = _in_other_process(migrated_url, coach_a, "a")
    await gate.wait_loaded(process_a)  # A has read version 1 and is deciding
    await _press(process_b, "b")  # B commits version 2 meanwhile
    gate.go_on()
    result = await asyncio.wait_for(process_a, WAIT)

    assert _presses_in(result.state.language) == ["first", "b", "a"]
    # A ran twice: on the state it read first, then again on the one B left.
    assert coach_a.seen == [["first"], ["first", "b"]]
    assert await _presses(session_factory) == (["first", "b", "a"], 3)


async def test_a_chat_that_keeps_changing_gives_up_without_writing(
    content: Content, migrated_url: str, session_factory: Factory
) -> None:
    """B commits during every one of A's attempts: after MAX_ATTEMPTS lost saves A raises
    `ConcurrentUpdateError` and has written nothing; all of B's presses are kept."""
    process_b = _service(CountingCoach(content), session_factory)
    await _press(process_b, "first")

    gate = Gate(times=MAX_ATTEMPTS)
    coach_a = CountingCoach(content, pause=gate)
    process_a = _in_other_process(migrated_url, coach_a, "a")
    for attempt in range(MAX_ATTEMPTS):
        await gate.wait_loaded(process_a)
        await _press(process_b, f"b{attempt}")
        gate.go_on()
    with pytest.raises(ConcurrentUpdateError):
        await asyncio.wait_for(process_a, WAIT)

    b_presses = [f"b{attempt}" for attempt in range(MAX_ATTEMPTS)]
    assert coach_a.seen == [["first", *b_presses[:attempt]] for attempt in range(MAX_ATTEMPTS)]
    assert await _presses(session_factory) == (["first", *b_presses], 1 + MAX_ATTEMPTS)


async def test_with_the_lock_a_second_process_waits_instead_of_retrying(
    content: Content, postgres_migrated_url: str
) -> None:
    """On PostgreSQL the chat's advisory lock (what webhook workers run with) makes B wait
    until A committed: A runs once, B then runs on A's state; nobody retries. (PostgreSQL
    only: SQLite has one writer at a time, and the lock is PostgreSQL's.)"""
    engine = make_engine(postgres_migrated_url)
    try:
        await _lock_makes_b_wait(content, postgres_migrated_url, make_sessionmaker(engine))
    finally:
        await engine.dispose()


async def _lock_makes_b_wait(content: Content, migrated_url: str, session_factory: Factory) -> None:
    process_b = _service(CountingCoach(content), session_factory, lock=True)
    await _press(process_b, "first")

    gate = Gate(times=1)
    coach_a = CountingCoach(content, pause=gate)
    process_a = _in_other_process(migrated_url, coach_a, "a", lock=True)
    await gate.wait_loaded(process_a)  # A holds the chat's lock and is deciding
    coach_b = CountingCoach(content)
    waiting_b = asyncio.create_task(_press(_service(coach_b, session_factory, lock=True), "b"))
    await asyncio.sleep(0.3)
    assert not waiting_b.done() and coach_b.seen == []  # B waits at the lock, not at the coach
    gate.go_on()
    await asyncio.wait_for(process_a, WAIT)
    await asyncio.wait_for(waiting_b, WAIT)
    assert coach_a.seen == [["first"]]
    assert coach_b.seen == [["first", "a"]]
    assert await _presses(session_factory) == (["first", "a", "b"], 3)
