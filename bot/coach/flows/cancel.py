"""/cancel and "stop" in words: end whatever is going on, from any phase.

Its words are tried before every other flow's: "stop" must never be read as an answer.
"""

from __future__ import annotations

from bot.coach.flows.reminders import SETUP_PHASES
from bot.coach.router import Router, Words
from bot.coach.state import Phase
from bot.coach.turn import Turn

router = Router()


@router.command("cancel")
def cancel(turn: Turn, args: str = "") -> None:
    setting_up = turn.state.phase in SETUP_PHASES
    busy = turn.state.phase != Phase.IDLE or turn.state.timer is not None
    turn.stop("cancelled")  # and whatever was half chosen with it
    if setting_up:
        turn.say(turn.text("reminder.setup_cancelled"), remove_keyboard=True)
        return
    turn.say(turn.text("cancelled" if busy else "cancel_nothing"))


@router.text()
def _stop_words(turn: Turn, words: Words) -> bool:
    if not words.has("stop"):
        return False
    if turn.state.phase in SETUP_PHASES:
        cancel(turn)
        return True
    in_routine = turn.state.progress is not None
    if not (in_routine or turn.state.phase != Phase.IDLE):
        return False
    turn.stop()
    turn.say(turn.text("stopped" if in_routine else "cancelled"))
    return True
