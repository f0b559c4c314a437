"""Collects what one event does: the next state, the effects and the outbox, built up step by step.

Flows call small methods here (say, keyboard, start a timer) instead of
juggling lists, so that the rules that must always hold live in one place:
a new keyboard gets a new screen number (older buttons become stale), and a
new timer always replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.coach.callbacks import CallbackData
from bot.coach.effects import Effect, LogEpisode
from bot.coach.outbox import (
    Button,
    CancelTimer,
    DiaryPicture,
    Keyboard,
    Notify,
    Outgoing,
    Say,
    StartTimer,
)
from bot.coach.profile import NO_PROFILE, Profile
from bot.coach.state import ChatState, Progress, Timer
from bot.content import Catalog, Content

# (button label key, what the button means) — labels are looked up in the catalog.
ButtonSpec = tuple[str, CallbackData]


@dataclass(frozen=True, slots=True)
class Result:
    """One event's outcome: the next state, the database work and what to send, in order."""

    state: ChatState
    effects: tuple[Effect, ...] = ()
    outbox: tuple[Outgoing, ...] = ()


class Turn:
    """One event's worth of changes; `result()` hands them back as plain data."""

    __slots__ = (
        "_fresh_used",
        "catalog",
        "checkin_after",
        "content",
        "effects",
        "now",
        "outbox",
        "profile",
        "state",
        "time_scale",
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
        profile: Profile = NO_PROFILE,
    ) -> None:
        self.state = state
        self.profile = profile
        self.checkin_after = checkin_after
        self.content = content
        self.catalog = catalog
        self.now = now
        self.time_scale = time_scale
        self.effects: list[Effect] = []
        self.outbox: list[Outgoing] = []
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
        self.outbox.append(
            Say(
                text,
                buttons,
                silent=silent,
                location_button=location_button,
                remove_keyboard=remove_keyboard,
                picture=picture,
            )
        )

    def effect(self, effect: Effect) -> None:
        """Ask the service for a change outside the chat state (the reminder, the time zone)."""
        self.effects.append(effect)

    def notify(self, text: str) -> None:
        self.outbox.append(Notify(text))

    def picture(self, picture: DiaryPicture) -> None:
        """Send a diary picture; the service draws it after the commit."""
        self.outbox.append(picture)

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
                    self.catalog.button(label, **data.label_values(self.catalog, self.now)),
                    data.pack(screen),
                )
                for label, data in row
            )
            for row in rows
        )

    # -- timers ----------------------------------------------------------------------------
    def start_timer(self, seconds: float, kind: str) -> float:
        """Replace any pending timer with one due in `seconds` (already scaled); returns them."""
        self.cancel_timer()
        seq = self.state.timer_seq + 1
        token = f"t{seq}"
        due_at = self.now + timedelta(seconds=seconds)
        self.update(timer_seq=seq, timer=Timer(token=token, due_at=due_at, kind=kind))
        self.outbox.append(StartTimer(token=token, due_at=due_at))
        return seconds

    def cancel_timer(self) -> None:
        if self.state.timer is not None:
            self.outbox.append(CancelTimer(self.state.timer.token))
            self.update(timer=None)

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale

    # -- records ---------------------------------------------------------------------------
    def log_episode(self, progress: Progress, outcome: str) -> None:
        self.effects.append(
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
        return Result(state=state, effects=tuple(self.effects), outbox=tuple(self.outbox))
