"""The content linter: the clinical rules of content/, so that the next edit cannot break one.

Each test is one rule a clinical review asked for, written against the loaded content (and,
where the rule is about what a person reads, against what the coach actually sends). The rules:

1. Relief routines never ask anyone to stand on one leg, lift a foot while standing, or kneel.
2. No pointed toes in any routine done in bed, nor in calf or foot relief.
3. Someone in bed or sitting is never asked to stand, except by a standing option they choose;
   such an option is only for the steady, and carries the getting-up caution.
4. Until someone says they are steady, a standing person sits down first and stretches seated.
5. An ankle cramp starts with the held calf stretch, then the held toe pull; circles and toe
   writing come after, as optional extras, seated or lying.
6. The bedtime routine cues every 10-second hold on its own, and ankle pumps end at neutral.
7. "Worse" says to ease the pull, not to let the toes point, and names the warning signs.
8. Every exercise has contraindication tags, an evidence strength and verified sources; no
   source is the seed article.
9. Between the last tap and the first instruction a person reads under 40 words, among them
   the exercise's name and one line of warning signs; every step has a "Warning signs" button.
10. The banned evidence phrases ("helps many people", "proven", "will prevent"...) never appear.
11. Every warning sign is recognised when typed, and not when negated (a phrase test each).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.coach import Coach, callbacks
from bot.coach.intents import find_intents
from bot.coach.profile import NO_ANSWERS, Profile, SafetyAnswers
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import AREAS, POSITIONS, Content, Exercise, Routine, load_content
from tests.auxil.coach_driver import CoachDriver, flat, warning_line
from tests.auxil.zones import zone_book

STEADY = Profile(safety=SafetyAnswers("no", "no", "no", "no", "no"))
CAREFUL = Profile(safety=NO_ANSWERS)
WORD_BUDGET = 40


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


def _relief(content: Content) -> list[Routine]:
    return [r for r in content.routines if r.mode == "relief"]


def _all_exercises(routine: Routine) -> tuple[str, ...]:
    return (*routine.exercises, *routine.alternates, *routine.options)


def _used(content: Content, routine: Routine) -> Iterator[Exercise]:
    return (content.exercise(e) for e in _all_exercises(routine))


# -- 1, 2: stance and pointed toes ------------------------------------------------------------
def test_relief_never_stands_on_one_leg_or_kneels(content: Content) -> None:
    for routine in _relief(content):
        for exercise in _used(content, routine):
            assert not exercise.has("one_leg", "kneeling"), (routine.id, exercise.id)


def test_no_pointed_toes_in_bed(content: Content) -> None:
    for routine in content.routines:
        if "bed" in routine.positions:
            for exercise in _used(content, routine):
                assert not exercise.has("points_toes"), (routine.id, exercise.id)


@pytest.mark.parametrize("area", ["calf", "foot"])
def test_no_pointed_toes_in_calf_or_foot_relief(content: Content, area: str) -> None:
    for routine in _relief(content):
        if routine.area == area:
            assert not any(e.has("points_toes") for e in _used(content, routine)), routine.id


def test_no_child_pose_or_high_heel_anywhere(content: Content) -> None:
    for exercise in content.exercises.values():
        words = " ".join([exercise.name, exercise.why, *(s.text for s in exercise.steps)]).lower()
        assert "child" not in words and "heel shoe" not in words and "high heel" not in words


# -- 3, 4: nobody is asked to stand ------------------------------------------------------------
def test_in_bed_or_sitting_nothing_stands_unless_chosen(content: Content) -> None:
    for routine in content.routines:
        if routine.positions & {"bed", "sitting"}:
            for exercise_id in (*routine.exercises, *routine.alternates):
                exercise = content.exercise(exercise_id)
                assert not exercise.has("standing", "gets_up", "walking"), (routine.id, exercise_id)
            for option in routine.options:
                assert content.exercise(option).has("gets_up"), (routine.id, option)


def test_standing_options_are_for_the_steady_only(content: Content) -> None:
    avoided_unless_steady = content.profile_rules["balance"].avoid
    assert {"standing", "gets_up", "walking", "one_leg", "kneeling"} <= avoided_unless_steady


def test_the_getting_up_caution(content: Content) -> None:
    text = content.safety["getting_up"].text.lower()
    for words in ("one leg", "steady", "push up", "both hands", "bed", "not a chair back"):
        assert words in text, words
    assert "both legs" in text and "stay where you are" in text


def test_a_careful_standing_routine_sits_down_first(content: Content) -> None:
    for routine in content.routines:
        if routine.positions == {"standing"} and not routine.steady:
            first = content.exercise(routine.exercises[0])
            assert first.has("sits_down"), routine.id
            for exercise in _used(content, routine):
                assert not exercise.has("standing", "walking", "one_leg"), (routine.id, exercise.id)


def test_support_is_fixed_furniture_never_a_chair_back(content: Content) -> None:
    for exercise in content.exercises.values():
        for step in exercise.steps:
            assert "chair back" not in step.text.lower(), exercise.id
        if exercise.has("standing", "sits_down"):  # said before the first hold or movement
            timed = next(
                i for i, s in enumerate([*exercise.steps, None]) if s is None or s.wait_seconds
            )
            before = " ".join(step.text.lower() for step in exercise.steps[: timed + 1])
            assert any(w in before for w in ("heavy", "wall", "fixed")), exercise.id


# -- 5: ankle ---------------------------------------------------------------------------------
def test_ankle_relief_holds_calf_then_toes_then_optional_extras(content: Content) -> None:
    for routine in _relief(content):
        if routine.area != "ankle":
            continue
        plan = [content.exercise(e) for e in routine.exercises]
        held = [e for e in plan if not e.is_transition and not e.optional]
        assert "calf" in held[0].areas and held[0].steps[0].hold_seconds, routine.id
        assert held[1].id == "toe_pull_back", routine.id
        extras = [e for e in plan if e.optional]
        assert {e.id for e in extras} == {"ankle_circles", "toe_writing"}, routine.id
        assert plan.index(extras[0]) > plan.index(held[-1]), routine.id
        for extra in extras:
            assert extra.positions <= {"bed", "sitting"} and not extra.has("standing")


# -- 6: bedtime -------------------------------------------------------------------------------
def test_each_bedtime_hold_is_its_own_cue(content: Content) -> None:
    for routine in content.routines:
        if routine.mode != "prevention":
            continue
        for exercise in _used(content, routine):
            for step in exercise.steps:
                if step.reps is None:
                    assert (step.wait_seconds or 0) <= 10, (exercise.id, step.text)
                assert not re.search(r"three times|3 times|hold 10.*relax 10", step.text.lower())


def test_ankle_pumps_end_at_neutral(content: Content) -> None:
    pumps = content.exercise("ankle_pumps")
    assert not pumps.has("points_toes")
    assert "relax" in pumps.steps[0].text and "point" not in pumps.steps[0].text
    assert "never pointed" in pumps.why or "never" in " ".join(pumps.cautions)


def test_the_in_bed_stretches_say_they_are_adapted(content: Content) -> None:
    for exercise in content.exercises.values():
        if exercise.id.startswith("bedtime_"):
            assert exercise.adapted_from == "hallegraeff_2012", exercise.id


# -- 7: worse ---------------------------------------------------------------------------------
def test_worse_eases_the_pull_and_names_the_warning_signs(content: Content) -> None:
    text = content.safety["worse"].text.lower()
    assert "ease off the pull" in text and "don't let the toes point" in text
    for sign in ("swollen", "red", "warm", "like your usual cramps"):
        assert sign in text, sign


# -- 8: tags, evidence, sources ---------------------------------------------------------------
def test_every_exercise_has_tags_evidence_and_sources(content: Content) -> None:
    for exercise in content.exercises.values():
        assert exercise.tags and exercise.evidence and exercise.sources, exercise.id
        for key in (*exercise.sources, *filter(None, [exercise.adapted_from])):
            source = content.sources[key]
            assert source.supports, key
            if source.kind != "own":  # a page: checked, with its address
                assert source.url is not None and source.url.startswith(("https://", "http://"))


def test_no_source_is_the_seed_article(content: Content) -> None:
    for key, source in content.sources.items():
        text = " ".join([key, source.organisation, source.title, source.url or ""]).lower()
        assert "seed" not in text and "blog" not in text, key


def test_every_safety_text_cites_a_known_source(content: Content) -> None:
    for key, item in content.safety.items():
        assert item.sources and set(item.sources) <= set(content.sources), key


def test_every_source_is_cited(content: Content) -> None:
    cited = {s for e in content.exercises.values() for s in e.sources}
    cited |= {s for item in content.safety.values() for s in item.sources}
    unused = set(content.sources) - cited - {"cochrane_2020_magnesium"}  # backs "no magnesium"
    assert not unused, unused


# -- 9: the action first ----------------------------------------------------------------------
def _words(html: str) -> list[str]:
    return re.findall(r"[\w'’⚠️]+", re.sub(r"<[^>]+>", " ", html))


def words_before_first_instruction(coach: Coach, area: str, position: str, profile: Profile) -> int:
    """Words read between tapping the position and the start of the first instruction."""
    driver = CoachDriver(coach, profile=profile)
    driver.start()
    driver.tap("a", area)
    reply = driver.tap("p", position)
    exercise = coach.content.exercise(reply.state.progress.plan[0])  # type: ignore[union-attr]
    instruction = exercise.steps[0].text
    read = reply.text
    assert instruction in read
    return len(_words(read[: read.index(instruction)]))


@pytest.mark.parametrize("profile", [CAREFUL, STEADY], ids=["careful", "steady"])
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_few_words_before_the_first_instruction(
    content: Content, area: str, position: str, profile: Profile
) -> None:
    count = words_before_first_instruction(
        Coach(content, zones=zone_book()), area, position, profile
    )
    assert count < WORD_BUDGET, count


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_the_first_message_has_the_name_and_the_warning_line(
    content: Content, area: str, position: str
) -> None:
    driver = CoachDriver(Coach(content, zones=zone_book()))
    reply = driver.begin(area, position)
    first = content.exercise(reply.state.progress.plan[0])  # type: ignore[union-attr]
    assert first.name in reply.text
    assert warning_line(content) in reply.text
    assert first.why not in reply.text  # the explanation waits behind "Why this?"


@pytest.mark.parametrize("mode", ["relief", "prevention"])
def test_every_step_has_a_warning_signs_button(content: Content, mode: str) -> None:
    for position in POSITIONS:
        driver = CoachDriver(Coach(content, zones=zone_book()))
        driver.start()
        driver.tap("a", "calf" if mode == "relief" else "prevent")
        driver.tap("p", position)
        walk = driver.finish("better", use_timers=False)
        steps = [r for r in [driver.history[2], *walk.replies] if r.state.phase.value == "step"]
        assert steps
        for reply in steps:
            verbs = {callbacks.split(b.data).prefix for b in flat(reply.keyboard)}  # type: ignore[union-attr]
            assert "ws" in verbs


# -- 10: honest evidence ----------------------------------------------------------------------
BANNED = ("helps many", "proven", "will prevent", "prevents cramps", "cures", "guarantee")


def test_no_text_oversells_the_evidence(content: Content) -> None:
    texts = [item.text for item in content.safety.values()]
    texts += list(content.catalog("en").strings.values())
    for exercise in content.exercises.values():
        texts += [exercise.why, exercise.name, *(s.text for s in exercise.steps)]
    for text in texts:
        for phrase in BANNED:
            assert phrase not in text.lower(), (phrase, text)


def test_the_evidence_is_said_as_it_is(content: Content) -> None:
    text = content.safety["evidence"].text
    assert "may reduce night cramps for some people; studies disagree" in text
    assert "studies disagree" in content.catalog("en").text("evidence.trial_mixed")


# -- 11: warning signs recognised when typed --------------------------------------------------
FLAG_PHRASES = {
    "breathing": ("My calf hurts and I'm short of breath", "I'm not short of breath"),
    "compartment": ("after my run my shin is rock hard", "my shin is not hard"),
    "circulation": ("my foot is cold and pale", "my foot isn't cold"),
    "dvt": ("my calf is swollen and red", "the calf is not swollen"),
    "tear": ("it felt like someone kicked me in the calf", "no, not like a kick"),
    "dark_urine": ("my legs ache and I have dark urine", "no dark urine"),
    "injury": ("I had a fall yesterday", "I never had a fall"),
    "numbness": ("my toes are numb", "not numb at all"),
    "medicine": ("should I take magnesium", "no medicine"),
    "frequent": ("it happens every night", "not every night"),
    "pregnancy": ("I'm pregnant", "not pregnant"),
    "lookalike": ("I have restless legs", "not restless legs"),
}


def test_every_warning_sign_has_a_phrase_test(content: Content) -> None:
    flagged = {key for key, item in content.safety.items() if item.level is not None}
    assert flagged == set(FLAG_PHRASES)


@pytest.mark.parametrize(("flag", "said", "negated"), [(k, *v) for k, v in FLAG_PHRASES.items()])
def test_a_warning_sign_is_recognised_and_its_negation_is_not(
    content: Content, flag: str, said: str, negated: str
) -> None:
    vocabulary = content.catalog("en").intents
    assert f"flag.{flag}" in find_intents(said, vocabulary)
    assert f"flag.{flag}" not in find_intents(negated, vocabulary)
