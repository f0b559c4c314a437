"""Collects what one event does: the next state and the actions, built up step by step.

Flows call small methods here (say, keyboard, start a timer) instead of
juggling lists, so that the rules that must always hold live in one place:
a new keyboard gets a new screen number (older buttons become stale), and a
new timer always replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import formats
from bot.coach import callbacks
from bot.coach.actions import (
    Action,
    Button,
    CancelTimer,
    Keyboard,
    LogEpisode,
    Notify,
    Say,
    StartTimer,
)
from bot.coach.profile import NO_PROFILE, Profile
from bot.coach.state import ChatState, Progress, Timer
from bot.content import Catalog, Content
from bot.reminders.zones import ZoneBook

# (button label key, verb, argument) — labels are looked up in the catalog.
ButtonSpec = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Result:
    state: ChatState
    actions: tuple[Action, ...]


class Turn:
    """One event's worth of changes; `result()` hands them back as plain data."""

    __slots__ = (
        "_fresh_used",
        "actions",
        "catalog",
        "checkin_after",
        "content",
        "now",
        "profile",
        "state",
        "time_scale",
        "zones",
    )

    def __init__(
        self,
        state: ChatState,
        *,
        content: Content,
        catalog: Catalog,
        now: datetime,
        time_scale: float,
        checkin_after: timedelta,
        zones: ZoneBook,
        profile: Profile = NO_PROFILE,
    ) -> None:
        self.state = state
        self.profile = profile
        self.checkin_after = checkin_after
        self.content = content
        self.catalog = catalog
        self.now = now
        self.time_scale = time_scale
        self.zones = zones
        self.actions: list[Action] = []
        self._fresh_used = False

    # -- state -----------------------------------------------------------------------------
    def update(self, **changes: Any) -> None:
        self.state = self.state.with_(**changes)

    def set_progress(self, progress: Progress | None, **changes: Any) -> None:
        self.update(progress=progress, **changes)

    def drop_drafts(self) -> None:
        """Forget what was half chosen: the way into a routine, a reminder being set up, the
        safety question on screen (for /cancel, and when a warning sign ends everything)."""
        self.update(
            choice_mode=None,
            choice_area=None,
            draft_purpose=None,
            draft_time=None,
            draft_days=None,
            safety_question=None,
        )

    @property
    def progress(self) -> Progress:
        progress = self.state.progress
        if progress is None:  # a flow asked for progress where the phase promised one
            raise RuntimeError("no routine in progress")
        return progress

    # -- text ------------------------------------------------------------------------------
    def text(self, key: str, /, **values: object) -> str:
        return self.catalog.text(key, **values)

    def safety(self, key: str) -> str:
        return self.content.safety[key].text

    def say(
        self,
        *parts: str,
        buttons: Keyboard = (),
        silent: bool = False,
        location_button: str | None = None,
        remove_keyboard: bool = False,
        picture: str | None = None,
    ) -> None:
        if buttons and (location_button or remove_keyboard):
            raise ValueError("a message carries inline buttons or a reply keyboard, not both")
        text = "\n\n".join(p for p in parts if p)
        self.actions.append(
            Say(
                text,
                buttons,
                silent=silent,
                location_button=location_button,
                remove_keyboard=remove_keyboard,
                picture=picture,
            )
        )

    def act(self, action: Action) -> None:
        """Ask the adapter for a change outside the chat state (the reminder, the time zone)."""
        self.actions.append(action)

    def notify(self, text: str) -> None:
        self.actions.append(Notify(text))

    def keyboard(self, rows: Sequence[Sequence[ButtonSpec]], *, fresh: bool = True) -> Keyboard:
        """Buttons for a new message (fresh: older buttons become stale) or a repeat of the last."""
        if fresh:
            self._fresh_used = True
            screen = self.state.screen + 1
        else:
            screen = self.state.screen
        return tuple(
            tuple(
                Button(
                    self.catalog.button(label, **self._label_values(label, arg)),
                    callbacks.encode(screen, verb, arg),
                )
                for label, verb, arg in row
            )
            for row in rows
        )

    def _label_values(self, label: str, arg: str) -> dict[str, str]:
        """Values for labels that show their argument: an area, a time, a zone and its clock."""
        if label == "repeat_area":
            return {"area": self.catalog.text(f"area.{arg}")}
        if label == "time_choice":
            return {"time": formats.clock(time(int(arg[:2]), int(arg[2:])), self.catalog.language)}
        if label == "severity":
            return {"n": arg}
        if label == "zone_choice":
            clock = formats.clock(self.now.astimezone(ZoneInfo(arg)), self.catalog.language)
            return {"zone": arg.replace("_", " "), "now": clock}
        return {}

    # -- timers ----------------------------------------------------------------------------
    def start_timer(self, seconds: float, kind: str) -> float:
        """Replace any pending timer with one due in `seconds` (already scaled); returns them."""
        self.cancel_timer()
        seq = self.state.timer_seq + 1
        token = f"t{seq}"
        due_at = self.now + timedelta(seconds=seconds)
        self.update(timer_seq=seq, timer=Timer(token=token, due_at=due_at, kind=kind))
        self.actions.append(StartTimer(token=token, due_at=due_at))
        return seconds

    def cancel_timer(self) -> None:
        if self.state.timer is not None:
            self.actions.append(CancelTimer(self.state.timer.token))
            self.update(timer=None)

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale

    # -- records ---------------------------------------------------------------------------
    def log_episode(self, progress: Progress, outcome: str) -> None:
        self.actions.append(
            LogEpisode(
                kind=progress.mode,
                area=progress.area,
                position=progress.position,
                started_at=progress.started_at,
                ended_at=self.now,
                outcome=outcome,
                exercises=progress.outcomes,
            )
        )

    def result(self) -> Result:
        state = self.state
        if self._fresh_used:
            state = state.with_(screen=state.screen + 1)
        return Result(state=state, actions=tuple(self.actions))
