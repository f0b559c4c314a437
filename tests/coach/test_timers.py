"""Timed follow-ups: scaled due times, advancing by themselves, pause/resume and stale tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.coach import CancelTimer, Coach, Phase, StartTimer, TimerFired
from bot.content import AREAS, Catalog, Content
from tests.auxil.coach_driver import CoachDriver
from tests.auxil.zones import zone_book


@pytest.mark.parametrize("scale", [1.0, 0.5, 0.01, 3.0])
def test_step_timer_is_due_after_the_hold_times_the_scale(content: Content, scale: float) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book(), time_scale=scale))
    reply = driver.begin("calf", "bed")
    hold = content.exercise("calf_stretch_towel").steps[0].hold_seconds
    assert hold == 30
    [timer] = reply.timers
    assert timer.due_at == driver.now + timedelta(seconds=hold * scale)
    assert driver.state.timer is not None
    assert driver.state.timer.token == timer.token
    assert driver.state.timer.due_at == timer.due_at
    assert driver.state.timer.kind == "step"


@pytest.mark.parametrize("area", AREAS)
def test_every_timed_step_of_a_walk_is_scaled(content: Content, area: str) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book(), time_scale=0.5))
    first = driver.begin(area, "standing")
    walk = driver.finish("better")
    timed = 0
    for reply in [first, *walk.replies]:
        progress = reply.state.progress
        if progress is None or reply.state.phase != Phase.STEP:
            continue
        wait = content.exercise(progress.exercise_id).steps[progress.step].wait_seconds
        if wait is None:
            assert reply.timers == []
        else:
            timed += 1
            assert [t.due_at for t in reply.timers] == [reply.now + timedelta(seconds=wait * 0.5)]
    assert timed >= 3


def test_the_hint_tells_the_scaled_time(content: Content, en: Catalog) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book(), time_scale=0.5))
    reply = driver.begin("calf", "bed")
    assert en.text("hint.hold", seconds=15) in reply.text


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf")])
def test_a_coach_refuses_a_scale_that_is_not_positive(content: Content, scale: float) -> None:
    with pytest.raises(ValueError, match="time_scale"):
        Coach(content, zones=zone_book(), time_scale=scale)


def test_the_timer_advances_by_itself(driver: CoachDriver, content: Content) -> None:
    driver.begin("calf", "bed")
    first = driver.state.timer
    assert first is not None
    reply = driver.fire()
    steps = content.exercise("calf_stretch_towel").steps
    assert reply.text.startswith("<b>Step 2 of 3</b>")
    assert steps[1].text in reply.text
    # The fired timer is done; the next one is for this step's hold.
    [timer] = reply.timers
    assert timer.token != first.token
    assert timer.due_at == first.due_at + timedelta(seconds=steps[1].hold_seconds or 0)
    assert all(c.token == first.token for c in reply.cancels)  # at most the one that fired
    assert driver.state.timer is not None and driver.state.timer.token == timer.token


def test_no_countdown_one_timer_and_one_message_per_step(driver: CoachDriver) -> None:
    driver.begin("calf", "sitting")
    walk = driver.finish("better")
    for reply in [driver.history[2], *walk.replies]:
        assert len(reply.timers) <= 1
        step_messages = [t for t in reply.texts if "<b>Step " in t]
        assert len(step_messages) <= 1
    # Every message is a new one: the coach has no way to edit, so it cannot tick a countdown.
    timers = [a for r in driver.history for a in r.actions if isinstance(a, StartTimer)]
    assert len({t.token for t in timers}) == len(timers)


def test_next_before_the_hold_ends_cancels_the_pending_timer(driver: CoachDriver) -> None:
    driver.begin("foot", "sitting")
    old = driver.state.timer
    assert old is not None
    reply = driver.tap("n")
    assert CancelTimer(old.token) in reply.actions
    # The timer that was cancelled may still be delivered by a slow adapter: it is ignored.
    before = driver.state
    late = driver.send(TimerFired(old.token))
    assert late.actions == ()
    assert driver.state == before


def test_an_unknown_token_is_ignored(driver: CoachDriver) -> None:
    driver.begin("shin", "bed")
    before = driver.state
    reply = driver.send(TimerFired("t999"))
    assert reply.actions == ()
    assert driver.state == before


def test_a_timer_with_nothing_pending_is_ignored(driver: CoachDriver) -> None:
    reply = driver.send(TimerFired("t1"))
    assert reply.actions == ()
    assert driver.state.phase == Phase.IDLE


def test_pause_cancels_the_timer_until_resume(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")  # a 30 s hold
    timer = driver.state.timer
    assert timer is not None
    driver.advance(12)
    paused = driver.tap("pa")
    assert paused.cancels == [CancelTimer(timer.token)]
    assert paused.timers == []
    assert paused.texts == [en.text("paused")]
    assert paused.labels == ["Resume ▶", "Stop"]
    assert driver.state.phase == Phase.PAUSED
    assert driver.state.timer is None
    # The cancelled timer, if delivered anyway, changes nothing.
    driver.advance(600)
    assert driver.send(TimerFired(timer.token)).actions == ()
    assert driver.state.phase == Phase.PAUSED
    # Resume re-arms what was left of the hold: 18 of 30 seconds.
    resumed = driver.tap("r")
    [again] = resumed.timers
    assert again.due_at == driver.now + timedelta(seconds=18)
    assert again.token != timer.token
    assert resumed.texts[0] == en.text("resumed")
    assert resumed.text.count("<b>Step 1 of 3</b>") == 1
    assert en.text("hint.hold", seconds=18) in resumed.text
    assert resumed.labels == [
        "Next ▶",
        "Pause",
        "Skip exercise",
        "Stop",
        "⚠️ Warning signs",
        "Why this?",
    ]
    assert driver.state.phase == Phase.STEP
    # And then it moves on by itself.
    assert driver.fire().text.startswith("<b>Step 2 of 3</b>")


def test_pause_on_a_step_without_a_timer_resumes_without_one(driver: CoachDriver) -> None:
    driver.begin("calf", "sitting")  # calf_stretch_towel: 30 s, 30 s, then a manual step
    driver.fire()
    driver.fire()
    assert driver.state.timer is None
    assert driver.state.phase == Phase.STEP
    driver.tap("pa")
    resumed = driver.tap("r")
    assert resumed.timers == []
    assert driver.state.timer is None
    assert driver.state.phase == Phase.STEP


def test_pause_and_resume_by_text(driver: CoachDriver) -> None:
    driver.begin("ankle", "sitting")
    driver.advance(4)
    paused = driver.say("wait")
    assert driver.state.phase == Phase.PAUSED
    assert paused.cancels
    resumed = driver.say("carry on")
    assert driver.state.phase == Phase.STEP
    [timer] = resumed.timers
    assert timer.due_at == driver.now + timedelta(seconds=26)  # calf_stretch_towel: 30 s hold


def test_pending_timer_survives_the_state_row(driver: CoachDriver) -> None:
    # `driver` sends every state through to_dict/json/from_dict; the timer must come back intact.
    reply = driver.begin("foot", "bed")
    [timer] = reply.timers
    assert driver.state.timer is not None
    assert (driver.state.timer.token, driver.state.timer.due_at) == (timer.token, timer.due_at)
    assert driver.fire().text.startswith("<b>Step 2 of")


def test_tokens_never_repeat_across_routines(driver: CoachDriver) -> None:
    driver.begin("calf", "bed")
    driver.command("cancel")
    driver.begin("calf", "bed")
    tokens = [t.token for r in driver.history for t in r.timers]
    assert len(tokens) == len(set(tokens)) == 2


def test_checkin_timer_during_a_new_routine_is_cancelled(driver: CoachDriver) -> None:
    driver.begin("calf", "bed")
    driver.tap("n")
    driver.tap("n")
    driver.tap("n")
    wrap = driver.tap("f", "gone")
    [checkin] = wrap.timers
    reply = driver.start()
    assert CancelTimer(checkin.token) in reply.actions
    assert driver.send(TimerFired(checkin.token)).actions == ()
    assert driver.state.phase == Phase.ASK_AREA


def test_a_fired_timer_is_not_cancelled_again(driver: CoachDriver) -> None:
    reply = driver.begin("calf", "bed")
    [timer] = reply.timers
    fired = driver.fire()
    assert CancelTimer(timer.token) not in fired.actions
    assert fired.text.startswith("<b>Step 2 of")


def test_a_red_flag_after_the_wrap_up_cancels_the_checkin(driver: CoachDriver) -> None:
    driver.begin("calf", "bed")
    wrap = driver.finish("gone")
    [checkin] = [t for r in wrap.replies for t in r.timers][-1:]
    reply = driver.say("now my calf is swollen")
    assert CancelTimer(checkin.token) in reply.actions
    assert driver.state.timer is None
    assert driver.send(TimerFired(checkin.token)).actions == ()
