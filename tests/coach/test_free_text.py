"""Typed words: understood where clear, a kind nudge otherwise, and the red flags always heard."""

from __future__ import annotations

import pytest

from bot.coach import Phase
from bot.content import Catalog, Content
from tests.auxil.coach_driver import CoachDriver, scratch

AREA_LABELS = [
    "Ankle",
    "Foot / toes / arch",
    "Calf",
    "Shin",
    "No cramp now — a bedtime stretch for night cramps",
]


# -- the two questions, typed ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("calf", "calf"),
        ("my foot hurts", "foot"),
        ("CALF!!", "calf"),
        ("my toes are curling", "foot"),
        ("the arch of my foot", "foot"),
        ("charley horse", "calf"),
        ("ankle", "ankle"),
        ("my shin", "shin"),
    ],
)
def test_an_area_in_words_is_understood(driver: CoachDriver, text: str, area: str) -> None:
    driver.start()
    reply = driver.say(text)
    assert driver.state.phase == Phase.ASK_POSITION
    assert scratch(driver.state).choice_area == area
    assert reply.labels == ["In bed", "Sitting", "Standing"]


def test_an_area_works_without_start(driver: CoachDriver) -> None:
    driver.say("my calf is cramping")
    assert driver.state.phase == Phase.ASK_POSITION
    assert scratch(driver.state).choice_area == "calf"


def test_area_and_position_in_one_message_start_the_routine(
    driver: CoachDriver, content: Content
) -> None:
    reply = driver.say("calf cramp, I'm in bed")
    assert driver.state.phase == Phase.STEP
    assert driver.state.progress is not None
    assert (driver.state.progress.area, driver.state.progress.position) == ("calf", "bed")
    first = content.routine_for("relief", "calf", "bed").exercises[0]
    assert content.exercise(first).name in reply.text


@pytest.mark.parametrize(
    ("text", "position"), [("in bed", "bed"), ("sitting", "sitting"), ("standing", "standing")]
)
def test_a_position_in_words_starts_the_routine(
    driver: CoachDriver, text: str, position: str
) -> None:
    driver.start()
    driver.tap("a", "shin")
    driver.say(text)
    assert driver.state.phase == Phase.STEP
    assert driver.state.progress is not None
    assert driver.state.progress.position == position


def test_two_areas_at_once_are_not_guessed(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    reply = driver.say("calf and shin")
    assert driver.state.phase == Phase.ASK_AREA
    assert en.text("nudge") in reply.text
    assert reply.labels == AREA_LABELS


def test_prevention_in_words(driver: CoachDriver) -> None:
    driver.start()
    driver.say("I want to prevent night cramps")
    assert driver.state.phase == Phase.ASK_POSITION
    assert scratch(driver.state).choice_mode == "prevention"


# -- inside a routine -----------------------------------------------------------------------------
@pytest.mark.parametrize("word", ["next", "done", "Done!", "ok", "ready"])
def test_next_and_done_move_on(driver: CoachDriver, word: str) -> None:
    driver.begin("calf", "bed")
    reply = driver.say(word)
    assert reply.text.startswith("<b>Step 2 of 3</b>")


@pytest.mark.parametrize("word", ["stop", "Stop please", "that's enough", "cancel"])
def test_stop_in_words_ends_the_routine(driver: CoachDriver, en: Catalog, word: str) -> None:
    driver.begin("calf", "sitting")
    reply = driver.say(word)
    assert reply.texts == [en.text("stopped")]
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert reply.cancels
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None


def test_dont_stop_is_not_stop(driver: CoachDriver) -> None:
    driver.begin("calf", "sitting")
    reply = driver.say("don't stop")
    assert driver.state.progress is not None
    assert reply.episodes == []


@pytest.mark.parametrize("word", ["worse", "It's getting worse", "it hurts more"])
def test_worse_in_words(driver: CoachDriver, content: Content, word: str) -> None:
    driver.begin("foot", "bed")
    reply = driver.say(word)
    assert content.safety["worse"].text in reply.text
    assert [e.outcome for e in reply.episodes] == ["worse"]
    assert driver.state.progress is None


@pytest.mark.parametrize("word", ["gone", "it's gone", "It went away"])
def test_gone_in_words_wraps_up(driver: CoachDriver, en: Catalog, word: str) -> None:
    driver.begin("calf", "bed")
    reply = driver.say(word)
    assert reply.text.startswith(en.text("wrapup.gone"))
    assert [e.outcome for e in reply.episodes] == ["gone"]


@pytest.mark.parametrize(
    "text", ["it's not gone", "It isn't gone", "not gone yet", "it hasn't gone", "it’s not gone"]
)
@pytest.mark.parametrize("phase", ["step", "feeling"])
def test_not_gone_is_never_gone(driver: CoachDriver, en: Catalog, text: str, phase: str) -> None:
    driver.begin("calf", "bed")
    if phase == "feeling":
        while driver.state.phase == Phase.STEP:
            driver.tap("n")
    reply = driver.say(text)
    assert reply.episodes == []
    assert en.text("wrapup.gone") not in reply.text
    assert driver.state.progress is not None


def test_not_better_counts_as_same(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    reply = driver.say("not better")
    assert reply.texts[0] == en.text("same_next")


@pytest.mark.parametrize(
    ("text", "feeling"), [("better", "better"), ("same", "same"), ("a bit better", "better")]
)
def test_feelings_in_words(driver: CoachDriver, text: str, feeling: str) -> None:
    driver.begin("ankle", "sitting")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    driver.say(text)
    assert driver.state.progress is not None
    assert driver.state.progress.outcomes[-1][1] == feeling


def test_skip_in_words(driver: CoachDriver, content: Content, en: Catalog) -> None:
    driver.begin("calf", "sitting")
    reply = driver.say("something else please")
    second = content.exercise(content.routine_for("relief", "calf", "sitting").exercises[1])
    [text] = reply.texts
    assert text.startswith(en.text("exercise_header", number=2, total=3, name=second.name))


# -- not understood -------------------------------------------------------------------------------
def test_unclear_text_gets_a_nudge_and_the_step_again(driver: CoachDriver, en: Catalog) -> None:
    first = driver.begin("calf", "bed")
    before = driver.state
    reply = driver.say("blah")
    assert reply.texts[0] == en.text("nudge")
    assert reply.texts[1].startswith("<b>Step 1 of 3</b>")
    # The buttons shown again are the ones that still work: same screen, nothing moved.
    assert reply.keyboard == first.keyboard
    assert driver.state == before
    assert driver.tap("n").text.startswith("<b>Step 2 of 3</b>")


def test_unclear_text_on_the_area_question_shows_the_areas(
    driver: CoachDriver, en: Catalog
) -> None:
    start = driver.start()
    reply = driver.say("hmm")
    assert reply.texts == [en.text("nudge"), en.text("ask_area")]
    assert reply.keyboard == start.keyboard


def test_unclear_text_on_the_position_question(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    asked = driver.tap("a", "calf")
    reply = driver.say("dunno")
    assert reply.texts == [en.text("nudge"), en.text("ask_position")]
    assert reply.keyboard == asked.keyboard


def test_unclear_text_when_idle_gives_the_hint(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.say("blah")
    assert reply.texts == [en.text("idle_hint")]
    assert driver.state.phase == Phase.IDLE


def test_a_greeting_when_idle_starts(driver: CoachDriver) -> None:
    reply = driver.say("hello")
    assert driver.state.phase == Phase.ASK_AREA
    assert reply.labels == AREA_LABELS


def test_a_very_long_message_is_fine(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    reply = driver.say("a" * 5000)
    assert reply.texts[0] == en.text("nudge")
    assert driver.state.progress is not None


def test_a_long_message_is_still_understood(driver: CoachDriver) -> None:
    driver.start()
    driver.say("my calf " + "ouch " * 1000)
    assert scratch(driver.state).choice_area == "calf"


def test_help_in_words(driver: CoachDriver, content: Content) -> None:
    reply = driver.say("help")
    assert content.safety["red_flags_summary"].text in reply.text


def test_a_typed_command_is_a_command(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.say("/start@crampcoach_bot")
    assert reply.labels == AREA_LABELS
    reply = driver.say("/nonsense")
    assert en.text("unknown_command") in reply.text


# -- red flags ------------------------------------------------------------------------------------
STOPPING = [
    ("my calf is swollen", "dvt"),
    ("my calf is red", "dvt"),
    ("my calf is warm", "dvt"),
    ("warm calf", "dvt"),
    ("my leg feels hot", "dvt"),
    ("throbbing pain and swelling", "dvt"),
    ("I'm short of breath", "breathing"),
    ("chest pain", "breathing"),
    ("my shin is rock hard after my run", "compartment"),
    ("my foot is cold and pale", "circulation"),
    ("it felt like someone kicked my calf", "tear"),
    ("my legs ache and I have dark urine", "dark_urine"),
    ("I had an injury", "injury"),
    ("I fell over", "injury"),
    ("I twisted my ankle", "injury"),
]
INFO = [
    ("my foot is numb", "numbness"),
    ("weakness in the leg", "numbness"),
    ("I started a new medicine", "medicine"),
    ("should I take magnesium?", "medicine"),
    ("they are very frequent", "frequent"),
    ("every night", "frequent"),
    ("I'm pregnant", "pregnancy"),
    ("restless legs", "lookalike"),
]


@pytest.mark.parametrize(("text", "key"), STOPPING)
def test_dvt_and_injury_words_stop_the_routine(
    driver: CoachDriver, content: Content, text: str, key: str
) -> None:
    driver.begin("calf", "bed")
    reply = driver.say(text)
    assert content.safety[key].text in reply.text
    assert [e.outcome for e in reply.episodes] == ["red_flag"]
    assert reply.cancels
    assert reply.timers == []
    assert reply.labels == []  # no stretching on offer
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None


@pytest.mark.parametrize(("text", "key"), STOPPING)
def test_dvt_and_injury_words_when_idle(
    driver: CoachDriver, content: Content, text: str, key: str
) -> None:
    reply = driver.say(text)
    assert content.safety[key].text in reply.text
    assert driver.state.phase == Phase.IDLE
    assert reply.labels == []


@pytest.mark.parametrize(("text", "key"), STOPPING)
def test_dvt_and_injury_words_during_the_questions(
    driver: CoachDriver, content: Content, text: str, key: str
) -> None:
    driver.start()
    reply = driver.say(text)  # "my calf is swollen" names an area too: safety wins
    assert content.safety[key].text in reply.text
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None


@pytest.mark.parametrize(("text", "key"), INFO)
def test_other_red_flags_are_answered_without_stopping(
    driver: CoachDriver, content: Content, text: str, key: str
) -> None:
    first = driver.begin("calf", "bed")
    reply = driver.say(text)
    assert reply.texts[0] == content.safety[key].text
    assert reply.episodes == []
    assert driver.state.progress is not None
    # The step is shown again, with buttons that still work.
    assert reply.keyboard == first.keyboard


@pytest.mark.parametrize(("text", "key"), INFO)
def test_other_red_flags_when_idle(
    driver: CoachDriver, content: Content, text: str, key: str
) -> None:
    reply = driver.say(text)
    assert reply.texts[0] == content.safety[key].text


def test_no_swelling_is_not_a_red_flag(driver: CoachDriver, content: Content) -> None:
    driver.begin("calf", "bed")
    reply = driver.say("no swelling")
    assert content.safety["dvt"].text not in reply.text
    assert driver.state.progress is not None


def test_several_flags_answer_each_once(driver: CoachDriver, content: Content) -> None:
    reply = driver.say("swollen and red calf, swelling too, and I'm pregnant")
    assert reply.text.count(content.safety["dvt"].text) == 1


def test_the_medicine_answer_recommends_nothing(driver: CoachDriver, content: Content) -> None:
    reply = driver.say("should I take quinine or magnesium?")
    assert reply.texts[0] == content.safety["medicine"].text
    assert "can't give advice about medicines" in reply.text
    for word in ("quinine", "magnesium"):
        assert word not in reply.text.lower()


def test_pregnancy_mentions_gentle_stretches(driver: CoachDriver, content: Content) -> None:
    reply = driver.say("I'm 30 weeks pregnant and my calf cramps")
    assert content.safety["pregnancy"].text in reply.text
    assert "gentle" in reply.text
    # The area was also heard: the position question follows.
    assert driver.state.phase == Phase.ASK_POSITION


def test_area_and_position_in_one_message_skip_the_question(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.start()
    reply = driver.say("calf cramp, I'm in bed")
    assert "Where are you right now?" not in reply.text
    first = content.exercise(content.routine_for("relief", "calf", "bed").exercises[0])
    [text] = reply.texts  # the name and step 1 in one message
    assert text.startswith(en.text("exercise_header", number=1, total=3, name=first.name))
    assert "\n<b>Step 1 of" in text
    assert driver.state.progress is not None
    assert (driver.state.progress.area, driver.state.progress.position) == ("calf", "bed")
