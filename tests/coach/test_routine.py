"""Walking whole routines: numbering, one step per message, buttons, skip and the episode record."""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

import pytest

from bot.coach import Coach, Phase
from bot.coach.profile import Profile, SafetyAnswers
from bot.content import AREAS, POSITIONS, Catalog, Content, Routine, Step, html_problem
from bot.telegram.transport import MAX_CALLBACK_BYTES
from tests.auxil.coach_driver import CoachDriver, Reply, warning_line
from tests.auxil.zones import zone_book

STEP_LABELS = ["Next ▶", "Pause", "Skip exercise", "Stop", "⚠️ Warning signs", "Why this?"]
# The exercise's name opens its first step ("<b>2 of 3 · Rub the calf</b>"); then each step.
_MARK = re.compile(r"<b>(?:(\d+) of (\d+) · |Step (\d+) of (\d+)</b>)")
STEADY = Profile(safety=SafetyAnswers("no", "no", "no", "no", "no"))


def marks(texts: list[str]) -> list[tuple[str, int, int]]:
    """("Exercise", 1, 3), ("Step", 1, 5), … in the order the user read them."""
    out: list[tuple[str, int, int]] = []
    for text in texts:
        for n, total, step, steps in _MARK.findall(text):
            out.append(("Exercise", int(n), int(total)) if n else ("Step", int(step), int(steps)))
    return out


def expected_marks(content: Content, plan: tuple[str, ...]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for index, exercise_id in enumerate(plan):
        out.append(("Exercise", index + 1, len(plan)))
        steps = content.exercise(exercise_id).steps
        out.extend(("Step", number, len(steps)) for number in range(1, len(steps) + 1))
    return out


def header(en: Catalog, content: Content, number: int, total: int, exercise_id: str) -> str:
    """The line that opens the first step of an exercise."""
    exercise = content.exercise(exercise_id)
    key = "exercise_header_optional" if exercise.optional else "exercise_header"
    return en.text(key, number=number, total=total, name=exercise.name)


def walk(driver: CoachDriver, first: Reply, *, use_timers: bool) -> list[Reply]:
    return [first, *driver.finish("better", use_timers=use_timers).replies]


def check_every_message(replies: list[Reply]) -> None:
    for reply in replies:
        for say in reply.says:
            assert html_problem(say.text) is None, say.text
            assert len(say.text) <= 4096
            for row in say.buttons:
                for button in row:
                    assert len(button.data.encode()) <= MAX_CALLBACK_BYTES


def check_names_open_first_steps(texts: list[str]) -> None:
    """No exercise name stands alone: the message that names an exercise is its step 1."""
    for text in texts:
        found = marks([text])
        for index, mark in enumerate(found):
            if mark[0] == "Exercise":
                assert text.startswith("<b>"), text  # the name comes first
                assert found[index + 1 : index + 2] and found[index + 1][:2] == ("Step", 1), text


@pytest.mark.parametrize("use_timers", [True, False], ids=["timers", "next"])
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_relief_routine_walks_to_its_end(
    driver: CoachDriver, content: Content, en: Catalog, area: str, position: str, use_timers: bool
) -> None:
    routine: Routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
    first = driver.begin(area, position)
    replies = walk(driver, first, use_timers=use_timers)
    texts = [text for reply in replies for text in reply.texts]

    assert marks(texts) == expected_marks(content, routine.exercises)
    check_names_open_first_steps(texts)
    # One step per message: no message carries two step headers.
    assert all(len(re.findall(r"<b>Step \d+ of", text)) <= 1 for text in texts)
    # The one line of warning signs comes once, with the first instruction.
    warning = warning_line(content)
    assert warning in first.texts[0]
    assert sum(text.count(warning) for text in texts) == 1
    # After each exercise: how is the cramp now? Sitting down first is a move, not a stretch,
    # so it gets no question; it is recorded as done.
    stretches = [e for e in routine.exercises if not content.exercise(e).is_transition]
    assert sum(text == en.text("ask_feeling") for text in texts) == len(stretches)
    # The end: a wrap-up, the episode logged once, a quiet check-in armed.
    episodes = [e for reply in replies for e in reply.episodes]
    assert len(episodes) == 1
    episode = episodes[0]
    assert (episode.kind, episode.area, episode.position, episode.outcome) == (
        "relief",
        area,
        position,
        "better",
    )
    assert episode.exercises == tuple(
        (e, "better" if e in stretches else "done") for e in routine.exercises
    )
    assert episode.started_at == driver.history[2].state.progress.started_at  # type: ignore[union-attr]
    if use_timers:  # the holds took real (simulated) time
        assert episode.ended_at > episode.started_at
    assert en.text("wrapup.better") in texts[-1]
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None
    assert driver.state.timer is not None and driver.state.timer.kind == "checkin"
    assert driver.state.last_area == area and driver.state.last_position == position
    check_every_message(replies)


@pytest.mark.parametrize("use_timers", [True, False], ids=["timers", "next"])
@pytest.mark.parametrize("position", POSITIONS)
def test_bedtime_routine_walks_to_its_end(
    driver: CoachDriver, content: Content, en: Catalog, position: str, use_timers: bool
) -> None:
    routine = content.routine_for("prevention", None, position)  # type: ignore[arg-type]
    driver.command("routine")
    driver.tap("a", "prevent")
    first = driver.tap("p", position)
    replies = walk(driver, first, use_timers=use_timers)
    texts = [text for reply in replies for text in reply.texts]

    assert marks(texts) == expected_marks(content, routine.exercises)
    check_names_open_first_steps(texts)
    # No cramp, so no warning line before the first stretch (the button is on every step).
    assert warning_line(content) not in "".join(texts)
    # The bedtime stretch flows on without asking about a cramp.
    assert en.text("ask_feeling") not in texts
    episodes = [e for reply in replies for e in reply.episodes]
    assert len(episodes) == 1
    assert (episodes[0].kind, episodes[0].area, episodes[0].position, episodes[0].outcome) == (
        "prevention",
        None,
        position,
        "done",
    )
    assert episodes[0].exercises == tuple((e, "done") for e in routine.exercises)
    assert texts[-1].startswith(en.text("prevention_done"))
    assert content.safety["evidence"].text in texts[-1]
    assert "studies disagree" in texts[-1]
    # No check-in after a bedtime stretch: the user is going to sleep.
    assert driver.state.timer is None
    assert driver.state.phase == Phase.IDLE
    # The bedtime routine does not become "the last area" to repeat.
    assert driver.state.last_area is None
    check_every_message(replies)


@pytest.mark.parametrize("position", POSITIONS)
def test_bedtime_routine_takes_about_three_minutes(content: Content, position: str) -> None:
    routine = content.routine_for("prevention", None, position)  # type: ignore[arg-type]
    timed = sum(
        step.wait_seconds or 0
        for exercise_id in routine.exercises
        for step in content.exercise(exercise_id).steps
    )
    assert 150 <= timed <= 300


@pytest.mark.parametrize("position", ["bed", "sitting"])
def test_bedtime_in_bed_or_seated_never_asks_to_stand(content: Content, position: str) -> None:
    routine = content.routine_for("prevention", None, position)  # type: ignore[arg-type]
    for exercise_id in routine.exercises:
        exercise = content.exercise(exercise_id)
        assert "standing" not in exercise.positions
        assert not any("stand up" in step.text.lower() for step in exercise.steps)


@pytest.mark.parametrize("profile", [Profile(), STEADY], ids=["careful", "steady"])
def test_bedtime_standing_holds_on_to_something_fixed_or_sits_down(
    coach: Coach, content: Content, en: Catalog, profile: Profile
) -> None:
    driver = CoachDriver(coach, profile=profile)
    driver.command("routine")
    driver.tap("a", "prevent")
    first = driver.tap("p", "standing")
    walk_ = driver.finish()
    plan = content.routine_for("prevention", None, "standing", steady=profile == STEADY).exercises
    texts = [*first.texts, *walk_.texts]
    firsts = [t for t in texts if marks([t])[:1] and marks([t])[0][0] == "Exercise"]
    assert len(firsts) == len(plan)
    for number, (exercise_id, text) in enumerate(zip(plan, firsts, strict=True), start=1):
        exercise = content.exercise(exercise_id)
        assert text.startswith(header(en, content, number, len(plan), exercise_id))
        if exercise.has("standing", "sits_down"):  # support named in the first instruction
            assert any(w in text.lower() for w in ("hold on", "wall")), text
    if profile == STEADY:
        assert all(content.exercise(e).has("standing") for e in plan)
    else:  # until someone says they are steady: sit down first, then stretch seated
        assert plan[0] == "sit_down_safely"
        assert "hold on to something heavy and fixed" in firsts[0].lower()
        assert all(not content.exercise(e).has("standing") for e in plan[1:])


def test_each_step_is_its_own_message_with_next_pause_skip_stop(
    driver: CoachDriver, content: Content
) -> None:
    first = driver.begin("calf", "bed")
    assert first.labels == STEP_LABELS
    assert [len(row) for row in first.keyboard] == [2, 2, 2]
    second = driver.tap("n")
    assert len(second.says) == 1
    assert second.text.startswith("<b>Step 2 of")
    assert second.labels == STEP_LABELS
    # "Why this?" names the exercise on screen.
    exercise_id = content.routine_for("relief", "calf", "bed").exercises[0]
    assert driver.button_for("w").data.endswith(f".w.{exercise_id}")
    # Every step gets a fresh screen, so the previous step's buttons become stale.
    assert first.keyboard[0][0].data != second.keyboard[0][0].data


def test_a_step_without_a_timer_waits_for_next(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("calf", "bed")  # calf_stretch_towel: 30 s, 20 s, then a manual step
    driver.fire()
    reply = driver.fire()
    assert reply.text.startswith("<b>Step 3 of 3</b>")
    assert en.text("hint.manual") in reply.text
    assert reply.timers == []
    assert driver.state.timer is None
    assert driver.state.phase == Phase.STEP


def test_reps_are_said_once(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("ankle", "sitting")
    driver.tap("sk")
    reply = driver.tap("sk")  # ankle_circles: 10 reps, and its text says so
    assert driver.state.progress is not None
    assert driver.state.progress.exercise_id == "ankle_circles"
    assert "10 slow, small circles" in reply.text
    assert en.text("hint.reps", reps=10) not in reply.text


def test_reps_the_text_does_not_mention_get_a_hint(content: Content, en: Catalog) -> None:
    step = Step(text="Circle the ankle slowly.", reps=8, duration_seconds=20)
    first = content.routine_for("relief", "ankle", "sitting").exercises[0]
    exercise = content.exercise(first).model_copy(update={"steps": (step,)})
    changed = replace(content, exercises=MappingProxyType({**content.exercises, first: exercise}))
    driver = CoachDriver(Coach(changed, zones=zone_book()))
    reply = driver.begin("ankle", "sitting")
    assert en.text("hint.reps", reps=8) in reply.text


def test_better_moves_to_the_next_exercise(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    driver.begin("foot", "sitting")
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    reply = driver.tap("f", "better")
    second = content.routine_for("relief", "foot", "sitting").exercises[1]
    assert reply.texts[0] == en.text("better_next")
    assert reply.texts[1].startswith(header(en, content, 2, 3, second))
    assert len(reply.texts) == 2


# -- skip -----------------------------------------------------------------------------------------
def test_skip_goes_to_the_next_exercise_and_records_it(
    driver: CoachDriver, content: Content
) -> None:
    driver.begin("calf", "sitting")
    token = driver.state.timer.token if driver.state.timer else ""
    reply = driver.tap("sk")
    routine = content.routine_for("relief", "calf", "sitting")
    assert [c.token for c in reply.cancels] == [token]
    [text] = reply.texts
    assert text.startswith(header(content.catalog("en"), content, 2, 3, routine.exercises[1]))
    assert driver.state.progress is not None
    assert driver.state.progress.outcomes == ((routine.exercises[0], "skipped"),)


def test_skip_moves_on_and_never_swaps_in_a_variant(driver: CoachDriver, content: Content) -> None:
    """No exercise brings its own easier variant any more: skipping just moves on. What someone
    cannot do is kept out of the plan from the start, by tags and the safety profile."""
    routine = content.routine_for("relief", "shin", "standing")
    driver.begin("shin", "standing")
    for index in range(1, len(routine.exercises)):
        driver.tap("sk")
        assert driver.state.progress is not None
        assert driver.state.progress.plan == routine.exercises
        assert driver.state.progress.exercise_id == routine.exercises[index]


@pytest.mark.parametrize(
    ("answers", "offered"),
    [
        (SafetyAnswers(), False),  # not answered: the careful case
        (SafetyAnswers("no", "yes", "no", "no", "no"), False),  # a knee replacement
        (SafetyAnswers("no", "unsaid", "no", "no", "no"), False),
        (SafetyAnswers("yes", "no", "no", "no", "no"), False),  # unsteady
        (SafetyAnswers("no", "no", "yes", "yes", "yes"), True),  # nothing against kneeling
    ],
)
def test_a_kneeling_exercise_is_only_offered_to_whom_it_suits(
    content: Content, answers: SafetyAnswers, offered: bool
) -> None:
    """A kneeling exercise (tag `kneeling`) is left out unless balance and joints are both "no"."""
    kneeling = content.exercise("shin_massage").model_copy(
        update={"tags": frozenset({"kneeling", "massage"})}
    )
    changed = replace(
        content, exercises=MappingProxyType({**content.exercises, "shin_massage": kneeling})
    )
    driver = CoachDriver(Coach(changed, zones=zone_book()), profile=Profile(safety=answers))
    driver.begin("shin", "sitting")
    plan = content.routine_for("relief", "shin", "sitting").exercises
    assert "shin_massage" in plan
    expected = plan if offered else tuple(e for e in plan if e != "shin_massage")
    assert driver.state.progress is not None
    assert driver.state.progress.plan == expected
    walk_ = driver.finish("better", use_timers=False)
    assert (kneeling.name in " ".join([*driver.history[2].texts, *walk_.texts])) == offered


def test_skipping_the_last_relief_exercise_asks_how_it_is(
    driver: CoachDriver, content: Content, en: Catalog
) -> None:
    plan = content.routine_for("relief", "calf", "standing").exercises
    driver.begin("calf", "standing")
    for _ in range(len(plan) - 1):
        driver.tap("sk")
    assert driver.state.progress is not None
    assert driver.state.progress.exercise_id == plan[-1]
    reply = driver.tap("sk")
    assert reply.text == en.text("ask_feeling")
    assert driver.state.phase == Phase.ASK_FEELING
    assert [o for _, o in driver.state.progress.outcomes] == ["skipped"] * len(plan)


def test_skipping_the_whole_bedtime_routine_ends_it_once(driver: CoachDriver, en: Catalog) -> None:
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", "sitting")
    driver.tap("sk")
    reply = driver.tap("sk")
    assert reply.texts[0].startswith(en.text("prevention_done"))
    assert [e.outcome for e in reply.episodes] == ["done"]
    assert [o for _, o in reply.episodes[0].exercises] == ["skipped", "skipped"]
    assert driver.state.phase == Phase.IDLE


# -- stop -----------------------------------------------------------------------------------------
def test_stop_button_ends_the_routine_and_logs_it(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("shin", "bed")
    reply = driver.tap("x")
    assert reply.notes == [en.text("stopped_note")]
    assert reply.texts == [en.text("stopped")]
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert reply.cancels
    assert driver.state.phase == Phase.IDLE
    assert driver.state.progress is None and driver.state.timer is None


def test_stop_from_the_last_step_works_on_the_feeling_question(driver: CoachDriver) -> None:
    driver.begin("ankle", "bed")
    stop = driver.button_for("x")
    while driver.state.phase == Phase.STEP:
        stop = driver.button_for("x")
        driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING
    assert driver.state.screen != int(stop.data.split(".")[0])
    reply = driver.press_data(stop.data)
    assert [e.outcome for e in reply.episodes] == ["stopped"]
    assert driver.state.progress is None
