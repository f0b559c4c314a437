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

from bot.coach.actions import SaveSafety
from bot.coach.profile import ANSWERS, SafetyAnswers
from bot.coach.state import Phase
from bot.coach.turn import ButtonSpec, Turn
from bot.content import SAFETY_QUESTIONS, Exercise, Tag

START_ROW: tuple[ButtonSpec, ...] = (("safety_start", "sa", ""), ("safety_later", "sl", ""))


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
def command(turn: Turn) -> None:
    """/safety: the answers as they stand, and a button to (re)answer them."""
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
        buttons=turn.keyboard(((("safety_change", "sa", ""),),), fresh=False),
    )


def begin(turn: Turn) -> None:
    turn.say(turn.text("safety.intro"))
    ask(turn, SAFETY_QUESTIONS[0])


def ask(turn: Turn, question: str, *, fresh: bool = True) -> None:
    turn.update(phase=Phase.SAFETY, safety_question=question)
    row: tuple[ButtonSpec, ...] = tuple(
        (f"safety_{answer}", "sq", f"{question}.{answer}") for answer in ANSWERS
    )
    buttons = turn.keyboard((row[:2], row[2:]), fresh=fresh)
    turn.say(turn.text(f"safety.q.{question}"), buttons=buttons)


def answer(turn: Turn, arg: str) -> bool:
    """A tap on yes / no / prefer not to say; False for a button that is not the one on screen."""
    question, _, value = arg.partition(".")
    if question != turn.state.safety_question or value not in ANSWERS:
        return False
    # Saved at once, one answer at a time: stopping half way keeps what was answered.
    answers: SafetyAnswers = replace(turn.profile.safety, **{question: value})
    turn.act(SaveSafety(answers))
    later = SAFETY_QUESTIONS[SAFETY_QUESTIONS.index(question) + 1 :]
    if later:
        ask(turn, later[0])
    else:
        turn.update(phase=Phase.IDLE, safety_question=None)
        turn.say(turn.text("safety.done"))
    return True


def later(turn: Turn) -> None:
    turn.notify(turn.text("safety.later"))


def reprompt(turn: Turn) -> bool:
    question = turn.state.safety_question
    if turn.state.phase != Phase.SAFETY or question is None:
        return False
    ask(turn, question, fresh=False)
    return True
