"""The whole conversation state of one chat, as an immutable value.

It is stored as one JSON document per chat, so a restart (or a second bot
process) picks up exactly where the last event left it. `to_dict`/`from_dict`
are the only (de)serialisers; `SCHEMA` lets a later version read older rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from bot.content import AREAS, POSITIONS, SAFETY_QUESTIONS, Area, Mode, Position

SCHEMA = 1
log = logging.getLogger(__name__)


class Phase(StrEnum):
    IDLE = "idle"
    ASK_AREA = "ask_area"
    ASK_POSITION = "ask_position"
    ROUTINE_MENU = "routine_menu"
    STEP = "step"
    PAUSED = "paused"
    ASK_FEELING = "ask_feeling"
    CHECKIN = "checkin"
    # Setting up or changing the bedtime reminder.
    REMINDER_TIME = "reminder_time"
    REMINDER_DAYS = "reminder_days"
    REMINDER_ZONE = "reminder_zone"
    REMINDER_MORNING = "reminder_morning"
    # "Delete everything?" is on screen.
    CONFIRM_FORGET = "confirm_forget"
    # Logging a cramp that happened without the bot: which part, when, how bad.
    DIARY_AREA = "diary_area"
    DIARY_WHEN = "diary_when"
    DIARY_SEVERITY = "diary_severity"
    # "Would you like to try it standing?" during a routine (the only way to be asked to stand).
    ASK_STAND = "ask_stand"
    # One of the safety profile's five questions is on screen (which one: `safety_question`).
    SAFETY = "safety"


@dataclass(frozen=True, slots=True)
class Timer:
    token: str
    due_at: datetime
    kind: str  # "step" | "checkin"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where someone is inside a routine, and what they said after each exercise."""

    mode: Mode
    area: Area | None
    position: Position
    started_at: datetime
    plan: tuple[str, ...]
    spare: tuple[str, ...] = ()
    exercise: int = 0
    step: int = 0
    outcomes: tuple[tuple[str, str | None], ...] = ()
    paused_remaining: float | None = None
    # Offered as a question when the cramp stays the same (standing up), not yet asked.
    options: tuple[str, ...] = ()

    @property
    def exercise_id(self) -> str:
        return self.plan[self.exercise]


@dataclass(frozen=True, slots=True)
class ChatState:
    phase: Phase = Phase.IDLE
    screen: int = 0
    known: bool = False
    language: str | None = None
    timer_seq: int = 0
    # What was chosen so far on the way into a routine (before the position is known).
    choice_mode: Mode | None = None
    choice_area: Area | None = None
    # The last relief routine, for "check-in: it's back" and "/routine: repeat".
    last_area: Area | None = None
    last_position: Position | None = None
    progress: Progress | None = None
    timer: Timer | None = None
    # The reminder being set up: what was chosen so far, and what the questions are for
    # ("setup" asks everything; "time", "days", "zone" change just that one).
    draft_purpose: str | None = None
    draft_time: str | None = None  # "HH:MM"
    draft_days: int | None = None
    # Logging a cramp: "evening" | "night" | "morning" | "now" (the area is in choice_area).
    diary_when: str | None = None
    # The safety question on screen, while the phase is SAFETY.
    safety_question: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> ChatState:
        return replace(self, **changes)


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:  # `now` is always aware; a naive time could not be compared with it
        raise ValueError(f"naive datetime {value!r}")
    return parsed


def _required_dt(value: Any) -> datetime:
    parsed = _parse_dt(value)
    if parsed is None:
        raise ValueError("a required time is missing")
    return parsed


def _area(value: Any) -> Area | None:
    return cast(Area, value) if value in AREAS else None


def _position(value: Any) -> Position | None:
    return cast(Position, value) if value in POSITIONS else None


def _remaining(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 86_400:
        raise ValueError(f"paused_remaining {value!r} is not a number of seconds")
    return float(value)


DRAFT_PURPOSES = ("setup", "time", "days", "zone", "morning")


def _choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _draft_time(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    hours, _, minutes = value.partition(":")
    ok = hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60
    return value if ok and len(value) == 5 else None


def _draft_days(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 127
    return value if ok else None


# Phases that only make sense while a routine is in progress.
_ROUTINE_PHASES = frozenset({Phase.STEP, Phase.PAUSED, Phase.ASK_FEELING, Phase.ASK_STAND})


def to_dict(state: ChatState) -> dict[str, Any]:
    progress = state.progress
    timer = state.timer
    return {
        "schema": SCHEMA,
        "phase": state.phase.value,
        "screen": state.screen,
        "known": state.known,
        "language": state.language,
        "timer_seq": state.timer_seq,
        "choice_mode": state.choice_mode,
        "choice_area": state.choice_area,
        "last_area": state.last_area,
        "last_position": state.last_position,
        "progress": None
        if progress is None
        else {
            "mode": progress.mode,
            "area": progress.area,
            "position": progress.position,
            "started_at": _dt(progress.started_at),
            "plan": list(progress.plan),
            "spare": list(progress.spare),
            "exercise": progress.exercise,
            "step": progress.step,
            "outcomes": [list(item) for item in progress.outcomes],
            "paused_remaining": progress.paused_remaining,
            "options": list(progress.options),
        },
        "timer": None
        if timer is None
        else {"token": timer.token, "due_at": _dt(timer.due_at), "kind": timer.kind},
        "draft_purpose": state.draft_purpose,
        "draft_time": state.draft_time,
        "draft_days": state.draft_days,
        "diary_when": state.diary_when,
        "safety_question": state.safety_question,
        "extra": dict(state.extra),
    }


def from_dict(data: dict[str, Any] | None) -> ChatState:
    """Rebuild a state; a row we cannot read starts the chat afresh instead of failing it."""
    if not data:
        return ChatState()
    if not isinstance(data, dict):
        log.warning("Unreadable chat state (%s); starting the chat afresh", type(data).__name__)
        return ChatState()
    try:
        raw_progress = data.get("progress")
        progress = None
        if raw_progress:
            progress = Progress(
                mode=raw_progress["mode"],
                area=_area(raw_progress.get("area")),
                position=cast(Position, _position(raw_progress["position"])),
                started_at=_required_dt(raw_progress["started_at"]),
                plan=tuple(raw_progress["plan"]),
                spare=tuple(raw_progress.get("spare", ())),
                exercise=int(raw_progress.get("exercise", 0)),
                step=int(raw_progress.get("step", 0)),
                outcomes=tuple((str(a), b) for a, b in raw_progress.get("outcomes", ())),
                paused_remaining=_remaining(raw_progress.get("paused_remaining")),
                options=tuple(raw_progress.get("options", ())),
            )
            if progress.position is None or progress.mode not in ("relief", "prevention"):
                raise ValueError("progress without a valid position or mode")
            if not 0 <= progress.exercise < len(progress.plan) or progress.step < 0:
                raise ValueError("progress points outside its plan")
        raw_timer = data.get("timer")
        timer = None
        if raw_timer:
            timer = Timer(
                token=str(raw_timer["token"]),
                due_at=_required_dt(raw_timer["due_at"]),
                kind=str(raw_timer["kind"]),
            )
        choice_mode = data.get("choice_mode")
        phase = Phase(data.get("phase", "idle"))
        if progress is None and phase in _ROUTINE_PHASES:  # a step with no routine behind it
            phase = Phase.IDLE
        return ChatState(
            phase=phase,
            screen=int(data.get("screen", 0)),
            known=bool(data.get("known", False)),
            language=data.get("language") if isinstance(data.get("language"), str) else None,
            timer_seq=int(data.get("timer_seq", 0)),
            choice_mode=choice_mode if choice_mode in ("relief", "prevention") else None,
            choice_area=_area(data.get("choice_area")),
            last_area=_area(data.get("last_area")),
            last_position=_position(data.get("last_position")),
            progress=progress,
            timer=timer,
            draft_purpose=_choice(data.get("draft_purpose"), DRAFT_PURPOSES),
            draft_time=_draft_time(data.get("draft_time")),
            draft_days=_draft_days(data.get("draft_days")),
            diary_when=_choice(data.get("diary_when"), ("evening", "night", "morning", "now")),
            safety_question=_choice(data.get("safety_question"), SAFETY_QUESTIONS),
            extra=dict(data.get("extra") or {}),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        log.warning("Unreadable chat state (%s); starting the chat afresh", error)
        screen = data.get("screen")
        return ChatState(
            known=bool(data.get("known", False)),
            # Keep counting screens so buttons from before stay recognisably stale.
            screen=screen + 1 if isinstance(screen, int) else 0,
        )
