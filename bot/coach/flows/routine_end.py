"""How a routine ends: the wrap-up with its tips and offers, and the end of the bedtime routine.

The wrap-up of a relief routine promises a quiet check-in a while later (`flows/checkin.py`);
"no need" here cancels it.
"""

from __future__ import annotations

from bot.coach.callbacks import CallbackData
from bot.coach.flows import safety
from bot.coach.router import Router
from bot.coach.state import IDLE, Phase
from bot.coach.turn import ButtonSpec, Turn

router = Router()


class NoCheckin(CallbackData, prefix="nc"):
    pass


class RemindMe(CallbackData, prefix="rem"):
    """ "Remind me at bedtime" after a night cramp (see flows/reminders.py)."""


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


def no_checkin(turn: Turn) -> None:
    if turn.state.timer is not None and turn.state.timer.kind == "checkin":
        turn.cancel_timer()
    turn.notify(turn.text("checkin_cancelled"))


@router.button(NoCheckin, Phase.IDLE)
def _no_checkin_pressed(turn: Turn, data: NoCheckin) -> None:
    no_checkin(turn)
