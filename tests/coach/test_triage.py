"""/start, the two quick questions, /routine and the plain commands."""

from __future__ import annotations

import pytest

from bot.coach import COMMANDS, Coach, LogEpisode, Phase, Reopened, Say
from bot.coach.profile import Profile, SafetyAnswers
from bot.content import AREAS, POSITIONS, Catalog, Content
from tests.auxil.coach_driver import CoachDriver, scratch, warning_line

AREA_LABELS = [
    "Ankle",
    "Foot / toes / arch",
    "Calf",
    "Shin",
    "No cramp now — a bedtime stretch for night cramps",
]
POSITION_LABELS = ["In bed", "Sitting", "Standing"]
STEADY = Profile(safety=SafetyAnswers("no", "no", "no", "no", "no"))


def test_start_greets_warns_and_asks_whats_cramping(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.start()
    assert len(reply.says) == 1
    text = reply.text
    assert text.startswith(en.text("welcome"))
    assert "not a doctor" in text and "medical advice" in text
    # Where the warning signs are: the button under every step, by its own label.
    assert en.button("warning_signs") in text
    assert "What's cramping?" in text
    assert reply.labels == AREA_LABELS
    assert driver.state.phase == Phase.ASK_AREA
    assert driver.state.known


def test_area_buttons_sit_two_to_a_row(driver: CoachDriver) -> None:
    reply = driver.start()
    assert [len(row) for row in reply.keyboard] == [2, 2, 1]


def test_returning_user_is_greeted_as_returning(driver: CoachDriver, en: Catalog) -> None:
    first = driver.start()
    second = driver.start()
    assert first.text.startswith(en.text("welcome"))
    assert second.text.startswith(en.text("welcome_back"))
    assert en.text("welcome") not in second.text
    assert second.labels == AREA_LABELS


@pytest.mark.parametrize("area", AREAS)
def test_choosing_an_area_asks_for_the_position(driver: CoachDriver, area: str) -> None:
    driver.start()
    reply = driver.tap("a", area)
    assert "Where are you right now?" in reply.text
    assert reply.labels == POSITION_LABELS
    assert driver.state.phase == Phase.ASK_POSITION
    assert scratch(driver.state).choice_area == area


def test_prevent_asks_where_the_stretches_happen(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    reply = driver.press("No cramp now — a bedtime stretch for night cramps")
    assert reply.text == en.text("ask_position_prevention")
    assert reply.labels == POSITION_LABELS
    assert scratch(driver.state).choice_mode == "prevention"


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_first_instruction_comes_two_taps_after_start(
    driver: CoachDriver, content: Content, en: Catalog, area: str, position: str
) -> None:
    driver.start()
    driver.tap("a", area)  # tap 1
    reply = driver.tap("p", position)  # tap 2
    routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
    first = content.exercise(routine.exercises[0])
    assert driver.state.phase == Phase.STEP
    # One message: the name, the warning line, then step 1 (no title message before it).
    [step] = reply.texts
    name = en.text("exercise_header", number=1, total=len(routine.exercises), name=first.name)
    warning = warning_line(content)
    assert step.startswith(f"{name}\n{warning}\n\n<b>Step 1 of {len(first.steps)}</b>\n")
    assert first.steps[0].text in step
    assert first.why not in step  # the explanation waits behind "Why this?"
    wait = first.steps[0].wait_seconds
    if first.is_transition:  # standing: sit down first, at the person's own pace
        assert (position, wait, reply.timers) == ("standing", None, [])
        assert en.text("hint.manual") in step
        reply = driver.tap("n")  # straight on to the first stretch, no question in between
        first = content.exercise(routine.exercises[1])
        [step] = reply.texts
        assert step.startswith(
            en.text("exercise_header", number=2, total=len(routine.exercises), name=first.name)
        )
        wait = first.steps[0].wait_seconds
    # A real instruction with a hold or a duration, and the follow-up that goes with it.
    assert wait is not None
    assert [(t.due_at - driver.now).total_seconds() for t in reply.timers] == [wait]
    assert f"about {wait} " in step


@pytest.mark.parametrize("profile", [Profile(), STEADY], ids=["careful", "steady"])
@pytest.mark.parametrize("area", AREAS)
def test_standing_always_says_hold_on(
    coach: Coach, content: Content, area: str, profile: Profile
) -> None:
    driver = CoachDriver(coach, profile=profile)
    reply = driver.begin(area, "standing")
    assert "hold on to something heavy and fixed" in reply.texts[0].lower()
    assert driver.state.progress is not None
    plan = driver.state.progress.plan
    steady = profile == STEADY
    assert plan == content.routine_for("relief", area, "standing", steady=steady).exercises  # type: ignore[arg-type]
    if plan[0] == "sit_down_safely":  # careful (or no standing stretch for the shin): sit first
        assert not steady or area == "shin"
        assert not any(content.exercise(e).has("standing", "walking") for e in plan[1:])
    else:  # steady: the standing stretch itself starts by holding on
        assert steady and content.exercise(plan[0]).has("standing")


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("position", ["bed", "sitting"])
def test_not_standing_has_no_hold_on_note(
    driver: CoachDriver, content: Content, area: str, position: str
) -> None:
    reply = driver.begin(area, position)
    assert "hold on" not in reply.text.lower()
    assert content.safety["getting_up"].text not in reply.text
    assert driver.state.progress is not None
    for exercise_id in driver.state.progress.plan:
        assert not content.exercise(exercise_id).has("standing", "sits_down", "gets_up")


@pytest.mark.parametrize("area", AREAS)
def test_in_bed_the_warning_line_comes_first_and_nothing_asks_to_stand(
    driver: CoachDriver, content: Content, area: str
) -> None:
    reply = driver.begin(area, "bed")
    assert warning_line(content) in reply.texts[0]
    routine = content.routine_for("relief", area, "bed")  # type: ignore[arg-type]
    for exercise_id in routine.exercises:  # the main plan; alternates come only on request
        exercise = content.exercise(exercise_id)
        assert "bed" in exercise.positions
        assert "standing" not in exercise.positions, exercise_id
    first = content.exercise(routine.exercises[0])
    assert not any("stand" in step.text.lower() for step in first.steps)


def test_the_warning_line_is_said_once_not_for_every_exercise(
    driver: CoachDriver, content: Content
) -> None:
    driver.begin("calf", "bed")
    walk = driver.finish("better")
    warning = warning_line(content)
    assert warning in driver.history[2].text
    assert not any(warning in text for text in walk.texts)


def test_a_position_before_an_area_cannot_start_a_routine(driver: CoachDriver) -> None:
    driver.start()
    reply = driver.press_data(f"{driver.state.screen}.p.bed")  # wrong question for this screen
    assert driver.state.phase == Phase.ASK_AREA
    assert reply.says == []
    assert reply.notes


# -- /routine -------------------------------------------------------------------------------------
def test_routine_menu_for_a_new_user_has_areas_and_bedtime(driver: CoachDriver) -> None:
    reply = driver.command("routine")
    assert "Which routine" in reply.text
    assert reply.labels == [
        "Ankle",
        "Foot / toes / arch",
        "Calf",
        "Shin",
        "Bedtime stretch (about 4 min)",
    ]
    assert not any(label.startswith("Again") for label in reply.labels)
    assert driver.state.phase == Phase.ROUTINE_MENU


def test_routine_menu_repeats_the_last_area_in_one_tap(
    driver: CoachDriver, content: Content
) -> None:
    driver.begin("calf", "sitting")
    driver.finish("better")
    menu = driver.command("routine")
    assert menu.labels[0] == "Again: Calf"
    reply = driver.press("Again: Calf")
    routine = content.routine_for("relief", "calf", "sitting")
    assert driver.state.phase == Phase.STEP
    assert driver.state.progress is not None
    assert driver.state.progress.area == "calf"
    assert driver.state.progress.position == "sitting"
    assert content.exercise(routine.exercises[0]).name in reply.texts[0]


@pytest.mark.parametrize("area", AREAS)
def test_again_label_names_each_area(driver: CoachDriver, en: Catalog, area: str) -> None:
    driver.begin(area, "bed")
    driver.command("cancel")
    menu = driver.command("routine")
    assert menu.labels[0] == f"Again: {en.text(f'area.{area}')}"
    assert menu.labels[0] == f"Again: {area.capitalize()}"


def test_routine_menu_area_asks_the_position(driver: CoachDriver) -> None:
    driver.command("routine")
    reply = driver.press("Shin")
    assert reply.labels == POSITION_LABELS
    assert scratch(driver.state).choice_area == "shin"


@pytest.mark.parametrize("position", POSITIONS)
def test_routine_menu_bedtime_starts_the_prevention_routine(
    driver: CoachDriver, content: Content, en: Catalog, position: str
) -> None:
    driver.command("routine")
    driver.press("Bedtime stretch (about 4 min)")
    reply = driver.tap("p", position)
    routine = content.routine_for("prevention", None, position)  # type: ignore[arg-type]
    assert reply.texts[0] == en.text("prevention_intro")
    assert "4 minutes" in reply.texts[0]
    first = content.exercise(routine.exercises[0])
    name = en.text("exercise_header", number=1, total=len(routine.exercises), name=first.name)
    assert reply.texts[1].startswith(f"{name}\n\n<b>Step 1 of {len(first.steps)}</b>")
    assert len(reply.texts) == 2
    assert driver.state.progress is not None
    assert driver.state.progress.mode == "prevention"


def test_routine_abandons_a_running_routine_and_logs_it(driver: CoachDriver) -> None:
    driver.begin("foot", "sitting")
    reply = driver.command("routine")
    assert [e.outcome for e in reply.episodes] == ["abandoned"]
    assert driver.state.progress is None
    assert driver.state.timer is None
    assert reply.cancels


# -- the plain commands ---------------------------------------------------------------------------
def test_help_lists_commands_and_warning_signs(driver: CoachDriver, content: Content) -> None:
    reply = driver.command("help")
    for name in COMMANDS:
        assert f"/{name}" in reply.text
    assert content.safety["red_flags_summary"].text in reply.text
    assert driver.state.phase == Phase.IDLE


def test_help_mid_routine_keeps_the_routine(driver: CoachDriver) -> None:
    driver.begin("calf", "bed")
    before = driver.state
    reply = driver.command("help")
    assert driver.state == before
    assert reply.timers == [] and reply.cancels == []


def test_privacy_says_what_is_stored(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("privacy")
    [text] = reply.texts
    assert text.startswith(en.text("privacy.intro"))
    for table in ("users", "chat_states", "episodes", "reminders", "reminder_sends"):
        assert en.text(f"privacy.{table}") in text
    assert "/export" in text and "/forget" in text
    assert "store" in reply.text


def test_cancel_mid_routine_stops_routine_and_timers(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    token = driver.state.timer.token if driver.state.timer else None
    assert token is not None
    reply = driver.command("cancel")
    assert reply.texts == [en.text("cancelled")]
    assert "stopped" in reply.text
    assert [c.token for c in reply.cancels] == [token]
    assert [e.outcome for e in reply.episodes] == ["cancelled"]
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None


def test_cancel_with_nothing_running_says_so(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("cancel")
    assert reply.texts == [en.text("cancel_nothing")]
    assert reply.episodes == [] and reply.cancels == []


def test_cancel_during_the_questions_clears_the_choice(driver: CoachDriver, en: Catalog) -> None:
    driver.start()
    driver.tap("a", "shin")
    reply = driver.command("cancel")
    assert reply.texts == [en.text("cancelled")]
    assert driver.state.phase == Phase.IDLE
    assert scratch(driver.state).choice_area is None and scratch(driver.state).choice_mode is None


def test_start_mid_routine_abandons_it(driver: CoachDriver) -> None:
    driver.begin("ankle", "sitting")
    reply = driver.start()
    assert [e.outcome for e in reply.episodes] == ["abandoned"]
    assert driver.state.phase == Phase.ASK_AREA
    assert reply.cancels


def test_language_falls_back_to_english(coach: Coach, en: Catalog) -> None:
    driver = CoachDriver(coach, language="ja")
    reply = driver.start()
    assert driver.state.language == "ja"
    assert reply.text.startswith(en.text("welcome"))


def test_telegram_language_picks_a_shipped_one(coach: Coach) -> None:
    driver = CoachDriver(coach, language="de-AT")
    reply = driver.start()
    de = coach.content.catalog("de")
    assert de.language == "de"
    assert reply.text.startswith(de.text("welcome"))


def test_every_action_is_plain_data(driver: CoachDriver) -> None:
    driver.begin("calf", "bed")
    driver.finish("gone")
    kinds = {type(action).__name__ for reply in driver.history for action in reply.actions}
    assert {"Say", "StartTimer", "LogEpisode"} <= kinds
    episodes = [a for r in driver.history for a in r.actions if isinstance(a, LogEpisode)]
    assert len(episodes) == 1
    assert all(isinstance(s, Say) for r in driver.history for s in r.says)


def test_reopening_picks_up_a_routine_in_progress(driver: CoachDriver) -> None:
    driver.begin("calf", "sitting")
    step_before = driver.state.progress
    reply = driver.send(Reopened())
    assert reply.texts[0] == "Welcome back. Here's where we were:"
    assert reply.texts[1].startswith("<b>Step 1 of")
    assert driver.state.progress == step_before
    assert reply.timers == []  # the pending hold keeps its original due time


def test_reopening_an_idle_chat_is_a_fresh_start(driver: CoachDriver) -> None:
    reply = driver.send(Reopened())
    assert "What's cramping?" in reply.text
    assert driver.state.phase == Phase.ASK_AREA
