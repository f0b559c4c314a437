"""The safety profile: /safety's five questions, how the answers are kept, when they are offered,
and what they change (content/safety_profile.yaml). Until a question is answered "no", the coach
takes the careful case."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from bot.coach import Coach, Phase, Reopened
from bot.coach.effects import SaveSafety
from bot.coach.profile import NO_ANSWERS, Answer, Profile, SafetyAnswers
from bot.content import AREAS, SAFETY_QUESTIONS, Catalog, Content
from tests.auxil.coach_driver import CoachDriver, Reply, scratch

ANSWER_LABELS = ["Yes", "No", "Prefer not to say"]
OFFER_LABELS = ["🛡 Answer 5 safety questions", "Not now"]
ALL_NO = SafetyAnswers("no", "no", "no", "no", "no")
ALL_YES = SafetyAnswers("yes", "yes", "yes", "yes", "yes")
NOT_NO: list[Answer | None] = [None, "yes", "unsaid"]  # all of these are the careful case


def saved(reply: Reply) -> list[SafetyAnswers]:
    return [a.answers for a in reply.actions if isinstance(a, SaveSafety)]


def person(coach: Coach, **answers: Answer | None) -> CoachDriver:
    return CoachDriver(coach, roundtrip=True, profile=Profile(safety=SafetyAnswers(**answers)))


def to_feeling_question(driver: CoachDriver) -> None:
    while driver.state.phase == Phase.STEP:
        driver.tap("n")
    assert driver.state.phase == Phase.ASK_FEELING


def test_the_questions_are_the_profile_s_fields_in_order() -> None:
    assert tuple(f.name for f in fields(SafetyAnswers)) == SAFETY_QUESTIONS
    assert SAFETY_QUESTIONS == ("balance", "joint", "pregnancy", "clot", "numb_feet")


# -- /safety: the questions -----------------------------------------------------------------------
def test_safety_asks_five_questions_and_saves_each_answer_at_once(
    driver: CoachDriver, en: Catalog
) -> None:
    first = driver.command("safety")
    assert first.texts == [en.text("safety.intro"), en.text("safety.q.balance")]
    assert first.says[0].buttons == ()
    assert first.labels == ANSWER_LABELS
    assert [len(row) for row in first.keyboard] == [2, 1]
    assert saved(first) == []
    assert (driver.state.phase, scratch(driver.state).safety_question) == (Phase.SAFETY, "balance")
    given: list[Answer] = ["yes", "no", "unsaid", "no", "yes"]
    so_far = NO_ANSWERS
    for index, (question, answer) in enumerate(zip(SAFETY_QUESTIONS, given, strict=True)):
        assert scratch(driver.state).safety_question == question
        reply = driver.tap("sq", f"{question}.{answer}")
        so_far = replace(so_far, **{question: answer})
        assert saved(reply) == [so_far]  # one answer at a time, saved straight away
        assert driver.profile.safety == so_far
        later = SAFETY_QUESTIONS[index + 1 :]
        if later:
            assert reply.texts == [en.text(f"safety.q.{later[0]}")]
            assert reply.labels == ANSWER_LABELS
            assert driver.state.phase == Phase.SAFETY
        else:
            assert reply.texts == [en.text("safety.done")]
            assert reply.labels == []
    assert driver.profile.safety == SafetyAnswers("yes", "no", "unsaid", "no", "yes")
    assert driver.profile.safety.answered
    assert (driver.state.phase, scratch(driver.state).safety_question) == (Phase.IDLE, None)


@pytest.mark.parametrize("answer", ["yes", "no", "unsaid"])
@pytest.mark.parametrize("question", SAFETY_QUESTIONS)
def test_each_question_takes_each_answer(
    driver: CoachDriver, en: Catalog, question: str, answer: Answer
) -> None:
    driver.command("safety")
    for earlier in SAFETY_QUESTIONS[: SAFETY_QUESTIONS.index(question)]:
        driver.tap("sq", f"{earlier}.no")
    button = driver.button_for("sq", f"{question}.{answer}")
    label = {"yes": "Yes", "no": "No", "unsaid": "Prefer not to say"}[answer]
    assert button.label == label
    reply = driver.press_data(button.data)
    [answers] = saved(reply)
    assert getattr(answers, question) == answer
    assert driver.profile.safety == answers


def test_the_answers_are_shown_and_can_be_changed(coach: Coach, en: Catalog) -> None:
    driver = person(coach, balance="no", joint="yes", pregnancy="unsaid")
    screen = driver.state.screen
    view = driver.command("safety")
    lines = [
        ("Unsteady, walking aid or a fall", "no"),
        ("Hip or knee replacement", "yes"),
        ("Pregnant", "prefer not to say"),
        ("Blood thinner or a past clot", "not answered"),
        ("Diabetes, poor circulation or numb feet", "not answered"),
    ]
    answers = "\n".join(en.text("safety.line", question=q, answer=a) for q, a in lines)
    assert view.texts == [en.text("safety.view", answers=answers)]
    assert view.labels == ["Change my answers"]
    assert saved(view) == []
    assert driver.state.phase == Phase.IDLE
    assert driver.state.screen == screen  # looking changes nothing on screen
    again = driver.press("Change my answers")
    assert again.texts == [en.text("safety.intro"), en.text("safety.q.balance")]
    assert driver.state.phase == Phase.SAFETY
    # Changing one answer keeps the others as they were until each is answered again.
    reply = driver.tap("sq", "balance.yes")
    assert saved(reply) == [SafetyAnswers("yes", "yes", "unsaid", None, None)]


def test_an_old_answer_button_is_stale(driver: CoachDriver, en: Catalog) -> None:
    driver.command("safety")
    old_yes = driver.button_for("sq", "balance.yes")
    driver.tap("sq", "balance.no")
    before = driver.state
    reply = driver.press_data(old_yes.data)
    assert reply.notes == [en.text("stale_button")]
    assert reply.says == [] and saved(reply) == []
    assert driver.state == before
    assert driver.profile.safety.balance == "no"


@pytest.mark.parametrize("arg", ["balance.no", "joint.maybe", "shoe_size.no", "joint", ""])
def test_a_forged_answer_for_another_question_is_stale(
    driver: CoachDriver, en: Catalog, arg: str
) -> None:
    driver.command("safety")
    driver.tap("sq", "balance.yes")  # now on "joint"
    before, profile = driver.state, driver.profile
    reply = driver.press_data(f"{driver.state.screen}.sq.{arg}")
    assert reply.notes == [en.text("stale_button")]
    assert reply.says == [] and saved(reply) == []
    assert (driver.state, driver.profile) == (before, profile)


def test_an_answer_button_after_the_questions_is_stale(driver: CoachDriver, en: Catalog) -> None:
    driver.command("safety")
    old = driver.button_for("sq", "balance.no")
    driver.command("cancel")
    reply = driver.press_data(old.data)
    assert reply.notes == [en.text("stale_button")]
    assert saved(reply) == []


def test_cancel_mid_questions_keeps_what_was_answered(driver: CoachDriver, en: Catalog) -> None:
    driver.command("safety")
    driver.tap("sq", "balance.no")
    driver.tap("sq", "joint.unsaid")
    reply = driver.command("cancel")
    assert reply.texts == [en.text("cancelled")]
    assert saved(reply) == [] and reply.episodes == []
    assert (driver.state.phase, scratch(driver.state).safety_question) == (Phase.IDLE, None)
    assert driver.profile.safety == SafetyAnswers("no", "unsaid")
    assert not driver.profile.safety.answered
    view = driver.command("safety")  # what was answered is shown; the rest is "not answered"
    assert view.text.count(en.text("safety.answer.none")) == 3


def test_free_text_mid_questions_asks_the_question_again(driver: CoachDriver, en: Catalog) -> None:
    driver.command("safety")
    asked = driver.tap("sq", "balance.no")
    before = driver.state
    reply = driver.say("blah")
    assert reply.texts == [en.text("nudge"), en.text("safety.q.joint")]
    assert reply.keyboard == asked.keyboard  # the same buttons, still valid
    assert saved(reply) == []
    assert driver.state == before
    assert saved(driver.tap("sq", "joint.no")) == [SafetyAnswers("no", "no")]


def test_media_and_reopening_mid_questions_ask_the_question_again(
    driver: CoachDriver, en: Catalog
) -> None:
    asked = driver.command("safety")
    reply = driver.media("sticker")
    assert reply.texts[1] == en.text("safety.q.balance")
    assert reply.keyboard == asked.keyboard
    reply = driver.send(Reopened())
    assert reply.texts == [en.text("where_we_were"), en.text("safety.q.balance")]
    assert reply.keyboard == asked.keyboard


def test_safety_mid_routine_ends_the_routine(coach: Coach, en: Catalog) -> None:
    driver = person(coach, balance="no")
    driver.begin("calf", "bed")
    token = driver.state.timer.token if driver.state.timer else ""
    reply = driver.command("safety")
    assert [e.outcome for e in reply.episodes] == ["abandoned"]
    assert [c.token for c in reply.cancels] == [token]
    assert reply.texts[0].startswith("<b>Your safety answers</b>")
    assert driver.state.phase == Phase.IDLE  # no step left on screen without its routine
    assert driver.state.progress is None and driver.state.timer is None


# -- the offer ------------------------------------------------------------------------------------
def test_the_offer_comes_after_a_routine_while_unanswered(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    wrap = driver.tap("f", "gone")
    [say] = wrap.says  # inside the wrap-up, never a message of its own
    assert say.text.endswith(en.text("safety.offer"))
    assert wrap.labels[-2:] == OFFER_LABELS
    later = driver.press("Not now")
    assert later.notes == [en.text("safety.later")]
    assert later.says == [] and saved(later) == []
    assert driver.state.timer is not None  # the check-in is still on its way


def test_the_offer_starts_the_questions(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("foot", "bed")
    to_feeling_question(driver)
    driver.tap("f", "gone")
    reply = driver.press("🛡 Answer 5 safety questions")
    assert reply.texts == [en.text("safety.intro"), en.text("safety.q.balance")]
    assert driver.state.phase == Phase.SAFETY


def test_the_offer_never_ends_a_routine(driver: CoachDriver, en: Catalog) -> None:
    driver.begin("calf", "bed")
    to_feeling_question(driver)
    driver.tap("f", "gone")
    offer = driver.button_for("sa")
    driver.begin("calf", "bed")  # another cramp
    before = driver.state
    reply = driver.press_data(offer.data)
    assert reply.notes == [en.text("reminder.after_routine")]
    assert reply.says == []
    assert driver.state == before


def test_the_offer_after_the_bedtime_stretch(driver: CoachDriver, en: Catalog) -> None:
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", "sitting")
    last = driver.finish().replies[-1]
    assert last.text.endswith(en.text("safety.offer"))
    assert last.labels[-2:] == OFFER_LABELS


def test_the_offer_stays_while_any_question_is_unanswered(coach: Coach, en: Catalog) -> None:
    driver = person(coach, balance="no", joint="no", pregnancy="no", clot="no")
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    wrap = driver.tap("f", "gone")
    assert en.text("safety.offer") in wrap.text
    assert wrap.labels[-2:] == OFFER_LABELS


@pytest.mark.parametrize("answers", [ALL_NO, ALL_YES, SafetyAnswers(*["unsaid"] * 5)])
def test_no_offer_once_all_are_answered(coach: Coach, en: Catalog, answers: SafetyAnswers) -> None:
    driver = CoachDriver(coach, profile=Profile(safety=answers))
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    wrap = driver.tap("f", "gone")
    assert en.text("safety.offer") not in wrap.text
    assert wrap.labels == ["No need to check in"]
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", "sitting")
    last = driver.finish().replies[-1]
    assert en.text("safety.offer") not in last.text
    assert last.labels == ["⏰ Remind me at bedtime"]


def test_the_offer_after_a_reminder_is_saved_only_while_unanswered(
    coach: Coach, en: Catalog
) -> None:
    for answers, offered in ((NO_ANSWERS, True), (ALL_NO, False)):
        driver = CoachDriver(coach, profile=Profile(zone="Europe/Berlin", safety=answers))
        reply = driver.command("reminder", "21:30")
        assert reply.texts[0].startswith("✅ <b>Bedtime reminder set:</b>")
        assert (reply.texts[1:] == [en.text("safety.offer")]) == offered
        assert len(reply.texts) == (2 if offered else 1)


# -- what the answers change ----------------------------------------------------------------------
@pytest.mark.parametrize("area", AREAS)
def test_a_steady_person_standing_gets_the_steady_routine(
    coach: Coach, content: Content, area: str
) -> None:
    driver = person(coach, balance="no")
    driver.begin(area, "standing")
    assert driver.state.progress is not None
    steady = content.routine_for("relief", area, "standing", steady=True)  # type: ignore[arg-type]
    careful = content.routine_for("relief", area, "standing")  # type: ignore[arg-type]
    assert driver.state.progress.plan == steady.exercises
    if area != "shin":  # there is no standing stretch for the shin: everyone sits down
        assert steady != careful
        assert driver.state.progress.plan[0] != "sit_down_safely"


@pytest.mark.parametrize("balance", NOT_NO)
@pytest.mark.parametrize("area", AREAS)
def test_the_careful_default_sits_down_first(
    coach: Coach, content: Content, en: Catalog, area: str, balance: Answer | None
) -> None:
    driver = person(coach, balance=balance, joint="no", pregnancy="no", clot="no", numb_feet="no")
    first = driver.begin(area, "standing")
    careful = content.routine_for("relief", area, "standing")  # type: ignore[arg-type]
    assert driver.state.progress is not None
    assert driver.state.progress.plan == careful.exercises
    assert careful.exercises[0] == "sit_down_safely"
    assert first.texts[0].startswith(
        en.text("exercise_header", number=1, total=len(careful.exercises), name="Sit down first")
    )
    # Sitting down is a move, not a stretch: no "how is it?", straight on to the first stretch.
    reply = driver.tap("n")
    assert en.text("ask_feeling") not in reply.text
    assert driver.state.phase == Phase.STEP
    second = content.exercise(careful.exercises[1])
    assert len(reply.texts) == 1
    assert reply.texts[0].startswith(
        en.text("exercise_header", number=2, total=len(careful.exercises), name=second.name)
    )
    assert driver.state.progress.outcomes == (("sit_down_safely", "done"),)
    for exercise_id in careful.exercises[1:]:
        assert not content.exercise(exercise_id).has("standing", "walking", "gets_up")


@pytest.mark.parametrize("numb_feet", [*NOT_NO, "no"])
def test_massage_carries_the_numb_feet_caution_unless_no(
    coach: Coach, content: Content, numb_feet: Answer | None
) -> None:
    driver = person(coach, numb_feet=numb_feet)
    first = driver.begin("calf", "bed")  # the towel stretch, then rubbing the calf
    caution = f"<i>{content.safety['numb_feet_note'].text}</i>"
    assert caution not in first.text  # no massage in the first exercise
    assert not content.exercise("calf_stretch_towel").has("massage")
    to_feeling_question(driver)
    massage = driver.tap("f", "better")
    assert driver.state.progress is not None
    assert driver.state.progress.exercise_id == "calf_massage"
    assert content.exercise("calf_massage").has("massage")
    assert (caution in massage.text) == (numb_feet != "no")
    later = driver.tap("n")  # only with the exercise's first step
    assert caution not in later.text


@pytest.mark.parametrize("joint", [*NOT_NO, "no"])
def test_a_hip_bend_carries_the_joint_caution_unless_no(
    coach: Coach, content: Content, joint: Answer | None
) -> None:
    driver = person(coach, joint=joint)
    driver.command("routine")
    driver.tap("a", "prevent")
    driver.tap("p", "sitting")
    walk = driver.finish("better", use_timers=False)
    exercise = content.exercise("bedtime_hamstring_seated")
    hamstring = next(t for t in walk.texts if exercise.name in t)
    assert exercise.has("hip_bend")
    caution = content.safety["joint_note"].text
    assert (caution in hamstring) == (joint != "no")
    assert sum(caution in text for text in walk.texts) == (joint != "no")


@pytest.mark.parametrize("key", ["pregnancy", "clot"])
@pytest.mark.parametrize("answer", [None, "no", "yes", "unsaid"])
def test_pregnancy_and_clot_notes_only_for_yes_or_prefer_not_to_say(
    coach: Coach, content: Content, key: str, answer: Answer | None
) -> None:
    driver = person(coach, **{key: answer})
    note = content.safety["pregnancy" if key == "pregnancy" else "clot_note"].text
    first = driver.begin("calf", "sitting")
    shown = answer in ("yes", "unsaid")
    assert (f"<i>{note}</i>" in first.text) == shown
    walk = driver.finish("better")
    assert not any(note in text for text in walk.texts)  # once per routine, with the first step


@pytest.mark.parametrize(
    ("answers", "warmth"),
    [
        (NO_ANSWERS, False),
        (SafetyAnswers(numb_feet="yes"), False),
        (SafetyAnswers(numb_feet="unsaid"), False),
        (SafetyAnswers("no", "no", "no", "no", "unsaid"), False),
        (SafetyAnswers(numb_feet="no"), True),
        (SafetyAnswers("yes", "yes", "yes", "yes", "no"), True),
    ],
)
def test_the_warmth_tip_only_when_feet_are_not_numb(
    coach: Coach, en: Catalog, answers: SafetyAnswers, warmth: bool
) -> None:
    driver = CoachDriver(coach, profile=Profile(safety=answers))
    driver.begin("calf", "sitting")
    to_feeling_question(driver)
    wrap = driver.tap("f", "gone")
    assert en.text("tip.after") in wrap.text
    assert "warm" not in en.text("tip.after").lower()
    assert (en.text("tip.warmth") in wrap.text) == warmth
