"""The routine itself: one step per message, timed follow-ups, "how is it now?", and adapting.

Every function takes the `Turn` of the current event and changes it; none does I/O. The rules
that matter clinically live here and in content/: the first thing a person reads after their
last tap is the exercise's name, one line of warning signs and the instruction (explanations
wait behind "Why this?"); the safety profile, or its careful default, decides which exercises
are offered; standing up is only ever a question, never a step the bot starts by itself; a
"worse" stops everything with the warning signs; and a cramp that has not eased after about
ten minutes gets a plain "time to get medical advice".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Literal

from bot.coach import numbers
from bot.coach.callbacks import CallbackData
from bot.coach.flows import routine_end, safety
from bot.coach.router import Router, Words
from bot.coach.state import IDLE, InRoutine, Phase, Progress
from bot.coach.turn import ButtonSpec, Turn
from bot.content import Area, Mode, Position

router = Router()
Feeling = Literal["gone", "better", "same", "worse"]


class Next(CallbackData, prefix="n"):
    pass


class Pause(CallbackData, prefix="pa"):
    pass


class Resume(CallbackData, prefix="r"):
    pass


class Skip(CallbackData, prefix="sk"):
    pass


class Stop(CallbackData, prefix="x"):
    """Stop: works from any message of the routine."""


class FeelingAnswer(CallbackData, prefix="f"):
    feeling: Feeling


class StandAnswer(CallbackData, prefix="sd"):
    answer: Literal["yes", "no"]


class Why(CallbackData, prefix="w"):
    """ "Why this?" under a step: stays true on any message, old or new (see flows/help.py)."""

    exercise: str


class WarningSigns(CallbackData, prefix="ws"):
    """The warning signs, one tap away on every step (see flows/help.py)."""


# NHS inform: a cramp lasting longer than about ten minutes is a reason to get advice.
ESCALATE_AFTER = timedelta(minutes=10)

FEELINGS: tuple[Feeling, ...] = ("gone", "better", "same", "worse")
STEP_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("next", Next()), ("pause", Pause())),
    (("skip", Skip()), ("stop", Stop())),
)
STAND_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("stand_yes", StandAnswer(answer="yes")), ("stand_no", StandAnswer(answer="no"))),
)
PAUSED_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = ((("resume", Resume()), ("stop", Stop())),)
FEELING_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("gone", FeelingAnswer(feeling="gone")), ("better", FeelingAnswer(feeling="better"))),
    (("same", FeelingAnswer(feeling="same")), ("worse", FeelingAnswer(feeling="worse"))),
)
ROUTINE_PHASES = (Phase.STEP, Phase.PAUSED, Phase.ASK_FEELING, Phase.ASK_STAND)


def start(turn: Turn, mode: Mode, area: Area | None, position: Position) -> None:
    """Begin a routine; the first instruction goes out in this same turn (no questions first)."""
    turn.abandon("abandoned")
    routine = turn.content.routine_for(mode, area, position, steady=safety.steady(turn))
    progress = Progress(
        mode=mode,
        area=area,
        position=position,
        started_at=turn.now,
        plan=safety.allowed(turn, routine.exercises),
        spare=safety.allowed(turn, routine.alternates),
        options=safety.allowed(turn, routine.options),
    )
    if mode == "relief":
        turn.remember_routine(area, position)
    turn.go(InRoutine(progress))
    if mode == "prevention":
        turn.say(turn.text("prevention_intro"))
    show_step(turn, fresh=True)


def step_buttons(turn: Turn) -> tuple[tuple[ButtonSpec, ...], ...]:
    """Next, Pause, Skip, Stop, and on every step the warning signs and "Why this?"."""
    extra: tuple[ButtonSpec, ...] = (
        ("warning_signs", WarningSigns()),
        ("why", Why(exercise=turn.progress.exercise_id)),
    )
    return (*STEP_BUTTONS, extra)


def step_message(turn: Turn, *, wait_seconds: float | None, first: bool = False) -> str:
    """The step as one message.

    The first step of an exercise carries the exercise's name above the instruction (and,
    before a routine's first stretch, the one line of warning signs), and its cautions below
    the instruction, where they cannot delay it.
    """
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    step = exercise.steps[progress.step]
    parts: list[str] = []
    if first:
        header = "exercise_header_optional" if exercise.optional else "exercise_header"
        number, total = progress.exercise + 1, len(progress.plan)
        parts.append(turn.text(header, number=number, total=total, name=exercise.name))
        if progress.mode == "relief" and progress.exercise == 0:
            parts.append(
                turn.safety("warning_line").format(emergency=numbers.emergency_number(turn))
            )
        parts.append("")
    parts += [
        turn.text("step_header", number=progress.step + 1, total=len(exercise.steps)),
        step.text,
    ]
    if step.reps is not None and str(step.reps) not in step.text:
        parts.append(turn.text("hint.reps", reps=step.reps))
    if wait_seconds is not None:
        key = "hint.hold" if step.hold_seconds is not None else "hint.duration"
        parts.append(turn.text(key, seconds=max(1, round(wait_seconds))))
    else:
        parts.append(turn.text("hint.manual"))
    if first:
        after = [*exercise.cautions, *safety.cautions(turn, exercise)]
        if progress.exercise == 0:
            after += safety.notes(turn)
        if after:
            parts += ["", *(f"<i>{line}</i>" for line in after)]
    return "\n".join(parts)


def show_step(turn: Turn, *, fresh: bool, remaining: float | None = None) -> None:
    """Send the current step; a hold or duration arms the follow-up that moves on by itself."""
    progress = turn.progress
    step = turn.content.exercise(progress.exercise_id).steps[progress.step]
    wait: float | None = remaining
    if wait is None and step.wait_seconds is not None:
        wait = turn.scaled(step.wait_seconds)
    if fresh:
        if wait is not None:
            turn.start_timer(wait, "step")
        else:
            turn.cancel_timer()
    turn.go(InRoutine(progress, "step"))
    text = step_message(turn, wait_seconds=wait, first=fresh and progress.step == 0)
    turn.say(
        text,
        buttons=turn.keyboard(step_buttons(turn), fresh=fresh),
        picture=_picture(turn),
    )


def _picture(turn: Turn) -> str | None:
    """The exercise's picture goes with its first step, unless pictures are off."""
    progress = turn.progress
    if progress.step != 0 or not turn.profile.pictures:
        return None
    path = turn.content.media.get(progress.exercise_id)
    return str(path) if path is not None else None


def advance(turn: Turn) -> None:
    """Next step, or the end of the exercise (by a tap on Next or the follow-up timer)."""
    turn.cancel_timer()
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    if progress.step + 1 < len(exercise.steps):
        turn.set_progress(replace(progress, step=progress.step + 1))
        show_step(turn, fresh=True)
    else:
        exercise_finished(turn)


def exercise_finished(turn: Turn) -> None:
    """Relief asks how the cramp is; the bedtime routine simply flows on to the next stretch.

    Sitting down first is a move, not a stretch: there is nothing to ask about yet.
    """
    progress = turn.progress
    if progress.mode == "relief" and not turn.content.exercise(progress.exercise_id).is_transition:
        ask_feeling(turn)
        return
    progress = _record(progress, "done")
    turn.set_progress(progress)
    if progress.exercise + 1 < len(progress.plan):
        _next_exercise(turn, progress)
    else:
        routine_end.prevention_done(turn)


def ask_feeling(turn: Turn) -> None:
    turn.go(InRoutine(turn.progress, "feeling"))
    turn.say(turn.text("ask_feeling"), buttons=turn.keyboard(FEELING_BUTTONS))


def feeling(turn: Turn, value: Feeling) -> None:
    progress = _record(turn.progress, value)
    turn.set_progress(progress)
    if value == "gone":
        routine_end.wrap_up(turn, "gone")
    elif value == "worse":
        turn.cancel_timer()
        turn.log_episode(progress, "worse")
        turn.go(IDLE)
        # Easing the foot down is the shin's stretch: "don't let the toes point" is for the rest.
        advice = turn.safety("worse_shin" if progress.area == "shin" else "worse")
        turn.say(advice, turn.text("worse_stopped"))
    elif value == "better":
        if progress.exercise + 1 < len(progress.plan):
            turn.say(turn.text("better_next"))
            _next_exercise(turn, progress)
        else:
            routine_end.wrap_up(turn, "better")
    else:
        _same(turn, progress)


def _same(turn: Turn, progress: Progress) -> None:
    """No change: after ~10 minutes that is a reason to get advice; before, try something else."""
    if turn.now - progress.started_at >= ESCALATE_AFTER * turn.time_scale:
        turn.cancel_timer()
        turn.log_episode(progress, "advice")
        turn.go(IDLE)
        turn.say(
            turn.safety("ten_minutes"),
            *numbers.call_lines(turn, "urgent"),
            turn.text("after_advice"),
        )
        return
    if progress.options:  # standing up: offered as a question, never started unasked
        turn.go(InRoutine(progress, "stand"))
        _ask_stand(turn, fresh=True)
        return
    _try_another(turn, progress)


def _ask_stand(turn: Turn, *, fresh: bool) -> None:
    """ "Try it standing?", with the getting-up caution right before the choice."""
    buttons = turn.keyboard(STAND_BUTTONS, fresh=fresh)
    turn.say(turn.text("stand.ask"), turn.safety("getting_up"), buttons=buttons)


def stand_answer(turn: Turn, yes: bool) -> None:
    """The answer to "try it standing?": the option is used or dropped, never asked twice."""
    progress = turn.progress
    option, rest = progress.options[0], progress.options[1:]
    if yes:
        at = progress.exercise + 1
        plan = (*progress.plan[:at], option, *progress.plan[at:])
        _next_exercise(turn, replace(progress, plan=plan, options=rest))
        return
    turn.say(turn.text("stand.declined"))
    _try_another(turn, replace(progress, options=rest), announce=False)


def _try_another(turn: Turn, progress: Progress, *, announce: bool = True) -> None:
    """An alternate if one is left; else the next exercise, or the main stretch once more."""
    plan = progress.plan
    spare = progress.spare
    if spare:
        plan = (*plan[: progress.exercise + 1], spare[0], *plan[progress.exercise + 1 :])
        spare = spare[1:]
    elif progress.exercise + 1 >= len(plan):
        main = next(e for e in plan if not turn.content.exercise(e).is_transition)
        plan = (*plan, main)
    if announce:
        turn.say(turn.text("same_next"))
    _next_exercise(turn, replace(progress, plan=plan, spare=spare))


def _next_exercise(turn: Turn, progress: Progress) -> None:
    turn.set_progress(
        replace(progress, exercise=progress.exercise + 1, step=0, paused_remaining=None)
    )
    show_step(turn, fresh=True)


def skip(turn: Turn) -> None:
    """Skip this exercise: on to the next, or to "how is it now?" after the last."""
    turn.cancel_timer()
    progress = _record(turn.progress, "skipped")
    turn.set_progress(progress)
    if progress.exercise + 1 < len(progress.plan):
        _next_exercise(turn, progress)
    elif progress.mode == "prevention":
        routine_end.prevention_done(turn)
    else:
        ask_feeling(turn)


def pause(turn: Turn) -> None:
    progress = turn.progress
    timer = turn.state.timer
    remaining = None
    if timer is not None and timer.kind == "step":
        remaining = max(0.0, (timer.due_at - turn.now).total_seconds())
    turn.cancel_timer()
    turn.go(InRoutine(replace(progress, paused_remaining=remaining), "paused"))
    turn.say(turn.text("paused"), buttons=turn.keyboard(PAUSED_BUTTONS))


def resume(turn: Turn) -> None:
    progress = turn.progress
    remaining = progress.paused_remaining
    turn.set_progress(replace(progress, paused_remaining=None))
    turn.say(turn.text("resumed"))
    show_step(turn, fresh=True, remaining=remaining)


@router.reprompt(Phase.STEP)
def _step_again(turn: Turn) -> bool:
    if turn.state.progress is None:
        return False
    timer = turn.state.timer
    remaining = (
        (timer.due_at - turn.now).total_seconds() if timer and timer.kind == "step" else None
    )
    turn.say(
        step_message(turn, wait_seconds=remaining),
        buttons=turn.keyboard(step_buttons(turn), fresh=False),
    )
    return True


@router.reprompt(Phase.ASK_STAND)
def _stand_again(turn: Turn) -> bool:
    _ask_stand(turn, fresh=False)
    return True


router.question(Phase.PAUSED, "paused", PAUSED_BUTTONS)
router.question(Phase.ASK_FEELING, "ask_feeling", FEELING_BUTTONS)


# -- buttons, timers and words ---------------------------------------------------------------
router.button(Next, Phase.STEP)(lambda turn, _: advance(turn))
router.button(Pause, Phase.STEP)(lambda turn, _: pause(turn))
router.button(Skip, Phase.STEP)(lambda turn, _: skip(turn))
router.button(Resume, Phase.PAUSED)(lambda turn, _: resume(turn))


@router.button(Stop)
def _stop_pressed(turn: Turn, data: Stop) -> None:
    """Stop always works, from any message of the routine; without one it is a stale button."""
    if turn.state.progress is None:
        turn.notify(turn.text("stale_button"))
        return
    turn.notify(turn.text("stopped_note"))
    turn.stop()
    turn.say(turn.text("stopped"))


@router.button(FeelingAnswer, Phase.ASK_FEELING)
def _feeling_pressed(turn: Turn, data: FeelingAnswer) -> None:
    feeling(turn, data.feeling)


@router.button(StandAnswer, Phase.ASK_STAND)
def _stand_pressed(turn: Turn, data: StandAnswer) -> None:
    stand_answer(turn, data.answer == "yes")


@router.timer("step")
def _step_due(turn: Turn) -> None:
    if turn.state.phase == Phase.STEP and turn.state.progress:
        advance(turn)


@router.text(*ROUTINE_PHASES)
def _worse_or_gone(turn: Turn, words: Words) -> bool:
    """ "It's worse" or "it's gone" counts at any point of a routine, not only when asked."""
    heard: tuple[Feeling, ...] = ("worse", "gone")
    said = next((value for value in heard if words.has(f"feeling.{value}")), None)
    if said is not None:
        feeling(turn, said)
    return said is not None


router.answer(Phase.ASK_FEELING, "feeling.", FEELINGS, feeling)


@router.text(Phase.STEP)
def _step_words(turn: Turn, words: Words) -> bool:
    if words.has("skip"):
        skip(turn)
    elif words.has("pause"):
        pause(turn)
    elif words.has("next"):
        advance(turn)
    else:
        return False
    return True


@router.text(Phase.PAUSED)
def _paused_words(turn: Turn, words: Words) -> bool:
    if not (words.has("resume") or words.has("next")):
        return False
    resume(turn)
    return True


def _record(progress: Progress, feeling: str) -> Progress:
    entry = (progress.exercise_id, feeling)
    return replace(progress, outcomes=(*progress.outcomes, entry))
