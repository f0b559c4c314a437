"""The routine itself: exercises announced, one step per message, timed follow-ups, feelings.

Every function takes the `Turn` of the current event and changes it; none
does I/O. The rules that matter clinically live here: calf and foot cramps
never get a pointed-toe exercise (the content loader enforces that), a
"worse" stops everything with the warning signs, and a cramp that has not
eased after about ten minutes gets a plain "time to get medical advice".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.coach.state import Phase, Progress
from bot.coach.turn import ButtonSpec, Turn
from bot.content import Area, Mode, Position

# NHS inform: a cramp lasting longer than about ten minutes is a reason to get advice.
ESCALATE_AFTER = timedelta(minutes=10)

FEELINGS = ("gone", "better", "same", "worse")
STEP_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("next", "n", ""), ("pause", "pa", "")),
    (("skip", "sk", ""), ("stop", "x", "")),
)
PAUSED_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = ((("resume", "r", ""), ("stop", "x", "")),)
FEELING_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("gone", "f", "gone"), ("better", "f", "better")),
    (("same", "f", "same"), ("worse", "f", "worse")),
)
CHECKIN_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("still_gone", "ci", "gone"), ("its_back", "ci", "back")),
)
WRAPUP_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = ((("no_checkin", "nc", ""),),)
REMIND_ROW: tuple[ButtonSpec, ...] = (("remind_me", "rem", ""),)


def start(turn: Turn, mode: Mode, area: Area | None, position: Position) -> None:
    """Begin a routine; the first instruction goes out in this same turn (no questions first)."""
    abandon(turn, "abandoned")
    routine = turn.content.routine_for(mode, area, position)
    progress = Progress(
        mode=mode,
        area=area,
        position=position,
        started_at=turn.now,
        plan=routine.exercises,
        spare=routine.alternates,
    )
    changes: dict[str, object] = {"choice_mode": None, "choice_area": None}
    if mode == "relief":
        changes.update(last_area=area, last_position=position)
    turn.set_progress(progress, **changes)
    if mode == "prevention":
        turn.say(turn.text("prevention_intro"))
    announce_exercise(turn)


def announce_exercise(turn: Turn) -> None:
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    notes: list[str] = []
    if progress.position == "standing":
        notes.append(turn.text("note.hold_on"))
    if progress.position == "bed" and progress.exercise == 0 and progress.mode == "relief":
        notes.append(turn.safety("night_safety"))
    if exercise.kneeling and exercise.alternative:
        notes.append(turn.text("note.kneeling"))
    cautions = "\n".join(f"<i>{caution}</i>" for caution in exercise.cautions)
    turn.say(
        turn.text(
            "exercise_header",
            number=progress.exercise + 1,
            total=len(progress.plan),
            name=exercise.name,
            summary=exercise.summary,
        ),
        *notes,
        cautions,
        buttons=turn.keyboard(((("why", "w", exercise.id),),)),
    )
    show_step(turn, fresh=True)


def step_message(turn: Turn, *, wait_seconds: float | None) -> str:
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    step = exercise.steps[progress.step]
    parts = [
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
    turn.update(phase=Phase.STEP)
    text = step_message(turn, wait_seconds=wait)
    turn.say(text, buttons=turn.keyboard(STEP_BUTTONS, fresh=fresh), picture=_picture(turn, text))


# Telegram's caption limit; the HTML tags in our text only make this check stricter.
MAX_CAPTION = 1024


def _picture(turn: Turn, caption: str) -> str | None:
    """The exercise's picture goes with its first step, unless pictures are off."""
    progress = turn.progress
    if progress.step != 0 or not turn.profile.pictures or len(caption) > MAX_CAPTION:
        return None
    path = turn.content.media.get(progress.exercise_id)
    return str(path) if path is not None else None


def advance(turn: Turn) -> None:
    """Next step, or the end of the exercise (by a tap on Next or the follow-up timer)."""
    turn.cancel_timer()
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    if progress.step + 1 < len(exercise.steps):
        turn.set_progress(_replace(progress, step=progress.step + 1))
        show_step(turn, fresh=True)
    else:
        exercise_finished(turn)


def exercise_finished(turn: Turn) -> None:
    """Relief asks how the cramp is; the bedtime routine simply flows on to the next stretch."""
    progress = turn.progress
    if progress.mode == "relief":
        ask_feeling(turn)
        return
    progress = _record(progress, "done")
    turn.set_progress(progress)
    if progress.exercise + 1 < len(progress.plan):
        _next_exercise(turn, progress)
    else:
        prevention_done(turn)


def ask_feeling(turn: Turn) -> None:
    turn.update(phase=Phase.ASK_FEELING)
    turn.say(turn.text("ask_feeling"), buttons=turn.keyboard(FEELING_BUTTONS))


def feeling(turn: Turn, value: str) -> None:
    progress = _record(turn.progress, value)
    turn.set_progress(progress)
    if value == "gone":
        wrap_up(turn, "gone")
    elif value == "worse":
        turn.cancel_timer()
        turn.log_episode(progress, "worse")
        turn.set_progress(None, phase=Phase.IDLE)
        turn.say(turn.text("worse_stopped"), turn.safety("worse"))
    elif value == "better":
        if progress.exercise + 1 < len(progress.plan):
            turn.say(turn.text("better_next"))
            _next_exercise(turn, progress)
        else:
            wrap_up(turn, "better")
    else:
        _same(turn, progress)


def _same(turn: Turn, progress: Progress) -> None:
    """No change: after ~10 minutes that is a reason to get advice; before, try something else."""
    if turn.now - progress.started_at >= ESCALATE_AFTER * turn.time_scale:
        turn.cancel_timer()
        turn.log_episode(progress, "advice")
        turn.set_progress(None, phase=Phase.IDLE)
        turn.say(turn.safety("ten_minutes"), turn.text("after_advice"))
        return
    plan = progress.plan
    spare = progress.spare
    if spare:
        plan = (*plan[: progress.exercise + 1], spare[0], *plan[progress.exercise + 1 :])
        spare = spare[1:]
    elif progress.exercise + 1 >= len(plan):
        plan = (*plan, plan[0])
    turn.say(turn.text("same_next"))
    _next_exercise(turn, _replace(progress, plan=plan, spare=spare))


def _next_exercise(turn: Turn, progress: Progress) -> None:
    turn.set_progress(
        _replace(progress, exercise=progress.exercise + 1, step=0, paused_remaining=None)
    )
    announce_exercise(turn)


def skip(turn: Turn) -> None:
    """Skip this exercise; one with an easier alternative (kneeling) swaps to that instead."""
    turn.cancel_timer()
    progress = turn.progress
    exercise = turn.content.exercise(progress.exercise_id)
    alternative = exercise.alternative
    used = set(progress.plan[: progress.exercise + 1])
    if alternative and alternative not in used:
        plan = (
            *progress.plan[: progress.exercise + 1],
            alternative,
            *progress.plan[progress.exercise + 1 :],
        )
        progress = _replace(_record(progress, "skipped"), plan=plan)
        turn.set_progress(progress)
        _next_exercise(turn, progress)
        return
    progress = _record(progress, "skipped")
    turn.set_progress(progress)
    if progress.exercise + 1 < len(progress.plan):
        _next_exercise(turn, progress)
    elif progress.mode == "prevention":
        prevention_done(turn)
    else:
        ask_feeling(turn)


def pause(turn: Turn) -> None:
    progress = turn.progress
    timer = turn.state.timer
    remaining = None
    if timer is not None and timer.kind == "step":
        remaining = max(0.0, (timer.due_at - turn.now).total_seconds())
    turn.cancel_timer()
    turn.set_progress(_replace(progress, paused_remaining=remaining), phase=Phase.PAUSED)
    turn.say(turn.text("paused"), buttons=turn.keyboard(PAUSED_BUTTONS))


def resume(turn: Turn) -> None:
    progress = turn.progress
    remaining = progress.paused_remaining
    turn.set_progress(_replace(progress, paused_remaining=None))
    turn.say(turn.text("resumed"))
    show_step(turn, fresh=True, remaining=remaining)


def stop(turn: Turn, outcome: str = "stopped") -> None:
    abandon(turn, outcome)
    turn.update(phase=Phase.IDLE)


def abandon(turn: Turn, outcome: str) -> None:
    """End whatever runs (routine, pending follow-up or check-in) and keep a record of a routine."""
    turn.cancel_timer()
    progress = turn.state.progress
    if progress is not None:
        turn.log_episode(progress, outcome)
        turn.set_progress(None)


def wrap_up(turn: Turn, outcome: str) -> None:
    progress = turn.progress
    turn.cancel_timer()
    turn.log_episode(progress, outcome)
    turn.set_progress(None, phase=Phase.IDLE)
    parts = [turn.text(f"wrapup.{outcome}"), turn.text("tip.after")]
    rows = list(WRAPUP_BUTTONS)
    if progress.position == "bed":  # a night cramp: the bedtime stretch may spare the next one
        if turn.profile.active_reminder is None:
            parts.append(turn.text("offer.bedtime_reminder"))
            rows.append(REMIND_ROW)
        else:
            parts.append(turn.text("offer.bedtime"))
    minutes = turn.scaled(turn.checkin_after.total_seconds()) / 60
    parts.append(turn.text("checkin_promise", minutes=max(1, round(minutes))))
    turn.start_timer(turn.scaled(turn.checkin_after.total_seconds()), "checkin")
    turn.say(*parts, buttons=turn.keyboard(rows))


def prevention_done(turn: Turn) -> None:
    progress = turn.progress
    turn.cancel_timer()
    turn.log_episode(progress, "done")
    turn.set_progress(None, phase=Phase.IDLE)
    parts = [turn.text("prevention_done"), turn.safety("evidence"), turn.text("tip.bedtime")]
    if turn.profile.active_reminder is None:
        parts.append(turn.text("offer.reminder"))
        turn.say(*parts, buttons=turn.keyboard((REMIND_ROW,)))
    else:
        turn.say(*parts)


def checkin_due(turn: Turn) -> None:
    turn.update(timer=None, phase=Phase.CHECKIN)
    turn.say(turn.text("checkin_question"), buttons=turn.keyboard(CHECKIN_BUTTONS), silent=True)


def checkin_answer(turn: Turn, answer: str) -> None:
    if answer == "back" and turn.state.last_area and turn.state.last_position:
        turn.say(turn.text("checkin_back"))
        start(turn, "relief", turn.state.last_area, turn.state.last_position)
    else:
        turn.update(phase=Phase.IDLE)
        turn.say(turn.text("checkin_good"))


def no_checkin(turn: Turn) -> None:
    if turn.state.timer is not None and turn.state.timer.kind == "checkin":
        turn.cancel_timer()
    turn.notify(turn.text("checkin_cancelled"))


def reprompt(turn: Turn) -> bool:
    """Show the current question or step again, with buttons that stay valid; False if idle."""
    phase = turn.state.phase
    if phase == Phase.STEP and turn.state.progress is not None:
        timer = turn.state.timer
        remaining = (
            (timer.due_at - turn.now).total_seconds() if timer and timer.kind == "step" else None
        )
        turn.say(
            step_message(turn, wait_seconds=remaining),
            buttons=turn.keyboard(STEP_BUTTONS, fresh=False),
        )
    elif phase == Phase.PAUSED:
        turn.say(turn.text("paused"), buttons=turn.keyboard(PAUSED_BUTTONS, fresh=False))
    elif phase == Phase.ASK_FEELING:
        turn.say(turn.text("ask_feeling"), buttons=turn.keyboard(FEELING_BUTTONS, fresh=False))
    elif phase == Phase.CHECKIN:
        turn.say(turn.text("checkin_question"), buttons=turn.keyboard(CHECKIN_BUTTONS, fresh=False))
    else:
        return False
    return True


def _record(progress: Progress, feeling: str) -> Progress:
    entry = (progress.exercise_id, feeling)
    return _replace(progress, outcomes=(*progress.outcomes, entry))


def _replace(progress: Progress, **changes: Any) -> Progress:
    return replace(progress, **changes)
