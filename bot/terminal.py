"""`crampcoach chat`: the same conversation in a terminal, with no token and no network.

It is a second, honest client of the coach: the same service, the same
database, the same timers (they fire on their own while you sit at the
prompt), and the same reminder dispatcher, limited to the terminal's own
reminder. Buttons become numbered choices; type the number or just type.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.coach import (
    Attach,
    ButtonPress,
    CancelTimer,
    Command,
    Event,
    Keyboard,
    Notify,
    Reopened,
    Result,
    Say,
    StartTimer,
    Text,
    TimerFired,
)
from bot.coach.flows.reminder_night import reminder_messages
from bot.content import Content
from bot.reminders.dispatcher import Delivery, Outcome, ReminderDispatcher, ReminderJob
from bot.service import ChatService

# Telegram chat and user ids are never 0, so the terminal can share the bot's database safely.
TERMINAL_CHAT_ID = 0
TERMINAL_USER_ID = 0
PROMPT = "> "
QUIT_WORDS = frozenset({"/quit", "/exit", "/q"})
_TAG = re.compile(r"</?(b|i)>")


def render_html(text: str, *, color: bool) -> str:
    """Telegram HTML to terminal text: bold and italics become ANSI styles (or nothing)."""
    if color:
        styles = {"<b>": "\x1b[1m", "</b>": "\x1b[0m", "<i>": "\x1b[3m", "</i>": "\x1b[0m"}
        text = _TAG.sub(lambda m: styles[m.group(0)], text)
    else:
        text = _TAG.sub("", text)
    return html.unescape(text)


class TerminalChat:
    """Reads lines, runs them through the service, prints replies; timers fire in between."""

    def __init__(
        self,
        service: ChatService,
        content: Content,
        out: TextIO,
        *,
        color: bool,
        prompt: str | None = None,
        reminder_tick: float = 20.0,
        reminder_grace: timedelta = timedelta(minutes=30),
        files_dir: Path | None = None,
    ) -> None:
        self.service = service
        self.content = content
        self.catalog = content.catalog(None)
        self.reminder_tick = reminder_tick
        # Files the bot sends (an /export) are saved here, and their path is shown.
        self.files_dir = files_dir
        self.dispatcher = ReminderDispatcher(
            service.sessions,
            self._show_reminder,
            grace=reminder_grace,
            scope="terminal",
            clock=service.now,
        )
        self.out = out
        self.color = color
        # With a prompt on screen, a timer's message first clears it, then shows it again.
        self.prompt = prompt
        self._choices: list[str] = []
        # Buttons labelled with a number (a 0-10 rating) are typed as that number, not an index.
        self._by_label: dict[str, str] = {}
        self._timer: tuple[str, asyncio.TimerHandle] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, lines: AsyncIterator[str]) -> None:
        self._print(render_html(self.catalog.text("terminal.banner"), color=self.color))
        for chat_id, token, due_at in await self.service.pending_timers():
            if chat_id == TERMINAL_CHAT_ID:
                self._arm(token, due_at)
        await self._send(Reopened())
        clock = asyncio.create_task(self._reminder_clock())
        try:
            async for raw in lines:
                line = raw.strip()
                if not line:
                    continue
                if line.lower() in QUIT_WORDS:
                    break
                event = self._event(line)
                if event is not None:
                    await self._send(event)
        finally:
            clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await clock
        self._print(self.catalog.text("terminal.bye"))
        if self._timer is not None:
            self._timer[1].cancel()
        for task in list(self._tasks):
            await task

    async def _reminder_clock(self) -> None:
        """The terminal's own reminder clock: the terminal user's bedtime reminder arrives here."""
        while True:
            await self.dispatcher.tick()
            await asyncio.sleep(self.reminder_tick)

    async def _show_reminder(self, job: ReminderJob) -> Delivery:
        messages = reminder_messages(
            self.content,
            language=job.language,
            night=job.local_date,
            snoozed=job.snoozed,
            ask_helping=job.ask_helping,
            kind=job.kind,
        )
        self._choices = []
        for say in messages:
            self._print(render_html(say.text, color=self.color))
            self._show_choices(say.buttons)
        if self.prompt:
            self.out.write(self.prompt)
            self.out.flush()
        return Delivery(Outcome.SENT)

    def _event(self, line: str) -> Event | None:
        if line in self._by_label:
            return ButtonPress(self._by_label[line])
        if line.isdigit():
            number = int(line)
            if 1 <= number <= len(self._choices):
                return ButtonPress(self._choices[number - 1])
            self._print(self.catalog.text("terminal.bad_choice", count=len(self._choices)))
            return None
        if line.startswith("/"):
            word, _, args = line[1:].partition(" ")
            return Command(word.split("@")[0].lower(), args.strip())
        return Text(line)

    async def _send(self, event: Event) -> None:
        await self.service.handle(
            TERMINAL_CHAT_ID, event, user_id=TERMINAL_USER_ID, deliver=self._deliver
        )

    async def _deliver(self, result: Result) -> None:
        # Buttons of one reply are numbered on from each other (a reply can carry more than one
        # keyboard, e.g. a reminder's answer and then the safety offer), so every number on
        # screen means one thing.
        if any(isinstance(action, Say) and action.buttons for action in result.outbox):
            self._choices = []
        for action in result.outbox:
            if isinstance(action, CancelTimer) and self._timer and self._timer[0] == action.token:
                self._timer[1].cancel()
                self._timer = None
            elif isinstance(action, StartTimer):
                self._arm(action.token, action.due_at)
            elif isinstance(action, Notify):
                self._print(f"({render_html(action.text, color=False)})")
            elif isinstance(action, Say):
                if action.picture:
                    self._print(self.catalog.text("terminal.picture", path=_shown(action.picture)))
                self._print(render_html(action.text, color=self.color))
                if action.buttons:
                    self._show_choices(action.buttons)
                if action.location_button:
                    self._print(render_html(self.catalog.text("terminal.location"), color=False))
            elif isinstance(action, Attach):
                self._print(self._save(action))

    def _save(self, attach: Attach) -> str:
        if self.files_dir is None:
            return self.catalog.text("terminal.file", name=attach.filename, size=len(attach.data))
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / attach.filename
        path.write_bytes(attach.data)
        return self.catalog.text("terminal.file_saved", path=str(path), size=len(attach.data))

    def _show_choices(self, keyboard: Keyboard) -> None:
        buttons = [button for row in keyboard for button in row]
        if all(button.label.isdigit() for button in buttons):
            self._by_label = {button.label: button.data for button in buttons}
            self._print("   ".join(f"[{button.label}]" for button in buttons))
            return
        self._by_label = {}
        number = len(self._choices)
        self._choices.extend(button.data for row in keyboard for button in row)
        lines = []
        for row in keyboard:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.label}")
            lines.append("   ".join(cells))
        self._print("\n".join(lines))

    def _arm(self, token: str, due_at: datetime) -> None:
        if self._timer is not None:
            self._timer[1].cancel()
        loop = asyncio.get_running_loop()
        delay = max(0.0, (due_at - self.service.now()).total_seconds())
        handle = loop.call_later(delay, self._fire, token)
        self._timer = (token, handle)

    def _fire(self, token: str) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._timer_fired(token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _timer_fired(self, token: str) -> None:
        await self._send(TimerFired(token))
        if self.prompt:
            self.out.write(self.prompt)
            self.out.flush()

    def _print(self, text: str) -> None:
        if self.prompt:
            self.out.write("\r\x1b[K")
        self.out.write(text + "\n\n")
        self.out.flush()


def _shown(path: str) -> str:
    """A path to paste: relative to where the chat was started, when it is below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


async def stdin_lines(
    stream: TextIO = sys.stdin, prompt: str | None = PROMPT
) -> AsyncIterator[str]:
    """Lines typed at the prompt; reading happens in a thread so timers keep firing meanwhile."""
    while True:
        if prompt:
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        yield line
