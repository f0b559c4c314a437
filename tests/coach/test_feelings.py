"""After each relief exercise: Gone, Better, Same or Worse — and what each one leads to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.coach import Coach, Phase, TimerFired
from bot.content import AREAS, POSITIONS, Catalog, Content
from tests.auxil.coach_driver import CoachDriver, Reply
from tests.auxil.zones import zone_book

SAFETY_OFFER = ["🛡 Answer 5 safety questions", "Not now"]


def to_feeling_question(driver: CoachDriver) -> Reply:
    """Tap Next through the current exercise; the reply that asks how the cramp is."""
    reply = driver.tap("n")
    while driver.state.phase == Phase.STEP:
        reply = driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING
    return reply


def test_the_question_has_four_answers(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    reply = to_feeling_question(driver)
    assert reply.text == en.text("ask_feeling") == "<b>How is the cramp now?</b>"
    assert reply.labels == ["Gone 🎉", "Better", "Same", "Worse"]


# -- gone -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("position", POSITIONS)
def test_gone_wraps_up_logs_and_arms_one_quiet_checkin(
    driver: CoachDriver, content: Content, en: Catalog, position: str
) -> None:
    driver.begin("calf", position)
    to_feeling_question(driver)
    reply = driver.tap("f", "gone")
    assert len(reply.says) == 1
    text = reply.text
    assert text.startswith(en.text("wrapup.gone"))
    assert en.text("tip.after") in text
    # No warmth tip until the person said their feet are not numb (careful default).
    assert en.text("tip.warmth") not in text
    # A night cramp gets the bedtime stretch offered, with a one-tap reminder.
    assert (en.text("offer.bedtime_reminder") in text) == (position == "bed")
    assert en.text("checkin_promise", minutes=15) in text
    # The safety questions are still unanswered: offered last, in the same message.
    assert text.endswith(en.text("safety.offer"))
    expected = ["No need to check in"] + (["⏰ Remind me at bedtime"] if position == "bed" else [])
    assert reply.labels == expected + SAFETY_OFFER
    [episode] = reply.episodes
    assert episode.outcome == "gone"
    plan = content.routine_for("relief", "calf", position).exercises  # type: ignore[arg-type]
    # Standing, the careful routine sits down first (done), then the first stretch.
    moved = tuple((e, "done") for e in plan if content.exercise(e).is_transition)
    stretch = next(e for e in plan if not content.exercise(e).is_transition)
    assert episode.exercises == (*moved, (stretch, "gone"))
    assert bool(moved) == (position == "standing")
    [timer] = reply.timers
    assert timer.due_at == driver.now + timedelta(minutes=15)
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None


def test_checkin_arrives_silently_once(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("foot", "bed")
    to_feeling_question(driver)
    driver.tap("f", "gone")
    checkin = driver.fire()
    [say] = checkin.says
    assert say.silent
    assert say.text == en.text("checkin_question")
    assert checkin.labels == ["Still gone", "It's back"]
    assert checkin.timers == []
    assert driver.state.timer is None
    assert driver.state.phase == Phase.CHECKIN
    good = driver.tap("ci", "gone")
    assert good.texts == [en.text("checkin_good")]
    assert good.timers == [] and good.episodes == []
    assert driver.state.phase == Phase.IDLE
    assert driver.state.timer is None


def test_checkin_its_back_runs_the_same_routine_again(
    driver: CoachDriver, content: Content
) -> None:
    driver.begin("shin", "sitting")
    to_feeling_question(driver)
    driver.tap("f", "gone")
    driver.fire()
    reply = driver.press("It's back")
    routine = content.routine_for("relief", "shin", "sitting")
    assert reply.texts[0] == content.catalog("en").text("checkin_back")
    assert content.exercise(routine.exercises[0]).name in reply.texts[1]
    assert driver.state.phase == Phase.STEP
    assert driver.state.progress is not None
    assert driver.state.progress.started_at == driver.now


def test_no_need_to_check_in_cancels_the_checkin(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    wrap = driver.tap("f", "gone")
    [timer] = wrap.timers
    reply = driver.press("No need to check in")
    assert reply.notes == [en.text("checkin_cancelled")]
    assert [c.token for c in reply.cancels] == [timer.token]
    assert driver.state.timer is None
    # The old check-in timer, should it still fire, does nothing.
    before = driver.state
    late = driver.send(TimerFired(timer.token))
    assert late.actions == ()
    assert driver.state == before


def test_the_checkin_timer_is_scaled(content: Content) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book(), time_scale=0.01))
    driver.begin("calf", "bed")
    while driver.state.phase != Phase.ASK_FEELING:
        driver.fire() if driver.state.timer else driver.tap("n")
    reply = driver.tap("f", "gone")
    [timer] = reply.timers
    assert timer.due_at - driver.now == timedelta(seconds=9)  # 15 min x 0.01
    assert content.catalog("en").text("checkin_promise", minutes=1) in reply.text


# -- better ---------------------------------------------------------------------------------------
def test_better_on_the_last_exercise_wraps_up(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    plan = content.routine_for("relief", "ankle", "standing").exercises
    stretches = [e for e in plan if not content.exercise(e).is_transition]
    assert len(stretches) == len(plan) - 1 == 4
    driver.begin("ankle", "standing")
    for _ in range(len(stretches) - 1):
        to_feeling_question(driver)
        assert driver.tap("f", "better").texts[0] == en.text("better_next")
    to_feeling_question(driver)
    reply = driver.tap("f", "better")
    assert reply.text.startswith(en.text("wrapup.better"))
    assert [e.outcome for e in reply.episodes] == ["better"]
    assert driver.state.timer is not None and driver.state.timer.kind == "checkin"


# -- same -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_same_tries_an_alternate_for_that_area(
    driver: CoachDriver, content: Content, en: Catalog, area: str, position: str
) -> None:
    """After "same", something else: an alternate if there is one, else the next exercise.

    (The standing option of some routines is only for the steady; see test_stand_option.py.)
    """
    routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
    stretches = [e for e in routine.exercises if not content.exercise(e).is_transition]
    assert routine.alternates or len(stretches) > 1, "something else to try"
    driver.begin(area, position)
    to_feeling_question(driver)
    assert driver.state.progress is not None
    at = driver.state.progress.exercise
    assert driver.state.progress.exercise_id == stretches[0]
    reply = driver.tap("f", "same")
    if routine.alternates:
        expected, total = routine.alternates[0], len(routine.exercises) + 1
    else:
        expected, total = routine.exercises[at + 1], len(routine.exercises)
    following = content.exercise(expected)
    assert reply.texts[0] == en.text("same_next")
    assert reply.texts[1].startswith(
        en.text("exercise_header", number=at + 2, total=total, name=following.name)
    )
    assert len(reply.texts) == 2
    assert driver.state.phase == Phase.STEP
    assert driver.state.progress is not None
    assert driver.state.progress.exercise_id == expected
    moved = tuple((e, "done") for e in routine.exercises[:at])
    assert driver.state.progress.outcomes == (*moved, (stretches[0], "same"))
    assert reply.episodes == []


def test_same_after_ten_minutes_says_get_medical_advice(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    driver.advance(10 * 60)
    reply = driver.tap("f", "same")
    assert content.safety["ten_minutes"].text in reply.text
    assert "medical advice" in reply.text
    assert en.text("after_advice") in reply.text
    assert [e.outcome for e in reply.episodes] == ["advice"]
    assert reply.timers == []
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None


def test_same_just_before_ten_minutes_keeps_trying(driver: CoachDriver, content: Content) -> None:
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    driver.advance(10 * 60 - 1)
    reply = driver.tap("f", "same")
    assert content.safety["ten_minutes"].text not in reply.text
    assert driver.state.phase == Phase.STEP


def test_ten_minutes_are_scaled_by_time_scale(content: Content) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book(), time_scale=0.1))
    driver.begin("foot", "bed")
    to_feeling_question(driver)
    driver.advance(59)
    assert content.safety["ten_minutes"].text not in driver.tap("f", "same").text
    to_feeling_question(driver)
    driver.advance(1)  # 60 s in all = 10 minutes x 0.1
    assert content.safety["ten_minutes"].text in driver.tap("f", "same").text


@pytest.mark.parametrize("area", ["calf", "foot"])  # (the careful foot routine has an alternate)
def test_same_again_and_again_runs_out_of_alternates_but_never_of_help(
    driver: CoachDriver, content: Content, area: str
) -> None:
    driver.begin(area, "standing")
    seen: list[str] = []
    for _ in range(8):
        to_feeling_question(driver)
        reply = driver.tap("f", "same")
        if driver.state.progress is None:
            break
        seen.append(driver.state.progress.exercise_id)
        driver.advance(30)
    assert content.safety["ten_minutes"].text not in reply.text
    routine = content.routine_for("relief", area, "standing")  # type: ignore[arg-type]
    assert bool(routine.alternates) == (area == "foot")
    assert seen[: len(routine.alternates)] == list(routine.alternates)
    assert driver.state.phase == Phase.STEP


# -- worse ----------------------------------------------------------------------------------------
def test_worse_stops_with_the_warning_signs(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("calf", "bed")
    to_feeling_question(driver)
    reply = driver.tap("f", "worse")
    assert en.text("worse_stopped") in reply.text
    assert content.safety["worse"].text in reply.text
    assert "swollen" in reply.text  # the red flag to watch for
    assert [e.outcome for e in reply.episodes] == ["worse"]
    assert reply.timers == []
    assert reply.labels == []
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None


def test_worse_typed_mid_step_stops_at_once(driver: CoachDriver, content: Content) -> None:
    driver.begin("shin", "standing")
    driver.tap("n")  # sat down: now the first stretch, with its hold running
    token = driver.state.timer.token if driver.state.timer else ""
    assert token
    reply = driver.say("it's getting worse")
    # A shin cramp: easing the foot down is its stretch, so no "don't let the toes point".
    assert content.safety["worse_shin"].text in reply.text
    assert content.safety["worse"].text not in reply.text
    assert [c.token for c in reply.cancels] == [token]
    assert [e.outcome for e in reply.episodes] == ["worse"]
    assert driver.state.timer is None
