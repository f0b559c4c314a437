"""Pictures in the conversation: the first step of each exercise carries its picture, unless the
person turned pictures off in /settings; the caption always fits Telegram's limit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.coach import Coach, Phase
from bot.coach.effects import SaveSettings
from bot.coach.flows.routine import step_message
from bot.coach.profile import Profile, SafetyAnswers
from bot.coach.state import ChatState, InRoutine, Progress
from bot.coach.turn import Turn
from bot.content import Catalog, Content
from bot.telegram.transport import MAX_CAPTION
from tests.auxil.coach_driver import T0, CoachDriver, warning_line
from tests.auxil.zones import zone_book


@pytest.fixture
def pictured(content: Content, tmp_path: Path) -> Content:
    """The real content, with a picture file for every exercise (made up, in a temp folder)."""
    media = {}
    for exercise_id in content.exercises:
        path = tmp_path / f"{exercise_id}.png"
        path.write_bytes(b"\x89PNG fake")
        media[exercise_id] = path
    return replace(content, media=media)


def test_the_first_step_of_each_exercise_carries_its_picture(
    pictured: Content, en: Catalog
) -> None:
    driver = CoachDriver(Coach(pictured, zones=zone_book()), roundtrip=True)
    first = driver.begin("calf", "sitting")
    # The name and the first instruction are one message, and the picture goes with it.
    [step] = first.says
    exercise_id = driver.state.progress.exercise_id if driver.state.progress else ""
    name = pictured.exercise(exercise_id).name
    assert step.text.startswith(en.text("exercise_header", number=1, total=3, name=name))
    assert "<b>Step 1 of" in step.text and step.buttons
    assert step.picture == str(pictured.media[exercise_id])
    second = driver.fire() if driver.state.timer else driver.tap("n")
    assert [say.picture for say in second.says] == [None]


def test_pictures_off_sends_text_only(pictured: Content, en: Catalog) -> None:
    driver = CoachDriver(Coach(pictured, zones=zone_book()), roundtrip=True)
    view = driver.command("settings")
    assert view.texts == [en.text("settings.view", pictures=en.text("settings.on"))]
    assert view.labels == ["Turn pictures off"]
    off = driver.press("Turn pictures off")
    assert [a for a in off.actions if isinstance(a, SaveSettings)] == [SaveSettings(False)]
    assert off.texts == [en.text("settings.pictures_now_off")]
    assert driver.profile.pictures is False
    first = driver.begin("calf", "sitting")
    assert all(say.picture is None for say in first.says)
    assert driver.command("settings").labels == ["Turn pictures on"]


def test_settings_do_not_make_a_routine_stale(pictured: Content) -> None:
    driver = CoachDriver(Coach(pictured, zones=zone_book()), profile=Profile(pictures=True))
    driver.begin("foot", "bed")
    next_button = driver.button_for("n")
    driver.command("settings")
    driver.press("Turn pictures off")
    assert driver.state.phase == Phase.STEP
    reply = driver.press_data(next_button.data)
    assert reply.notes == []


@pytest.mark.parametrize("language", ["en"])
def test_every_first_step_fits_in_a_caption(content: Content, language: str) -> None:
    """Every exercise's first step as the coach words it, with the longest hint it can carry,
    its name, the warning line, and every caution and note the safety profile can add."""
    coach = Coach(content, zones=zone_book())
    worst = Profile(safety=SafetyAnswers("yes", "yes", "yes", "yes", "yes"))
    for exercise_id in content.exercises:
        progress = Progress(
            mode="relief", area="calf", position="sitting", started_at=T0, plan=(exercise_id,)
        )
        turn = Turn(
            ChatState(flow=InRoutine(progress)),
            content=content,
            catalog=content.catalog(language),
            now=T0,
            time_scale=coach.time_scale,
            checkin_after=coach.checkin_after,
            zones=coach.zones,
            profile=worst,
        )
        text = step_message(turn, wait_seconds=99_999, first=True)
        assert warning_line(content) in text
        assert content.safety["pregnancy"].text in text and content.safety["clot_note"].text in text
        assert len(text) <= MAX_CAPTION, (exercise_id, len(text))
