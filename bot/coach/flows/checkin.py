"""The quiet check-in a while after a relief routine: "still gone?", and if it is back, the same
routine again at once.
"""

from __future__ import annotations

from typing import Literal

from bot.coach.callbacks import CallbackData
from bot.coach.flows import routine
from bot.coach.router import Router, Words
from bot.coach.state import IDLE, CheckIn, Phase
from bot.coach.turn import ButtonSpec, Turn

router = Router()


class CheckinAnswer(CallbackData, prefix="ci"):
    answer: Literal["gone", "back"]


CHECKIN_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("still_gone", CheckinAnswer(answer="gone")), ("its_back", CheckinAnswer(answer="back"))),
)


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
