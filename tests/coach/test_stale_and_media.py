"""Buttons from old messages, garbage callback data, unknown commands, stickers and photos."""

from __future__ import annotations

import pytest

from bot.coach import ButtonPress, Notify, Phase
from bot.content import Catalog, Content
from tests.auxil.coach_driver import CoachDriver

AREA_LABELS = [
    "Ankle",
    "Foot / toes / arch",
    "Calf",
    "Shin",
    "No cramp now — a bedtime stretch for night cramps",
]


def assert_only_a_note(reply_actions: tuple[object, ...], en: Catalog) -> None:
    assert reply_actions == (Notify(en.text("stale_button")),)


# -- stale buttons --------------------------------------------------------------------------------
def test_next_pressed_twice_moves_only_once(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    next_button = driver.button_for("n")
    driver.press_data(next_button.data)
    before = driver.state
    again = driver.press_data(next_button.data)  # the same message's Next, a second time
    assert_only_a_note(again.actions, en)
    assert driver.state == before


@pytest.mark.parametrize("verb", ["n", "pa", "sk"])
def test_old_step_buttons_change_nothing(driver: CoachDriver, en: Catalog, verb: str) -> None:
    driver.begin("foot", "sitting")
    old = driver.button_for(verb)
    driver.fire()  # the step moved on by itself
    before = driver.state
    reply = driver.press_data(old.data)
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


def test_an_old_area_button_during_a_routine_changes_nothing(
    driver: CoachDriver, en: Catalog
) -> None:
    start = driver.start()
    calf = next(b for row in start.keyboard for b in row if b.label == "Calf")
    driver.tap("a", "calf")
    driver.tap("p", "bed")
    before = driver.state
    reply = driver.press_data(calf.data)
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


def test_an_old_feeling_button_after_the_routine_changes_nothing(
    driver: CoachDriver, en: Catalog
) -> None:
    driver.begin("ankle", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    gone = driver.button_for("f", "gone")
    driver.tap("f", "better")
    before = driver.state
    reply = driver.press_data(gone.data)
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


def test_a_position_button_from_an_earlier_start(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    old = driver.tap("a", "calf")
    driver.start()  # asked again; the first position question is now stale
    before = driver.state
    reply = driver.press_data(old.keyboard[0][0].data)
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


def test_stop_from_an_old_message_always_works_in_a_routine(
    driver: CoachDriver, en: Catalog
) -> None:
    first = driver.begin("calf", "bed")
    old_stop = next(b for row in first.keyboard for b in row if b.label == "Stop")
    driver.fire()
    driver.fire()
    assert driver.state.screen != int(old_stop.data.split(".")[0])
    reply = driver.press_data(old_stop.data)
    assert reply.notes == [en.text("stopped_note")]
    assert reply.texts == [en.text("stopped")]
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert driver.state.progress is None
    assert driver.state.phase == Phase.IDLE


def test_stop_from_an_old_message_while_paused(driver: CoachDriver) -> None:
    first = driver.begin("shin", "sitting")
    old_stop = next(b for row in first.keyboard for b in row if b.label == "Stop")
    driver.tap("pa")
    reply = driver.press_data(old_stop.data)
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert driver.state.phase == Phase.IDLE


def test_stop_after_the_routine_ended_is_only_a_note(driver: CoachDriver, en: Catalog) -> None:
    first = driver.begin("calf", "sitting")
    old_stop = next(b for row in first.keyboard for b in row if b.label == "Stop")
    driver.command("cancel")
    before = driver.state
    reply = driver.press_data(old_stop.data)
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


@pytest.mark.parametrize(
    "data",
    [
        "",
        "x",
        "garbage",
        "1",
        ".n",
        "a.n",
        "-1.n",
        "1..",
        "².n",
        "١.n",
        "99999999999999999999.n",
        "🙂.n",
    ],
)
def test_garbage_callback_data_is_a_note_never_an_error(
    driver: CoachDriver, en: Catalog, data: str
) -> None:
    driver.begin("calf", "bed")
    before = driver.state
    reply = driver.send(ButtonPress(data))
    assert_only_a_note(reply.actions, en)
    assert driver.state == before


def test_a_current_button_with_a_wrong_argument_is_a_note(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    screen = driver.state.screen
    for data in (f"{screen}.a.knee", f"{screen}.a.", f"{screen}.zz.calf"):
        before = driver.state
        reply = driver.press_data(data)
        assert_only_a_note(reply.actions, en)
        assert driver.state == before


# -- unknown commands -----------------------------------------------------------------------------
def test_unknown_command_when_idle(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("frobnicate")
    assert reply.texts == [en.text("unknown_command")]
    assert driver.state.phase == Phase.IDLE


def test_unknown_command_shows_the_current_question_again(driver: CoachDriver, en: Catalog) -> None:
    start = driver.start()
    reply = driver.command("frobnicate")
    assert reply.texts[0] == en.text("unknown_command")
    assert en.text("ask_area") in reply.texts[1]
    assert reply.keyboard == start.keyboard  # still-valid buttons
    assert driver.press("Calf").labels == ["In bed", "Sitting", "Standing"]


def test_unknown_command_mid_step_shows_the_step_again(driver: CoachDriver, en: Catalog) -> None:
    first = driver.begin("calf", "bed")
    before = driver.state
    reply = driver.command("weather")
    assert reply.texts[0] == en.text("unknown_command")
    assert reply.texts[1].startswith("<b>Step 1 of 3</b>")
    assert reply.keyboard == first.keyboard
    assert reply.timers == [] and reply.cancels == []
    assert driver.state == before


# -- media ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind", ["sticker", "photo", "voice", "video", "document", "location", "other"]
)
def test_media_gets_a_short_kind_reply(driver: CoachDriver, en: Catalog, kind: str) -> None:
    reply = driver.media(kind)
    assert reply.texts[0] == en.text(f"media.{kind}")
    assert len(reply.texts[0]) <= 120
    assert reply.texts[1:] == [en.text("idle_hint")]


def test_an_unknown_media_kind_falls_back(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.media("hologram")
    assert reply.texts[0] == en.text("media.other")


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
def test_media_on_a_question_shows_it_again_with_valid_buttons(
    driver: CoachDriver, en: Catalog, kind: str
) -> None:
    start = driver.start()
    reply = driver.media(kind)
    assert reply.texts == [en.text(f"media.{kind}"), en.text("ask_area")]
    assert reply.keyboard == start.keyboard
    assert driver.state.screen == start.state.screen


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
def test_media_mid_step_shows_the_step_and_keeps_the_timer(
    driver: CoachDriver, content: Content, kind: str
) -> None:
    first = driver.begin("calf", "bed")
    driver.advance(10)
    before = driver.state
    reply = driver.media(kind)
    assert reply.texts[1].startswith("<b>Step 1 of 3</b>")
    assert content.catalog("en").text("hint.hold", seconds=20) in reply.texts[1]  # time left
    assert reply.keyboard == first.keyboard
    assert reply.timers == [] and reply.cancels == []
    assert driver.state == before


def test_media_on_the_feeling_question(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    asked = driver.history[-1]
    reply = driver.media("sticker")
    assert reply.texts[1] == en.text("ask_feeling")
    assert reply.keyboard == asked.keyboard
    assert driver.tap("f", "gone").text.startswith(en.text("wrapup.gone"))


def test_media_while_paused_and_on_the_routine_menu(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    paused = driver.tap("pa")
    reply = driver.media("photo")
    assert reply.texts[1] == en.text("paused")
    assert reply.keyboard == paused.keyboard
    driver.command("cancel")
    menu = driver.command("routine")
    reply = driver.media("photo")
    assert reply.texts[1] == en.text("routine_menu")
    assert reply.keyboard == menu.keyboard


def test_media_on_the_checkin(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    driver.tap("f", "gone")
    checkin = driver.fire()
    reply = driver.media("voice")
    assert reply.texts[1] == en.text("checkin_question")
    assert reply.keyboard == checkin.keyboard


def test_why_this_shows_the_sources_even_from_an_old_message(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    reply = driver.begin("calf", "bed")
    step = reply.says[0]
    [why] = [button for button in step.buttons[-1] if button.label == "Why this?"]
    exercise = content.exercise(content.routine_for("relief", "calf", "bed").exercises[0])
    assert why.data.endswith(f".w.{exercise.id}")
    assert exercise.why not in step.text  # the explanation waits behind the button
    driver.finish("gone")
    state_before = driver.state
    answer = driver.press_data(why.data)
    sources = [content.sources[key] for key in exercise.sources]
    assert exercise.adapted_from is None
    assert answer.texts == [
        en.text(
            "why_this",
            name=exercise.name,
            why=exercise.why,
            evidence=en.text(f"evidence.{exercise.evidence}"),
            sources="\n".join(
                en.text("why.source", organisation=s.organisation, title=s.title, url=s.url)
                for s in sources
            ),
        )
    ]
    assert "Where this comes from:" in answer.text
    for source in sources:  # each by its title and address, not a bare name
        assert source.title in answer.text and source.url in answer.text
    assert answer.actions == tuple(answer.says)  # informational: no timer, no record
    assert driver.state == state_before  # nothing else changes


def test_why_this_names_the_trial_an_exercise_is_adapted_from_first(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", "bed")
    driver.tap("n")  # ankle pumps, step 1 of 2
    driver.tap("n")
    assert driver.state.progress is not None
    exercise = content.exercise(driver.state.progress.exercise_id)
    assert exercise.adapted_from == "hallegraeff_2012"
    answer = driver.tap("w", exercise.id)
    trial = content.sources["hallegraeff_2012"]
    lines = answer.text.split("<i>Where this comes from:</i>\n")[1].split("\n")
    assert lines[:2] == [
        f"• Adapted from {trial.organisation}: {trial.title}",
        trial.url,
    ]
    assert answer.text.count(trial.url) == 1  # not listed again among the other sources
    assert en.text("evidence.trial_mixed") in answer.text
    assert "studies disagree" in answer.text


def test_why_this_for_an_unknown_exercise_is_a_kind_note(driver: CoachDriver) -> None:
    driver.start()
    reply = driver.press_data(f"{driver.state.screen}.w.no_such_exercise")
    assert reply.says == []
    assert reply.notes and "earlier message" in reply.notes[0]
