"""The terminal adapter carries a whole routine, with timers firing while it waits for input."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.coach import Coach
from bot.content import Content, load_content
from bot.service import ChatService
from bot.storage import episodes_for, make_engine, make_sessionmaker, upgrade_database
from bot.terminal import TERMINAL_CHAT_ID, TerminalChat, render_html
from tests.auxil.clock import ShiftedClock
from tests.auxil.zones import zone_book

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(ROOT / "content")


class Keyboard:
    """Lines typed by a test, handed to the chat as an async iterator."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()

    def type(self, line: str) -> None:
        self.queue.put_nowait(line + "\n")

    def close(self) -> None:
        self.queue.put_nowait(None)

    async def lines(self) -> AsyncIterator[str]:
        while (line := await self.queue.get()) is not None:
            yield line


async def wait_for(out: io.StringIO, text: str, *, after: int = 0, within: float = 5.0) -> int:
    """Wait until `text` is printed after position `after`; return where it ends."""
    deadline = asyncio.get_running_loop().time() + within
    while (found := out.getvalue().find(text, after)) < 0:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{text!r} never appeared; output was:\n{out.getvalue()[after:]}")
        await asyncio.sleep(0.01)
    return found + len(text)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated SQLite file, the way `crampcoach chat` opens one."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite3'}"
    await asyncio.to_thread(upgrade_database, url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@dataclass
class OpenChat:
    out: io.StringIO
    keys: Keyboard
    task: asyncio.Task[None]

    async def ended(self) -> None:
        await asyncio.wait_for(self.task, 5)


def open_chat(
    engine: AsyncEngine, coach: Coach, clock: Callable[[], datetime] | None = None
) -> OpenChat:
    """Start a terminal chat on `engine`: what it prints goes to `out`, lines come from `keys`."""
    out, keys = io.StringIO(), Keyboard()
    service = ChatService(coach, make_sessionmaker(engine), **({"clock": clock} if clock else {}))
    chat = TerminalChat(service, coach.content, out, color=False, reminder_tick=0.05)
    return OpenChat(out, keys, asyncio.create_task(chat.run(keys.lines())))


def _number_before(view: str, end: int) -> str:
    """The number of the choice whose label ends at `end` ("[5] Next ▶" -> "5")."""
    return view[view.rindex("[", 0, end) + 1 : view.rindex("]", 0, end)]


def test_render_html_strips_or_styles_tags() -> None:
    assert render_html("<b>Step 1</b> &amp; <i>hold</i>", color=False) == "Step 1 & hold"
    assert render_html("<b>x</b>", color=True) == "\x1b[1mx\x1b[0m"


async def test_whole_routine_with_timers(content: Content, engine: AsyncEngine) -> None:
    coach = Coach(content, zones=zone_book(), time_scale=0.005, checkin_after=timedelta(seconds=20))
    chat = open_chat(engine, coach)
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "[3] Calf")
    keys.type("3")
    pos = await wait_for(out, "[2] Sitting", after=pos)
    keys.type("2")
    # One message: the exercise's name, the warning line, then the first instruction.
    pos = await wait_for(out, "1 of 3 · Calf stretch, towel or hand\n⚠️ One leg swollen", after=pos)
    pos = await wait_for(out, "Step 1 of 3\nKeep the cramping leg out straight.", after=pos)
    # The first step has a hold: the next one arrives by itself, with no input.
    pos = await wait_for(out, "Step 2 of", after=pos)
    exercises_done = 0
    while exercises_done < 3:
        view = out.getvalue()
        if view.find("How is the cramp now?", pos) >= 0:
            pos = await wait_for(out, "[2] Better", after=pos)
            keys.type("2")
            exercises_done += 1
            if exercises_done == 3:
                break
            pos = await wait_for(out, f"{exercises_done + 1} of 3 · ", after=pos)
        elif (manual := view.find("Tap Next when you're ready.", pos)) >= 0:
            pos = await wait_for(out, "] Next ▶", after=manual)
            keys.type(_number_before(out.getvalue(), pos))
        else:
            await asyncio.sleep(0.01)
    pos = await wait_for(out, "it's easing off", after=pos)
    pos = await wait_for(out, "[1] No need to check in\n[2] 🛡 Answer 5 safety questions", after=pos)
    pos = await wait_for(out, "is the cramp still gone?", after=pos)
    keys.type("1")
    pos = await wait_for(out, "Glad to hear it", after=pos)
    keys.type("/quit")
    await chat.ended()
    async with make_sessionmaker(engine)() as session:
        episodes = await episodes_for(session, TERMINAL_CHAT_ID)
    assert [(e.area, e.position, e.outcome) for e in episodes] == [("calf", "sitting", "better")]
    assert len(episodes[0].exercises) == 3


async def test_bad_choice_number_is_explained(content: Content, engine: AsyncEngine) -> None:
    chat = open_chat(engine, Coach(content, zones=zone_book()))
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "[5] No cramp now")
    keys.type("9")
    pos = await wait_for(out, "Pick 1 to 5", after=pos)
    keys.type("my calf")
    await wait_for(out, "Where are you right now?", after=pos)
    keys.close()
    await chat.ended()
    assert "Bye for now" in out.getvalue()


async def test_a_restart_picks_the_routine_up_again(content: Content, engine: AsyncEngine) -> None:
    # the first hold (30 s) becomes 0.6 s
    coach = Coach(content, zones=zone_book(), time_scale=0.02)
    first = open_chat(engine, coach)
    pos = await wait_for(first.out, "[3] Calf")
    first.keys.type("calf in bed")
    await wait_for(first.out, "Step 1 of", after=pos)
    first.keys.type("/quit")
    await first.ended()
    assert "Step 2 of" not in first.out.getvalue()

    again = open_chat(engine, coach)
    pos = await wait_for(again.out, "Here's where we were:")
    pos = await wait_for(again.out, "Step 1 of", after=pos)
    # The hold that was pending when we quit still ends by itself.
    await wait_for(again.out, "Step 2 of", after=pos)
    assert "What's cramping?" not in again.out.getvalue()
    again.keys.close()
    await again.ended()


async def test_numbers_on_screen_are_never_reused_within_one_reply(
    content: Content, engine: AsyncEngine
) -> None:
    chat = open_chat(engine, Coach(content, zones=zone_book()))
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "[3] Calf")
    keys.type("calf, sitting")
    # The first step is one message with all six buttons, each number once.
    menu = "\n".join(
        [
            "[1] Next ▶   [2] Pause",
            "[3] Skip exercise   [4] Stop",
            "[5] ⚠️ Warning signs   [6] Why this?",
        ]
    )
    pos = await wait_for(out, menu, after=pos)
    assert out.getvalue().count("[6]") == 1
    # Replies without buttons leave the numbers on screen meaning what they meant.
    keys.type("6")
    pos = await wait_for(out, "Where this comes from:", after=pos)
    keys.type("5")
    pos = await wait_for(out, "(Here are the warning signs. Your routine carries on.)", after=pos)
    pos = await wait_for(out, "Call an ambulance now if", after=pos)
    keys.type("1")
    await wait_for(out, "Step 2 of", after=pos)
    keys.close()
    await chat.ended()


async def test_a_bedtime_reminder_set_in_the_terminal_arrives_there(
    content: Content, engine: AsyncEngine
) -> None:
    clock = ShiftedClock()
    clock.jump_to(datetime(2026, 5, 7, 19, 20, tzinfo=UTC))  # 21:20 in Berlin
    chat = open_chat(engine, Coach(content, zones=zone_book()), clock)
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "What's cramping?")
    keys.type("/timezone Berlin")
    pos = await wait_for(out, "Time zone set: Europe/Berlin (it's 21:20 there now).", after=pos)
    keys.type("/reminder 21:30")
    pos = await wait_for(out, "Next reminder: tonight at 21:30.", after=pos)
    pos = await wait_for(out, "[1] 🛡 Answer 5 safety questions   [2] Not now", after=pos)
    await asyncio.sleep(0.2)
    assert "bedtime stretch." not in out.getvalue()[pos:]  # not before its minute

    clock.jump_to(datetime(2026, 5, 7, 19, 29, 59, tzinfo=UTC))
    pos = await wait_for(out, "Time for your bedtime stretch.", after=pos)
    pos = await wait_for(out, "[1] Start now ▶\n[2] Snooze 30 min   [3] Skip tonight", after=pos)
    keys.type("2")
    pos = await wait_for(out, "I'll remind you again at 22:00.", after=pos)
    clock.jump_to(datetime(2026, 5, 7, 19, 59, 59, tzinfo=UTC))
    pos = await wait_for(out, "Here's your bedtime stretch again.", after=pos)
    keys.type("1")
    await wait_for(out, "Where will you do the stretches?", after=pos)
    keys.type("/quit")
    await chat.ended()
    assert out.getvalue().count("Time for your bedtime stretch") == 1


async def test_export_in_the_terminal_saves_the_file(
    content: Content, engine: AsyncEngine, tmp_path: Path
) -> None:
    out, keys = io.StringIO(), Keyboard()
    service = ChatService(Coach(content, zones=zone_book()), make_sessionmaker(engine))
    chat = TerminalChat(service, content, out, color=False, files_dir=tmp_path / "files")
    task = asyncio.create_task(chat.run(keys.lines()))
    pos = await wait_for(out, "What's cramping?")
    keys.type("/export")
    pos = await wait_for(out, "(The bot sent a file, saved as ", after=pos)
    [saved] = (tmp_path / "files").glob("crampcoach-data-*.json")
    assert str(saved) in out.getvalue()[pos:]
    assert '"users"' in saved.read_text(encoding="utf-8")
    keys.type("/quit")
    await asyncio.wait_for(task, 5)


async def test_the_terminal_shows_the_pictures_path(
    content: Content, engine: AsyncEngine, tmp_path: Path
) -> None:
    picture = tmp_path / "calf.png"
    picture.write_bytes(b"\x89PNG")
    pictured = replace(content, media=dict.fromkeys(content.exercises, picture))
    chat = open_chat(engine, Coach(pictured, zones=zone_book()))
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "[3] Calf")
    keys.type("3")
    pos = await wait_for(out, "[2] Sitting", after=pos)
    keys.type("2")
    pos = await wait_for(out, f"[picture: {picture}]", after=pos)
    await wait_for(out, "Step 1 of", after=pos)
    keys.type("/quit")
    await chat.ended()


async def test_a_rating_is_typed_as_its_number(content: Content, engine: AsyncEngine) -> None:
    chat = open_chat(engine, Coach(content, zones=zone_book()))
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "What's cramping?")
    keys.type("I had a calf cramp last night")
    pos = await wait_for(out, "[4] Just now", after=pos)
    keys.type("4")
    pos = await wait_for(out, "[0]   [1]   [2]", after=pos)
    keys.type("8")
    await wait_for(out, "Logged: Calf, just now, 8/10.", after=pos)
    keys.type("/quit")
    await chat.ended()


async def test_the_terminals_own_lines_follow_a_language_choice(
    content: Content, engine: AsyncEngine
) -> None:
    chat = open_chat(engine, Coach(content, zones=zone_book()))
    out, keys = chat.out, chat.keys
    pos = await wait_for(out, "[5] No cramp now")
    keys.type("/language")
    name = content.language_name("de")
    end = await wait_for(out, f"] {name}", after=pos)
    keys.type(_number_before(out.getvalue(), end))
    german = content.localized("de").catalog("de")
    await wait_for(out, german.text("language.chosen"), after=end)
    keys.close()
    await chat.ended()
    assert german.text("terminal.bye") in out.getvalue()
    assert content.catalog("en").text("terminal.bye") not in out.getvalue()
