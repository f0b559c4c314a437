"""Collects what one event does: the next state, the effects and the outbox, built up step by step.

Flows call small methods here (say, keyboard, start a timer) instead of
juggling lists, so that the rules that must always hold live in one place:
a new keyboard gets a new screen number (older buttons become stale), and a
new timer always replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

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
from bot.coach.state import IDLE, ChatState, Flow, InRoutine, Progress, Timer
from bot.content import Area, Catalog, Content, Position
from bot.reminders.zones import ZoneBook

# (button label key, what the button means) — labels are looked up in the catalog.
ButtonSpec = tuple[str, CallbackData]


@dataclass(frozen=True, slots=True)
class Result:
    """One event's outcome: the next state, the database work and what to send, in order."""

    state: ChatState
    effects: tuple[Effect, ...] = ()
    outbox: tuple[Outgoing, ...] = ()


@dataclass(eq=False, slots=True)
class Turn:
    """One event's worth of changes; `result()` hands them back as plain data."""

    state: ChatState
    _: KW_ONLY
    content: Content
    catalog: Catalog
    now: datetime
    time_scale: float
    checkin_after: timedelta
    zones: ZoneBook
    profile: Profile = NO_PROFILE
    effects: list[Effect] = field(default_factory=list, init=False)
    outbox: list[Outgoing] = field(default_factory=list, init=False)
    # Whether a keyboard of this turn took a new screen number (see `keyboard`).
    _fresh_used: bool = field(default=False, init=False)

    # -- state -----------------------------------------------------------------------------
    def go(self, flow: Flow) -> None:
        """Move the chat into `flow` (whatever the previous flow kept is left behind)."""
        self.state = replace(self.state, flow=flow)

    def set_progress(self, progress: Progress) -> None:
        """Change the routine in progress; what it asks stays (a step, unless it was in one)."""
        flow = self.state.flow
        asking = flow.asking if isinstance(flow, InRoutine) else "step"
        self.go(InRoutine(progress, asking))

    def abandon(self, outcome: str) -> None:
        """End whatever runs (a routine, a pending follow-up or check-in), keeping a record of a
        routine with `outcome`; any other flow's question stays where it is."""
        self.cancel_timer()
        progress = self.state.progress
        if progress is not None:
            self.log_episode(progress, outcome)
            self.go(IDLE)

    def stop(self, outcome: str = "stopped") -> None:
        """End whatever runs, and whatever was half chosen with it: the chat is idle."""
        self.abandon(outcome)
        self.go(IDLE)

    def in_the_way(self) -> bool:
        """Whether a routine is running, so an old offer's button (a reminder, the diary, the
        safety questions) must not end it; if so, the press is answered with a note saying so."""
        if self.state.progress is None:
            return False
        self.notify(self.text("reminder.after_routine"))
        return True

    def end_routine(self) -> None:
        if self.state.progress is not None:
            self.go(IDLE)

    def met(self) -> None:
        """The person has seen the welcome: next time it is a welcome back."""
        self.state = replace(self.state, known=True)

    def remember_routine(self, area: Area | None, position: Position) -> None:
        """The last relief routine, for "it's back" and "/routine: repeat"."""
        self.state = replace(self.state, last_area=area, last_position=position)

    @property
    def progress(self) -> Progress:
        progress = self.state.progress
        if progress is None:  # a flow asked for progress where the phase promised one
            raise RuntimeError("no routine in progress")
        return progress

    # -- text ------------------------------------------------------------------------------
    def speak(self, language: str) -> None:
        """Say the rest of this turn in `language` (just chosen with /language)."""
        self.content = self.content.localized(language)
        self.catalog = self.content.catalog(self.content.language)

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
                    self.catalog.button(label, **data.label_values(self)),
                    data.pack(screen),
                )
                for label, data in row
            )
            for row in rows
        )

    # -- timers ----------------------------------------------------------------------------
    def start_timer(self, seconds: float, kind: Literal["step", "checkin"]) -> float:
        """Replace any pending timer with one due in `seconds` (already scaled); returns them."""
        self.cancel_timer()
        seq = self.state.timer_seq + 1
        token = f"t{seq}"
        due_at = self.now + timedelta(seconds=seconds)
        timer = Timer(token=token, due_at=due_at, kind=kind)
        self.state = replace(self.state, timer_seq=seq, timer=timer)
        self.outbox.append(StartTimer(token=token, due_at=due_at))
        return seconds

    def cancel_timer(self) -> None:
        if self.state.timer is not None:
            self.outbox.append(CancelTimer(self.state.timer.token))
            self.fired()

    def fired(self) -> None:
        """The pending timer is gone (it fired, or was cancelled): nothing left to cancel."""
        self.state = replace(self.state, timer=None)

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
            state = replace(state, screen=state.screen + 1)
        return Result(state=state, effects=tuple(self.effects), outbox=tuple(self.outbox))
