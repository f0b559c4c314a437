"""Standing up from bed or a chair: only ever a question, only for the steady, never twice.

In bed or sitting, a routine's `options` (stand_from_sitting) are offered when the cramp stays
the same, to someone who told the safety profile they are steady (balance "no"), with the
getting-up caution in the question itself. Everyone else simply goes on to another exercise.
"""

from __future__ import annotations

import pytest

from bot.coach import Coach, Phase
from bot.coach.profile import Answer, Profile, SafetyAnswers
from bot.content import AREAS, POSITIONS, Catalog, Content
from tests.auxil.coach_driver import CoachDriver, Reply

STAND_LABELS = ["Stand up carefully", "Stay where I am"]
WITH_OPTION = [(area, position) for area in ("calf", "foot") for position in ("bed", "sitting")]


def person(coach: Coach, balance: Answer | None = "no") -> CoachDriver:
    return CoachDriver(coach, roundtrip=True, profile=Profile(safety=SafetyAnswers(balance)))


def to_feeling_question(driver: CoachDriver) -> None:
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING


def the_question(en: Catalog, content: Content) -> str:
    return f"{en.text('stand.ask')}\n\n{content.safety['getting_up'].text}"


def to_stand_question(driver: CoachDriver) -> Reply:
    to_feeling_question(driver)
    reply = driver.tap("f", "same")
    assert driver.state.phase == Phase.ASK_STAND
    return reply


def test_only_the_bed_and_sitting_routines_for_calf_and_foot_have_the_option(
    content: Content,
) -> None:
    for area in AREAS:
        for position in POSITIONS:
            for steady in (False, True):
                routine = content.routine_for("relief", area, position, steady=steady)
                expected = ("stand_from_sitting",) if (area, position) in WITH_OPTION else ()
                assert routine.options == expected, routine.id
    assert content.exercise("stand_from_sitting").has("gets_up")


@pytest.mark.parametrize(("area", "position"), WITH_OPTION)
def test_same_asks_a_steady_person_whether_to_stand(
    coach: Coach, content: Content, en: Catalog, area: str, position: str
) -> None:
    driver = person(coach)
    driver.begin(area, position)
    assert driver.state.progress is not None
    assert driver.state.progress.options == ("stand_from_sitting",)
    to_feeling_question(driver)
    timer_before = driver.state.timer
    reply = driver.tap("f", "same")
    # The getting-up caution is part of the question, before anyone stands.
    assert reply.texts == [the_question(en, content)]
    assert reply.labels == STAND_LABELS
    assert driver.state.phase == Phase.ASK_STAND
    assert reply.episodes == [] and reply.timers == []
    assert timer_before is None and driver.state.timer is None
    assert driver.state.progress.outcomes[-1][1] == "same"


@pytest.mark.parametrize("balance", [None, "yes", "unsaid"])
@pytest.mark.parametrize(("area", "position"), WITH_OPTION)
def test_never_asked_of_someone_not_known_to_be_steady(
    coach: Coach, content: Content, en: Catalog, area: str, position: str, balance: Answer | None
) -> None:
    driver = person(coach, balance)
    driver.begin(area, position)
    assert driver.state.progress is not None
    assert driver.state.progress.options == ()
    to_feeling_question(driver)
    reply = driver.tap("f", "same")
    assert reply.texts[0] == en.text("same_next")
    assert driver.state.phase == Phase.STEP
    assert content.safety["getting_up"].text not in reply.text
    walk = driver.finish("same")
    assert not any(en.text("stand.ask") in text for text in walk.texts)
    plans = [r.state.progress.plan for r in driver.history if r.state.progress is not None]
    assert plans and all("stand_from_sitting" not in plan for plan in plans)


@pytest.mark.parametrize(
    ("area", "position"),
    [(a, p) for a in AREAS for p in POSITIONS if (a, p) not in WITH_OPTION],
)
def test_never_asked_where_there_is_nothing_to_stand_up_for(
    coach: Coach, en: Catalog, area: str, position: str
) -> None:
    driver = person(coach)
    driver.begin(area, position)
    for _ in range(3):
        if driver.state.progress is None:
            break
        to_feeling_question(driver)
        reply = driver.tap("f", "same")
        assert en.text("stand.ask") not in reply.text
        assert driver.state.phase != Phase.ASK_STAND


def test_better_or_gone_never_ask(coach: Coach, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    walk = driver.finish("better")
    assert not any(en.text("stand.ask") in text for text in walk.texts)


def test_yes_puts_standing_up_next(coach: Coach, content: Content, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    plan = content.routine_for("relief", "calf", "bed").exercises
    to_stand_question(driver)
    reply = driver.tap("sd", "yes")
    stand = content.exercise("stand_from_sitting")
    [text] = reply.texts
    assert text.startswith(
        en.text("exercise_header", number=2, total=len(plan) + 1, name=stand.name)
    )
    assert stand.steps[0].text in text
    for caution in stand.cautions:
        assert f"<i>{caution}</i>" in text
    assert driver.state.phase == Phase.STEP
    progress = driver.state.progress
    assert progress is not None
    assert progress.plan == (plan[0], "stand_from_sitting", *plan[1:])
    assert progress.exercise_id == "stand_from_sitting"
    assert progress.options == ()  # used: never asked again


def test_no_stays_put_and_goes_on(coach: Coach, content: Content, en: Catalog) -> None:
    for area in ("calf", "foot"):
        driver = person(coach)
        driver.begin(area, "sitting")
        routine = content.routine_for("relief", area, "sitting")  # type: ignore[arg-type]
        to_stand_question(driver)
        reply = driver.tap("sd", "no")
        # An alternate if there is one (foot), else the next exercise (calf); no "try another".
        following = routine.alternates[0] if routine.alternates else routine.exercises[1]
        total = len(routine.exercises) + bool(routine.alternates)
        name = content.exercise(following).name
        assert reply.texts[0] == en.text("stand.declined")
        assert reply.texts[1].startswith(
            en.text("exercise_header", number=2, total=total, name=name)
        )
        assert len(reply.texts) == 2
        assert en.text("same_next") not in reply.text
        progress = driver.state.progress
        assert progress is not None
        assert progress.exercise_id == following
        assert "stand_from_sitting" not in progress.plan
        assert progress.options == ()


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_never_asked_twice(coach: Coach, en: Catalog, answer: str) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    to_stand_question(driver)
    driver.tap("sd", answer)
    asked = 0
    for _ in range(4):
        to_feeling_question(driver)
        reply = driver.tap("f", "same")
        asked += en.text("stand.ask") in reply.text
        if driver.state.progress is None:
            break
    assert asked == 0


def test_an_old_stand_button_is_stale(coach: Coach, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("foot", "bed")
    to_stand_question(driver)
    old_yes = driver.button_for("sd", "yes")
    driver.tap("sd", "no")
    before = driver.state
    reply = driver.press_data(old_yes.data)
    assert reply.notes == [en.text("stale_button")]
    assert reply.says == []
    assert driver.state == before


def test_unclear_words_ask_again_with_the_caution(
    coach: Coach, content: Content, en: Catalog
) -> None:
    driver = person(coach)
    driver.begin("calf", "sitting")
    asked = to_stand_question(driver)
    before = driver.state
    reply = driver.say("hmm")
    assert reply.texts == [en.text("nudge"), the_question(en, content)]
    assert reply.keyboard == asked.keyboard
    assert driver.state == before


def test_worse_typed_at_the_question_stops(coach: Coach, content: Content, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    to_stand_question(driver)
    reply = driver.say("it's getting worse")
    assert en.text("worse_stopped") in reply.text
    assert content.safety["worse"].text in reply.text
    assert [e.outcome for e in reply.episodes] == ["worse"]
    assert driver.state.phase == Phase.IDLE and driver.state.progress is None


def test_gone_typed_at_the_question_wraps_up(coach: Coach, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    to_stand_question(driver)
    reply = driver.say("it's gone")
    assert reply.text.startswith(en.text("wrapup.gone"))
    assert [e.outcome for e in reply.episodes] == ["gone"]


def test_stop_works_at_the_question(coach: Coach, en: Catalog) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    stop = driver.button_for("x")  # Stop works from any message of the routine
    to_stand_question(driver)
    reply = driver.press_data(stop.data)
    assert reply.texts == [en.text("stopped")]
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert driver.state.phase == Phase.IDLE


def test_after_ten_minutes_it_is_advice_not_standing(coach: Coach, content: Content) -> None:
    driver = person(coach)
    driver.begin("calf", "bed")
    to_feeling_question(driver)
    driver.advance(10 * 60)
    reply = driver.tap("f", "same")
    assert content.safety["ten_minutes"].text in reply.text
    assert content.safety["getting_up"].text not in reply.text
    assert driver.state.phase == Phase.IDLE
