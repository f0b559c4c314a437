"""Simulated people for the update benchmarks: each walks a whole flow by pressing real buttons.

A user is driven only by what the bot sent (the stand-in's answers), never by knowing the
bot's internals, so the same users drive crampcoach and the echo bot. Their timing comes from
the stand-in's request listener: the moment the bot's first request for a chat arrives after a
user's update was made available is that update's reply time.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.botapi_standin import FakeBotApi, RecordedRequest

SENDS = frozenset({"sendMessage", "sendPhoto", "sendAnimation", "sendDocument"})
AREAS = ("Calf", "Foot / toes / arch", "Ankle", "Shin")
POSITIONS = ("In bed", "Sitting", "Standing")
# A crampcoach flow: /start, area, position, Next on every step, the feeling, the wrap-up.
FEELING = "Gone"
WRAP_UP = "No need to check in"
# The echo bot's flow has as many updates as crampcoach's calf flow: /start and seven presses.
ECHO_PRESSES = 7


@dataclass
class User:
    chat_id: int
    choices: tuple[str, ...]  # button labels this person presses, by preference
    last: str = ""  # label of the last button pressed
    presses: int = 0
    pushed_at: float | None = None  # when the current update was made available
    reacted: bool = True  # the bot already reacted to the current update
    move: tuple[int, str, str] | None = None  # (message id, data, label) of the next press
    said: str = ""  # what the message with that next press says (text or caption)
    flows: int = 0
    queued: bool = True  # in the crowd's ready queue

    @property
    def waiting(self) -> bool:
        return self.pushed_at is not None and not self.reacted


@dataclass
class Crowd:
    """Users, what they do next, and the reply times the stand-in reports."""

    api: FakeBotApi
    kind: str  # "crampcoach" | "echo" (whole flows with buttons) | "help" (/help, again and again)
    users: dict[int, User] = field(default_factory=dict)
    ready: deque[int] = field(default_factory=deque)
    latencies: list[float] = field(default_factory=list)
    handled: int = 0
    pushed: int = 0
    first_push: float | None = None
    last_reply: float | None = None
    on_ready: Callable[[User], None] | None = None
    _queries: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.api.listeners.append(self._seen)

    def add(self, count: int, first_chat: int = 1) -> None:
        for index in range(count):
            chat_id = first_chat + index
            choices = (
                AREAS[index % len(AREAS)],
                POSITIONS[(index // len(AREAS)) % len(POSITIONS)],
                "Next ▶",
                FEELING,
                WRAP_UP,
            )
            self.api.register_chat(chat_id, first_name=f"User{chat_id}")
            self.users[chat_id] = User(chat_id, choices)
            self.ready.append(chat_id)

    # -- sending ---------------------------------------------------------------------------
    def act(self, user: User) -> None:
        """Make the user's next update available: /start at the beginning of a flow, else the
        button press they have lined up."""
        user.queued = False
        now = time.monotonic()
        if self.first_push is None:
            self.first_push = now
        user.pushed_at = now
        user.reacted = False
        self.pushed += 1
        move, user.move = user.move, None
        if move is None:
            user.presses = 0
            user.last = "/help" if self.kind == "help" else "/start"
            self.api.push_text(user.chat_id, user.last, first_name=f"User{user.chat_id}")
            return
        message_id, data, label = move
        user.last = label
        user.presses += 1
        query = self.api.push_callback(user.chat_id, data, message_id=message_id)
        self._queries[query] = user.chat_id

    # -- what the bot did ------------------------------------------------------------------
    def _seen(self, record: RecordedRequest) -> None:
        if record.status != 200:
            return
        if record.method == "answerCallbackQuery":
            chat_id = self._queries.pop(str(record.params.get("callback_query_id")), None)
        elif record.method in SENDS:
            chat_id = _int(record.params.get("chat_id"))
        else:
            return
        user = self.users.get(chat_id) if chat_id is not None else None
        if user is None:
            return
        answered = False
        if user.waiting and user.pushed_at is not None:
            answered = user.reacted = True
            self.handled += 1
            self.latencies.append(record.time - user.pushed_at)
            self.last_reply = record.time
        if self.kind == "help":
            if answered:  # the answer came: ask again
                user.flows += 1
                self._ready(user)
            return
        if record.method == "answerCallbackQuery":
            if self._flow_over(user):
                user.flows += 1
                self._ready(user)
            return
        move = self._next_move(user, record.response.get("result") or {})
        if move is not None:
            user.move = move
            self._ready(user)

    def _flow_over(self, user: User) -> bool:
        if self.kind == "echo":
            return user.presses >= ECHO_PRESSES
        return user.last == WRAP_UP

    def _next_move(self, user: User, message: dict[str, Any]) -> tuple[int, str, str] | None:
        if self.kind == "echo" and user.presses >= ECHO_PRESSES:
            return None
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [button for row in rows for button in row if "callback_data" in button]
        for wanted in user.choices:
            for button in buttons:
                if button["text"].startswith(wanted):
                    user.said = str(message.get("text") or message.get("caption") or "")
                    return message["message_id"], button["callback_data"], wanted
        return None

    def _ready(self, user: User) -> None:
        if user.queued:
            return
        user.queued = True
        self.ready.append(user.chat_id)
        if self.on_ready is not None:
            self.on_ready(user)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def summary(latencies: Sequence[float]) -> dict[str, float]:
    from bench.support import percentile

    values = sorted(latencies)
    return {
        "p50_ms": percentile(values, 50) * 1000,
        "p95_ms": percentile(values, 95) * 1000,
        "p99_ms": percentile(values, 99) * 1000,
    }
