"""How a routine ends: the wrap-up with its tips and offers, the end of the bedtime routine, and
the quiet check-in a while after a relief routine ("still gone?").
"""

from __future__ import annotations

from typing import Literal

from bot.coach.callbacks import CallbackData
from bot.coach.flows import routine, safety
from bot.coach.router import Router, Words
from bot.coach.state import IDLE, CheckIn, Phase
from bot.coach.turn import ButtonSpec, Turn

router = Router()


class CheckinAnswer(CallbackData, prefix="ci"):
    answer: Literal["gone", "back"]


class NoCheckin(CallbackData, prefix="nc"):
    pass


class RemindMe(CallbackData, prefix="rem"):
    """ "Remind me at bedtime" after a night cramp (see flows/reminders.py)."""


CHECKIN_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("still_gone", CheckinAnswer(answer="gone")), ("its_back", CheckinAnswer(answer="back"))),
)
WRAPUP_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = ((("no_checkin", NoCheckin()),),)
REMIND_ROW: tuple[ButtonSpec, ...] = (("remind_me", RemindMe()),)


def wrap_up(turn: Turn, outcome: str) -> None:
    progress = turn.progress
    turn.cancel_timer()
    turn.log_episode(progress, outcome)
    turn.go(IDLE)
    parts = [turn.text(f"wrapup.{outcome}"), turn.text("tip.after")]
    if safety.warmth_allowed(turn):
        parts.append(turn.text("tip.warmth"))
    rows = list(WRAPUP_BUTTONS)
    if progress.position == "bed":  # a night cramp: the bedtime stretch may spare the next one
        if turn.profile.active_reminder is None:
            parts.append(turn.text("offer.bedtime_reminder"))
            rows.append(REMIND_ROW)
        else:
            parts.append(turn.text("offer.bedtime"))
    minutes = turn.scaled(turn.checkin_after.total_seconds()) / 60
    parts.append(turn.text("checkin_promise", minutes=max(1, round(minutes))))
    safety.offer(turn, parts, rows)
    turn.start_timer(turn.scaled(turn.checkin_after.total_seconds()), "checkin")
    turn.say(*parts, buttons=turn.keyboard(rows))


def prevention_done(turn: Turn) -> None:
    progress = turn.progress
    turn.cancel_timer()
    turn.log_episode(progress, "done")
    turn.go(IDLE)
    parts = [turn.text("prevention_done"), turn.safety("evidence"), turn.text("tip.bedtime")]
    rows: list[tuple[ButtonSpec, ...]] = []
    if turn.profile.active_reminder is None:
        parts.append(turn.text("offer.reminder"))
        rows.append(REMIND_ROW)
    safety.offer(turn, parts, rows)
    turn.say(*parts, buttons=turn.keyboard(rows) if rows else ())


def checkin_due(turn: Turn) -> None:
    turn.fired()
    turn.go(CheckIn())
    turn.say(turn.text("checkin_question"), buttons=turn.keyboard(CHECKIN_BUTTONS), silent=True)


def checkin_answer(turn: Turn, answer: Literal["gone", "back"]) -> None:
    if answer == "back" and turn.state.last_area and turn.state.last_position:
        turn.say(turn.text("checkin_back"))
        routine.start(turn, "relief", turn.state.last_area, turn.state.last_position)
    else:
        turn.go(IDLE)
        turn.say(turn.text("checkin_good"))


def no_checkin(turn: Turn) -> None:
    if turn.state.timer is not None and turn.state.timer.kind == "checkin":
        turn.cancel_timer()
    turn.notify(turn.text("checkin_cancelled"))


router.question(Phase.CHECKIN, "checkin_question", CHECKIN_BUTTONS)


@router.button(CheckinAnswer, Phase.CHECKIN)
def _checkin_pressed(turn: Turn, data: CheckinAnswer) -> None:
    checkin_answer(turn, data.answer)


@router.timer("checkin")
def _checkin_due(turn: Turn) -> None:
    if turn.state.phase == Phase.IDLE:
        checkin_due(turn)


@router.text(Phase.CHECKIN)
def _checkin_words(turn: Turn, words: Words) -> bool:
    if words.has("feeling.gone") or words.has("yes"):
        checkin_answer(turn, "gone")
    elif words.has("back") or words.has("feeling.worse") or words.has("feeling.same"):
        checkin_answer(turn, "back")
    else:
        return False
    return True


@router.button(NoCheckin, Phase.IDLE)
def _no_checkin_pressed(turn: Turn, data: NoCheckin) -> None:
    no_checkin(turn)
