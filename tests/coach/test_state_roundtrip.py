"""The state row: to_dict/from_dict round trips, schema-1 rows are upgraded on read, and
unreadable rows start the chat afresh."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.coach import (
    ButtonPress,
    ChatState,
    Coach,
    Command,
    Media,
    Phase,
    Text,
    TimerFired,
    from_dict,
    to_dict,
)
from bot.coach.state import (
    SCHEMA,
    CheckIn,
    Choosing,
    ConfirmForget,
    Draft,
    Flow,
    Idle,
    InRoutine,
    LoggingCramp,
    Progress,
    SafetyQuestion,
    SettingReminder,
    Timer,
)
from tests.auxil.coach_driver import T0, CoachDriver, scratch


def through_json(state: ChatState) -> ChatState:
    return from_dict(json.loads(json.dumps(to_dict(state))))


PROGRESS = Progress(
    mode="relief",
    area="calf",
    position="standing",
    started_at=T0,
    plan=("calf_stand_on_leg", "calf_wall_stretch", "walk_it_off"),
    spare=("sit_down_and_massage",),
    exercise=1,
    step=1,
    outcomes=(("calf_stand_on_leg", "same"),),
    paused_remaining=12.5,
    options=("stand_from_sitting",),
)


def full_state(flow: Flow | None = None) -> ChatState:
    return ChatState(
        screen=41,
        known=True,
        language="de",
        timer_seq=7,
        last_area="calf",
        last_position="standing",
        timer=Timer(token="t7", due_at=T0 + timedelta(seconds=30), kind="step"),
        flow=InRoutine(PROGRESS, asking="paused") if flow is None else flow,
    )


# Every flow with every field it has set: together they hold what schema 1 kept side by side.
FLOWS: list[Flow] = [
    Idle(),
    Choosing("position", mode="relief", area="shin"),
    InRoutine(PROGRESS, asking="paused"),
    CheckIn(),
    SettingReminder("days", Draft(purpose="time", time="21:45", days=31)),
    LoggingCramp("severity", area="shin", when="morning"),
    SafetyQuestion("clot"),
    ConfirmForget(),
]


def test_empty_state_round_trips() -> None:
    assert through_json(ChatState()) == ChatState()


@pytest.mark.parametrize("flow", FLOWS, ids=[type(flow).__name__ for flow in FLOWS])
def test_full_state_round_trips_through_json(flow: Flow) -> None:
    state = full_state(flow)
    data = to_dict(state)
    assert data["schema"] == SCHEMA
    assert isinstance(json.dumps(data), str)
    assert through_json(state) == state


# A row as the previous version (schema 1: one flat document) wrote it, mid-routine.
SCHEMA_1_ROW: dict[str, Any] = {
    "schema": 1,
    "phase": "paused",
    "screen": 41,
    "known": True,
    "language": "de",
    "timer_seq": 7,
    "choice_mode": "relief",
    "choice_area": "shin",
    "last_area": "calf",
    "last_position": "standing",
    "progress": {
        "mode": "relief",
        "area": "calf",
        "position": "standing",
        "started_at": "2025-01-15T02:30:00+00:00",
        "plan": ["calf_stand_on_leg", "calf_wall_stretch", "walk_it_off"],
        "spare": ["sit_down_and_massage"],
        "exercise": 1,
        "step": 1,
        "outcomes": [["calf_stand_on_leg", "same"]],
        "paused_remaining": 12.5,
        "options": ["stand_from_sitting"],
    },
    "timer": {"token": "t7", "due_at": "2025-01-15T02:30:30+00:00", "kind": "step"},
    "draft_purpose": "time",
    "draft_time": "21:45",
    "draft_days": 31,
    "diary_when": "morning",
    "safety_question": "clot",
    "extra": {"note": "kept", "n": 3},
}


@pytest.mark.parametrize(
    ("phase", "flow"),
    [
        ("paused", InRoutine(PROGRESS, asking="paused")),
        ("idle", Idle()),
        ("ask_position", Choosing("position", mode="relief", area="shin")),
        ("checkin", CheckIn()),
        ("reminder_days", SettingReminder("days", Draft(purpose="time", time="21:45", days=31))),
        ("diary_severity", LoggingCramp("severity", area="shin", when="morning")),
        ("safety", SafetyQuestion("clot")),
        ("confirm_forget", ConfirmForget()),
    ],
)
def test_a_schema_1_row_is_upgraded_on_read(phase: str, flow: Flow) -> None:
    """A restart across the upgrade continues the conversation where it was."""
    row = json.loads(json.dumps({**SCHEMA_1_ROW, "phase": phase}))
    assert from_dict(row) == full_state(flow)
    assert through_json(from_dict(row)) == full_state(flow)


def test_other_time_zones_keep_their_instant() -> None:
    plus_two = timezone(timedelta(hours=2))
    state = ChatState(
        timer=Timer(token="t1", due_at=datetime(2025, 3, 30, 3, 0, tzinfo=plus_two), kind="checkin")
    )
    back = through_json(state)
    assert back.timer is not None
    assert back.timer.due_at == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


def test_every_state_of_a_real_conversation_round_trips(coach: Coach) -> None:
    # roundtrip=True asserts equality after each event; this walk visits every phase.
    driver = CoachDriver(coach, roundtrip=True)
    driver.command("routine")
    driver.start()
    driver.tap("a", "calf")
    driver.tap("p", "bed")
    driver.tap("pa")
    driver.tap("r")
    while driver.state.phase == Phase.STEP:
        driver.fire() if driver.state.timer else driver.tap("n")
    driver.tap("f", "same")
    driver.command("cancel")
    driver.begin("foot", "sitting")
    driver.finish("gone")
    driver.fire()
    assert driver.state.phase == Phase.CHECKIN
    driver.command("reminder")
    driver.tap("rt", "2200")
    assert scratch(driver.state).draft_time == "22:00"
    driver.tap("rd", "wkd")
    assert (scratch(driver.state).draft_time, scratch(driver.state).draft_days) == (
        "22:00",
        0b0011111,
    )
    driver.say("Berlin")
    assert driver.state.phase == Phase.IDLE and scratch(driver.state).draft_time is None
    driver.command("reminder")
    driver.tap("rc", "morning")
    assert driver.state.phase == Phase.REMINDER_MORNING
    driver.tap("rm", "0730")
    driver.command("forget")
    driver.tap("fg", "no")
    driver.command("diary")
    driver.tap("dl")
    driver.tap("la", "shin")
    driver.tap("lw", "night")
    assert (scratch(driver.state).choice_area, scratch(driver.state).diary_when) == (
        "shin",
        "night",
    )
    driver.tap("ls", "7")
    driver.command("safety")
    assert (driver.state.phase, scratch(driver.state).safety_question) == (Phase.SAFETY, "balance")
    for question in ("balance", "joint", "pregnancy", "clot", "numb_feet"):
        driver.tap("sq", f"{question}.no")
    assert scratch(driver.state).safety_question is None
    driver.begin("calf", "bed")  # steady now: "same" asks about standing up
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    driver.tap("f", "same")
    assert driver.state.phase == Phase.ASK_STAND
    driver.tap("sd", "yes")
    assert {reply.state.phase for reply in driver.history} == set(Phase)


# The schema-1 phase whose flow keeps each of these fields.
PHASE_OF = {
    "draft_purpose": "reminder_time",
    "draft_time": "reminder_time",
    "draft_days": "reminder_time",
    "diary_when": "diary_when",
    "safety_question": "safety",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("draft_purpose", "everything"),
        ("draft_time", "25:00"),
        ("draft_time", "9pm"),
        ("draft_time", 2130),
        ("draft_days", 0),
        ("draft_days", 128),
        ("draft_days", True),
        ("draft_days", "127"),
        ("diary_when", "yesterday"),
        ("safety_question", "shoe_size"),
        ("safety_question", 3),
    ],
)
def test_an_unreadable_reminder_draft_is_dropped_not_fatal(field: str, value: Any) -> None:
    row = good_row()
    row["phase"] = PHASE_OF[field]
    row[field] = value
    state = from_dict(row)
    assert getattr(scratch(state), field) is None
    # The rest of the row is still read: the flow, its other fields, the shared ones.
    assert state.phase == Phase(PHASE_OF[field])
    kept = {key for key, phase in PHASE_OF.items() if phase == PHASE_OF[field]} - {field}
    assert all(getattr(scratch(state), key) == row[key] for key in kept)
    assert (state.screen, state.last_area, state.timer) == (41, "calf", full_state().timer)


def test_none_and_empty_start_afresh() -> None:
    assert from_dict(None) == ChatState()
    assert from_dict({}) == ChatState()


def good_row() -> dict[str, Any]:
    return json.loads(json.dumps(SCHEMA_1_ROW))


def broken(**changes: Any) -> dict[str, Any]:
    row = good_row()
    for dotted, value in changes.items():
        target = row
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return row


GARBAGE: list[Any] = [
    [1, 2, 3],
    "a string",
    42,
    {"phase": "dancing"},
    {"phase": None},
    {"screen": "abc"},
    {"timer_seq": "x"},
    {"progress": "yes"},
    {"progress": [1]},
    {"timer": [1]},
    {"timer": {"token": "t1"}},
    {"extra": 5},
    {"extra": "ab"},
    broken(progress__mode="sprint"),
    broken(progress__position="upside down"),
    broken(progress__started_at="yesterday"),
    broken(progress__started_at=None),
    broken(progress__started_at=12345),
    broken(progress__started_at="2025-01-15T02:30:00"),  # naive: cannot be compared with now
    broken(progress__plan=5),
    broken(progress__plan=[]),
    broken(progress__exercise=9),
    broken(progress__exercise=-1),
    broken(progress__step=-1),
    broken(progress__outcomes=[[1, 2, 3]]),
    broken(progress__paused_remaining="soon"),
    broken(progress__paused_remaining=-5),
    broken(timer__due_at="later"),
    broken(timer__due_at=None),
    broken(timer__due_at="2025-01-15T02:30:00"),
]


@pytest.mark.parametrize("row", GARBAGE, ids=[str(i) for i in range(len(GARBAGE))])
def test_garbage_rows_start_afresh_without_raising(row: Any) -> None:
    state = from_dict(row)
    assert state.progress is None
    assert state.timer is None
    assert state.phase == Phase.IDLE


def test_a_garbage_row_keeps_the_screen_counting_so_old_buttons_stay_stale() -> None:
    state = from_dict(broken(progress__mode="sprint"))
    assert state.screen == 42
    assert state.known


EVENTS = [
    Command("start"),
    Command("cancel"),
    Text("next"),
    Text("gone"),
    Text("stop"),
    Text("wait"),
    ButtonPress("0.n"),
    ButtonPress("0.r"),
    ButtonPress("0.f.same"),
    ButtonPress("0.x"),
    Media("sticker"),
    TimerFired("t1"),
]


@pytest.mark.parametrize("row", GARBAGE, ids=[str(i) for i in range(len(GARBAGE))])
def test_the_coach_copes_with_whatever_a_garbage_row_becomes(coach: Coach, row: Any) -> None:
    state = from_dict(row)
    for event in EVENTS:
        result = coach.handle(state, event, T0)
        assert isinstance(result.state, ChatState)


@pytest.mark.parametrize("phase", ["step", "paused", "ask_feeling"])
def test_a_routine_phase_without_a_routine_is_idle(coach: Coach, phase: str) -> None:
    state = from_dict(
        {
            "phase": phase,
            "screen": 0,
            "timer": {"token": "t1", "due_at": T0.isoformat(), "kind": "step"},
        }
    )
    assert state.phase == Phase.IDLE
    for event in EVENTS:  # "next" or the step's Next button must not crash a chat
        coach.handle(state, event, T0)


@pytest.mark.parametrize(
    "changes",
    [
        {"plan": ["renamed_exercise", "calf_wall_stretch"]},
        {"spare": ["gone_from_content"]},
        {"options": ["gone_from_content"]},
        {"step": 40},
        {"plan": ["calf_stand_on_leg", 7]},
    ],
)
def test_a_routine_the_content_no_longer_has_starts_afresh(
    coach: Coach, changes: dict[str, Any]
) -> None:
    row = good_row()
    row["phase"] = "step"
    row["progress"].update(changes)
    state = from_dict(row)
    assert state.progress is not None  # from_dict cannot know the content; the coach does
    for event in EVENTS:
        result = coach.handle(state, event, T0 + timedelta(minutes=1))
        assert result.state.progress is None, event
    # "next" on such a row is read as idle words, not as a step to advance.
    result = coach.handle(state, Text("next"), T0)
    assert result.state.phase == Phase.IDLE


def test_a_good_row_is_used_as_is(coach: Coach) -> None:
    row = good_row()
    row["phase"] = "step"
    row["progress"]["paused_remaining"] = None
    state = from_dict(row)
    assert state.progress is not None
    result = coach.handle(state, Text("next"), T0)
    assert result.state.progress is not None
    assert result.state.progress.step == 2
