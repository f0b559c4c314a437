"""The whole conversation state of one chat, as an immutable value.

It is stored as one JSON document per chat, so a restart (or a second bot process) picks up
exactly where the last event left it. A few fields are shared by every flow (the screen
number, the pending timer, the last routine); the rest is ONE `flow` field, a tagged union:
each flow's own state, so no flow can leave scratch fields behind for another to trip over.

`to_dict`/`from_dict` are the only (de)serialisers, both pydantic (`TypeAdapter`). A row of an
older `SCHEMA` (schema 1 kept one flat document) is upgraded on read; a row we cannot read at
all starts the chat afresh, keeping `known` and counting the screens on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, TypeAdapter, ValidationError

from bot.content import Area, Mode, Position

SCHEMA = 2
log = logging.getLogger(__name__)


class Phase(StrEnum):
    """What the chat is asking right now: read from the flow, for routing and for tests."""

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
    # One of the safety profile's five questions is on screen.
    SAFETY = "safety"


def _seconds(value: Any) -> Any:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 86_400
    ):
        raise ValueError(f"{value!r} is not a number of seconds")
    return value


def _iso(value: Any) -> Any:
    """A moment is written as ISO 8601 text (a bare number is no time of ours)."""
    if not isinstance(value, str | datetime):
        raise ValueError(f"{value!r} is not a time")
    return value


# A moment with its offset: `now` is always aware, and a naive time could not be compared with it.
Moment = Annotated[AwareDatetime, BeforeValidator(_iso)]


def _hh_mm(value: Any) -> Any:
    """A reminder time being set up, as "HH:MM"; anything else is not one."""
    if value is None:
        return None
    hours, _, minutes = value.partition(":") if isinstance(value, str) else ("", "", "")
    ok = hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60
    if not (ok and len(value) == 5):
        raise ValueError(f"{value!r} is not a time")
    return value


def _days(value: Any) -> Any:
    ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    if not ok or (value is not None and not 1 <= value <= 127):
        raise ValueError(f"{value!r} is not a set of weekdays")
    return value


@dataclass(frozen=True, slots=True)
class Timer:
    token: str
    due_at: Moment
    kind: Literal["step", "checkin"]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where someone is inside a routine, and what they said after each exercise."""

    mode: Mode
    area: Area | None
    position: Position
    started_at: Moment
    plan: tuple[Annotated[str, BeforeValidator(str)], ...]
    spare: tuple[Annotated[str, BeforeValidator(str)], ...] = ()
    exercise: int = 0
    step: Annotated[int, Field(ge=0)] = 0
    outcomes: tuple[tuple[str, str | None], ...] = ()
    paused_remaining: Annotated[float | None, BeforeValidator(_seconds)] = None
    # Offered as a question when the cramp stays the same (standing up), not yet asked.
    options: tuple[Annotated[str, BeforeValidator(str)], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.exercise < len(self.plan):
            raise ValueError("progress points outside its plan")

    @property
    def exercise_id(self) -> str:
        return self.plan[self.exercise]


# What each flow can be asking.
ChoosingAsks = Literal["area", "position", "menu"]
RoutineAsks = Literal["step", "paused", "feeling", "stand"]
ReminderAsks = Literal["time", "days", "zone", "morning"]
DiaryAsks = Literal["area", "when", "severity"]


# -- each flow's own state ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Idle:
    kind: Literal["idle"] = "idle"


@dataclass(frozen=True, slots=True)
class Choosing:
    """On the way into a routine: the area, then the position, or the /routine menu."""

    asking: ChoosingAsks
    mode: Mode | None = None
    area: Area | None = None
    kind: Literal["choosing"] = "choosing"


@dataclass(frozen=True, slots=True)
class InRoutine:
    progress: Progress
    asking: RoutineAsks = "step"
    kind: Literal["routine"] = "routine"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """ "Still gone?" is on screen, a while after a relief routine."""

    kind: Literal["checkin"] = "checkin"


# What a reminder set-up is for: "setup" asks everything; the others change just that one.
Purpose = Literal["setup", "time", "days", "zone", "morning"]


DraftTime = Annotated[str | None, BeforeValidator(_hh_mm)]
DraftDays = Annotated[int | None, BeforeValidator(_days)]


@dataclass(frozen=True, slots=True)
class Draft:
    """The reminder being set up: what was chosen so far."""

    purpose: Purpose | None = None
    time: DraftTime = None  # "HH:MM"
    days: DraftDays = None


NO_DRAFT = Draft()


@dataclass(frozen=True, slots=True)
class SettingReminder:
    asking: ReminderAsks
    draft: Draft = NO_DRAFT
    kind: Literal["reminder"] = "reminder"


When = Literal["evening", "night", "morning", "now"]


@dataclass(frozen=True, slots=True)
class LoggingCramp:
    """Logging a cramp that happened without the bot: which part, when, how bad."""

    asking: DiaryAsks
    area: Area | None = None
    when: When | None = None
    kind: Literal["diary"] = "diary"


Question = Literal["balance", "joint", "pregnancy", "clot", "numb_feet"]


@dataclass(frozen=True, slots=True)
class SafetyQuestion:
    question: Question | None
    kind: Literal["safety"] = "safety"


@dataclass(frozen=True, slots=True)
class ConfirmForget:
    kind: Literal["forget"] = "forget"


Flow = (
    Idle
    | Choosing
    | InRoutine
    | CheckIn
    | SettingReminder
    | LoggingCramp
    | SafetyQuestion
    | ConfirmForget
)
IDLE = Idle()


@dataclass(frozen=True, slots=True)
class ChatState:
    screen: int = 0
    known: bool = False
    language: str | None = None
    timer_seq: int = 0
    timer: Timer | None = None
    # The last relief routine, for "check-in: it's back" and "/routine: repeat".
    last_area: Area | None = None
    last_position: Position | None = None
    flow: Annotated[Flow, Field(discriminator="kind")] = IDLE

    @property
    def progress(self) -> Progress | None:
        """The routine in progress, if one is."""
        return self.flow.progress if isinstance(self.flow, InRoutine) else None

    @property
    def phase(self) -> Phase:
        return _phase(self.flow)


def _phase(flow: Flow) -> Phase:
    match flow:
        case Idle():
            return Phase.IDLE
        case Choosing(asking=asking):
            return _CHOOSING[asking]
        case InRoutine(asking=asking):
            return _ROUTINE[asking]
        case CheckIn():
            return Phase.CHECKIN
        case SettingReminder(asking=asking):
            return _REMINDER[asking]
        case LoggingCramp(asking=asking):
            return _DIARY[asking]
        case SafetyQuestion():
            return Phase.SAFETY
        case ConfirmForget():
            return Phase.CONFIRM_FORGET


_CHOOSING: dict[ChoosingAsks, Phase] = {
    "area": Phase.ASK_AREA,
    "position": Phase.ASK_POSITION,
    "menu": Phase.ROUTINE_MENU,
}
_ROUTINE: dict[RoutineAsks, Phase] = {
    "step": Phase.STEP,
    "paused": Phase.PAUSED,
    "feeling": Phase.ASK_FEELING,
    "stand": Phase.ASK_STAND,
}
_REMINDER: dict[ReminderAsks, Phase] = {
    "time": Phase.REMINDER_TIME,
    "days": Phase.REMINDER_DAYS,
    "zone": Phase.REMINDER_ZONE,
    "morning": Phase.REMINDER_MORNING,
}
_DIARY: dict[DiaryAsks, Phase] = {
    "area": Phase.DIARY_AREA,
    "when": Phase.DIARY_WHEN,
    "severity": Phase.DIARY_SEVERITY,
}

_STATE = TypeAdapter(ChatState)


# -- the row -----------------------------------------------------------------------------------
def to_dict(state: ChatState) -> dict[str, Any]:
    return {"schema": SCHEMA, **_STATE.dump_python(state, mode="json")}


def from_dict(data: Any) -> ChatState:
    """Rebuild a state; a row we cannot read starts the chat afresh instead of failing it."""
    if not data:
        return ChatState()
    if not isinstance(data, dict):
        log.warning("Unreadable chat state (%s); starting the chat afresh", type(data).__name__)
        return ChatState()
    try:
        row = data if data.get("schema") == SCHEMA else upgrade_schema_1(data)
        return _STATE.validate_python({k: v for k, v in row.items() if k != "schema"})
    except (ValidationError, KeyError, TypeError, ValueError, AttributeError) as error:
        log.warning("Unreadable chat state (%s); starting the chat afresh", error)
        screen = data.get("screen")
        return ChatState(
            known=bool(data.get("known", False)),
            # Keep counting screens so buttons from before stay recognisably stale.
            screen=screen + 1 if isinstance(screen, int) else 0,
        )


def upgrade_schema_1(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 row (one flat document, every flow's fields side by side) as today's row.

    Schema 1 was lenient where a field could simply be forgotten (an unknown area, a half
    chosen reminder that no longer makes sense): those are dropped, not fatal, as they were.
    """
    phase = Phase(data.get("phase", "idle"))
    screen, timer_seq = int(data.get("screen", 0)), int(data.get("timer_seq", 0))
    if data.get("extra") is not None:
        dict(data["extra"])  # schema 1 required a mapping here; it is no longer kept
    progress = data.get("progress") or None
    if progress is not None:
        progress = _STATE.validate_python({"flow": {"kind": "routine", "progress": progress}})
    return {
        "screen": screen,
        "known": bool(data.get("known", False)),
        "language": data.get("language") if isinstance(data.get("language"), str) else None,
        "timer_seq": timer_seq,
        "timer": data.get("timer") or None,
        "last_area": _lenient(data, "last_area", Area),
        "last_position": _lenient(data, "last_position", Position),
        "flow": _schema_1_flow(phase, data, progress),
    }


def _schema_1_flow(phase: Phase, data: dict[str, Any], routine: ChatState | None) -> Flow:
    choice_area = _lenient(data, "choice_area", Area)
    if isinstance(routine, ChatState) and isinstance(routine.flow, InRoutine):
        for asking, routine_phase in _ROUTINE.items():
            if phase == routine_phase:
                return replace(routine.flow, asking=asking)
    for choosing, choosing_phase in _CHOOSING.items():
        if phase == choosing_phase:
            return Choosing(choosing, _lenient(data, "choice_mode", Mode), choice_area)
    for question, reminder_phase in _REMINDER.items():
        if phase == reminder_phase:
            draft = Draft(
                purpose=_lenient(data, "draft_purpose", Purpose),
                time=_lenient(data, "draft_time", DraftTime),
                days=_lenient(data, "draft_days", DraftDays),
            )
            return SettingReminder(question, draft)
    for diary_asks, diary_phase in _DIARY.items():
        if phase == diary_phase:
            return LoggingCramp(diary_asks, choice_area, _lenient(data, "diary_when", When))
    if phase == Phase.SAFETY:
        return SafetyQuestion(_lenient(data, "safety_question", Question))
    if phase == Phase.CHECKIN:
        return CheckIn()
    if phase == Phase.CONFIRM_FORGET:
        return ConfirmForget()
    return IDLE  # idle, or a step with no routine behind it


def _lenient(data: dict[str, Any], key: str, kind: Any) -> Any:
    """The value if it is a valid `kind`, else None: schema 1 forgot such values quietly."""
    try:
        return TypeAdapter(kind).validate_python(data.get(key))
    except ValidationError:
        return None
