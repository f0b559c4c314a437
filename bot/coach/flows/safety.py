"""The safety profile: five questions that change what the coach offers, and how.

Asked at a calm moment (after a routine, when a bedtime reminder is set up, or on /safety), never
between someone in pain and their first stretch. Each answer can be "prefer not to say", and
until a question is answered "no", the coach takes the careful case: the content is written so
that what everyone gets by default is safe for someone who would have said "yes".

The rules themselves (which tags each question removes, which cautions and notes it adds) live
in content/safety_profile.yaml; this module only applies them.
"""

from __future__ import annotations

from dataclasses import replace

from bot.coach.callbacks import CallbackData
from bot.coach.effects import SaveSafety
from bot.coach.profile import ANSWERS, Answer, SafetyAnswers
from bot.coach.router import Router
from bot.coach.state import IDLE, Phase, Question, SafetyQuestion
from bot.coach.turn import ButtonSpec, Turn
from bot.content import SAFETY_QUESTIONS, Exercise, Tag

router = Router()
QUESTIONS: tuple[Question, ...] = ("balance", "joint", "pregnancy", "clot", "numb_feet")


class SafetyStart(CallbackData, prefix="sa"):
    """ "Answer the safety questions": offered at a calm moment, works from any message."""


class SafetyLater(CallbackData, prefix="sl"):
    pass


class SafetyAnswer(CallbackData, prefix="sq"):
    question: Question
    answer: Answer


START_ROW: tuple[ButtonSpec, ...] = (
    ("safety_start", SafetyStart()),
    ("safety_later", SafetyLater()),
)


# -- what the answers change -----------------------------------------------------------------
def avoided_tags(turn: Turn) -> frozenset[Tag]:
    answers = turn.profile.safety
    avoided: set[Tag] = set()
    for question, rule in turn.content.profile_rules.items():
        if answers.cautious(question):
            avoided |= rule.avoid
    return frozenset(avoided)


def allowed(turn: Turn, exercise_ids: tuple[str, ...]) -> tuple[str, ...]:
    """These exercises, less those the person's answers (or the careful default) rule out."""
    avoided = avoided_tags(turn)
    return tuple(
        exercise_id
        for exercise_id in exercise_ids
        if turn.content.exercise(exercise_id).tags.isdisjoint(avoided)
    )


def steady(turn: Turn) -> bool:
    """Only someone who said "no" to balance problems is offered standing and walking."""
    return not turn.profile.safety.cautious("balance")


def cautions(turn: Turn, exercise: Exercise) -> list[str]:
    """Safety texts for this exercise from the answers (e.g. rub gently with numb feet)."""
    answers = turn.profile.safety
    return [
        turn.safety(rule.caution)
        for question, rule in turn.content.profile_rules.items()
        if rule.caution is not None
        and answers.cautious(question)
        and not exercise.tags.isdisjoint(rule.for_tags)
    ]


def notes(turn: Turn) -> list[str]:
    """Notes about the person, shown with each routine: only for a "yes" or "prefer not to say"."""
    answers = turn.profile.safety
    return [
        turn.safety(rule.note)
        for question, rule in turn.content.profile_rules.items()
        if rule.note is not None and getattr(answers, question) in ("yes", "unsaid")
    ]


def warmth_allowed(turn: Turn) -> bool:
    answers = turn.profile.safety
    return all(
        rule.warmth or not answers.cautious(question)
        for question, rule in turn.content.profile_rules.items()
    )


def offer(turn: Turn, parts: list[str], rows: list[tuple[ButtonSpec, ...]]) -> None:
    """At a calm moment (a routine over, a reminder set), offer the questions still unanswered,
    as a last paragraph and a row of buttons of the message that closes that moment."""
    if not turn.profile.safety.answered and turn.state.progress is None:
        parts.append(turn.text("safety.offer"))
        rows.append(START_ROW)


# -- the questions ---------------------------------------------------------------------------
@router.command("safety")
def command(turn: Turn, args: str = "") -> None:
    """/safety: the answers as they stand, and a button to (re)answer them."""
    turn.stop("abandoned")  # stop, not abandon: no step phase without a routine
    answers = turn.profile.safety
    if not any(getattr(answers, question) for question in SAFETY_QUESTIONS):
        begin(turn)
        return
    lines = "\n".join(
        turn.text(
            "safety.line",
            question=turn.text(f"safety.label.{question}"),
            answer=turn.text(f"safety.answer.{getattr(answers, question) or 'none'}"),
        )
        for question in SAFETY_QUESTIONS
    )
    turn.say(
        turn.text("safety.view", answers=lines),
        buttons=turn.keyboard(((("safety_change", SafetyStart()),),), fresh=False),
    )


def begin(turn: Turn) -> None:
    turn.say(turn.text("safety.intro"))
    ask(turn, QUESTIONS[0])


def ask(turn: Turn, question: Question, *, fresh: bool = True) -> None:
    turn.go(SafetyQuestion(question))
    row: tuple[ButtonSpec, ...] = tuple(
        (f"safety_{answer}", SafetyAnswer(question=question, answer=answer)) for answer in ANSWERS
    )
    buttons = turn.keyboard((row[:2], row[2:]), fresh=fresh)
    turn.say(turn.text(f"safety.q.{question}"), buttons=buttons)


@router.button(SafetyAnswer, Phase.SAFETY)
def answer(turn: Turn, data: SafetyAnswer) -> None:
    """A tap on yes / no / prefer not to say, for the question on screen."""
    question = data.question
    if question != _on_screen(turn):
        turn.notify(turn.text("stale_button"))
        return
    # Saved at once, one answer at a time: stopping half way keeps what was answered.
    answers: SafetyAnswers = replace(turn.profile.safety, **{question: data.answer})
    turn.effect(SaveSafety(answers))
    later = QUESTIONS[QUESTIONS.index(question) + 1 :]
    if later:
        ask(turn, later[0])
    else:
        turn.go(IDLE)
        turn.say(turn.text("safety.done"))


@router.button(SafetyStart)
def _start_pressed(turn: Turn, data: SafetyStart) -> None:
    if not turn.in_the_way():
        begin(turn)


@router.button(SafetyLater)
def later(turn: Turn, data: SafetyLater) -> None:
    turn.notify(turn.text("safety.later"))


@router.reprompt(Phase.SAFETY)
def _ask_again(turn: Turn) -> bool:
    question = _on_screen(turn)
    if question is None:
        return False
    ask(turn, question, fresh=False)
    return True


def _on_screen(turn: Turn) -> Question | None:
    flow = turn.state.flow
    return flow.question if isinstance(flow, SafetyQuestion) else None
