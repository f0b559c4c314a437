"""`crampcoach chat`: the same conversation in a terminal, with no token and no network.

It is a second, honest transport of the runtime (`bot/runtime/`): the same
service, the same database, the same timers (they fire on their own while you
sit at the prompt), and the same reminder clock, limited to the terminal's own
reminder. Buttons become numbered choices; type the number or just type.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.coach import (
    Attach,
    ButtonPress,
    Command,
    Event,
    Keyboard,
    Reopened,
    Text,
)
from bot.content import Content
from bot.runtime import SENT, TERMINAL_CHAT_ID, Delivery, Fire, Lane, Message, Runtime
from bot.service import ChatService

__all__ = ["TERMINAL_CHAT_ID", "TERMINAL_USER_ID", "TerminalChat", "render_html", "stdin_lines"]

# Like the chat id (`bot.runtime.TERMINAL_CHAT_ID`): never a Telegram user's id.
TERMINAL_USER_ID = TERMINAL_CHAT_ID
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
    """The terminal as the runtime's transport: reads lines, prints replies; timers fire between."""

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
        language: str | None = None,
    ) -> None:
        self.content = content
        # What a Telegram app's language_code would say (`crampcoach chat --language es`): the
        # coach picks its language from it unless the person chose one with /language.
        self.language = language
        self.catalog = content.catalog(language)
        # Files the bot sends (an /export) are saved here, and their path is shown.
        self.files_dir = files_dir
        # The terminal's own timers and reminders only: it may share the bot's database.
        self.runtime: Runtime[ButtonPress] = Runtime(
            service,
            self,
            reminder_tick=reminder_tick,
            reminder_grace=reminder_grace,
            scope="terminal",
        )
        self.out = out
        self.color = color
        # With a prompt on screen, a timer's message first clears it, then shows it again.
        self.prompt = prompt
        self._choices: list[str] = []
        # Buttons labelled with a number (a 0-10 rating) are typed as that number, not an index.
        self._by_label: dict[str, str] = {}
        # A new reply began: its first buttons number afresh; the ones after it number on.
        self._fresh = True
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, lines: AsyncIterator[str]) -> None:
        self._print(render_html(self.catalog.text("terminal.banner"), color=self.color))
        await self.runtime.start()
        try:
            await self._send(Reopened())
            self.runtime.start_clock()
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
            await self.runtime.stop()
        self._print(self.catalog.text("terminal.bye"))
        for task in list(self._tasks):
            await task
        await self.runtime.stop()  # what a follow-up still running at the end armed

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
        press = event if isinstance(event, ButtonPress) else None
        await self.runtime.handle(
            TERMINAL_CHAT_ID, event, user_id=TERMINAL_USER_ID, press=press, language=self.language
        )

    # -- the transport -----------------------------------------------------------------------
    async def send(self, chat_id: int, message: Message, lane: Lane) -> Delivery:
        if isinstance(message, Attach):
            self._print(self._save(message))
        else:
            if message.picture:
                self._print(self.catalog.text("terminal.picture", path=_shown(message.picture)))
            self._print(render_html(message.text, color=self.color))
            if message.buttons:
                self._show_choices(message.buttons)
            if message.location_button:
                self._print(render_html(self.catalog.text("terminal.location"), color=False))
        if lane is Lane.BROADCAST:  # a reminder arrived while you sat at the prompt
            self._reprompt()
        return SENT

    async def answer(self, chat_id: int, press: ButtonPress | None, note: str | None) -> None:
        self._fresh = True
        if note:
            self._print(f"({render_html(note, color=False)})")

    def arm(self, chat_id: int, delay: float, fire: Fire) -> asyncio.TimerHandle:
        return asyncio.get_running_loop().call_later(delay, self._fire, fire)

    def _fire(self, fire: Fire) -> None:
        task = asyncio.get_running_loop().create_task(self._timer_fired(fire))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _timer_fired(self, fire: Fire) -> None:
        await fire()
        self._reprompt()

    # -- printing ----------------------------------------------------------------------------
    def _save(self, attach: Attach) -> str:
        if self.files_dir is None:
            return self.catalog.text("terminal.file", name=attach.filename, size=len(attach.data))
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / attach.filename
        path.write_bytes(attach.data)
        return self.catalog.text("terminal.file_saved", path=str(path), size=len(attach.data))

    def _show_choices(self, keyboard: Keyboard) -> None:
        # Buttons of one reply are numbered on from each other (a reply can carry more than one
        # keyboard, e.g. a reminder's answer and then the safety offer), so every number on
        # screen means one thing; a reply without buttons leaves the numbers as they were.
        if self._fresh:
            self._choices = []
            self._fresh = False
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

    def _reprompt(self) -> None:
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
