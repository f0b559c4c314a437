"""The person's data: what is stored and why (/privacy), a copy of it (/export), and deleting
all of it after one confirmation (/forget)."""

from __future__ import annotations

from typing import Literal

from bot.coach.callbacks import CallbackData
from bot.coach.effects import ExportData, ForgetUser
from bot.coach.router import Router
from bot.coach.state import IDLE, ChatState, ConfirmForget, Phase
from bot.coach.turn import ButtonSpec, Turn

router = Router()
# /privacy describes these tables, in this order; a test keeps the list equal to the models.
PRIVACY_TABLES = ("users", "chat_states", "episodes", "reminders", "reminder_sends")


class Forget(CallbackData, prefix="fg"):
    answer: Literal["yes", "no"]


FORGET_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("forget_yes", Forget(answer="yes")), ("forget_no", Forget(answer="no"))),
)


@router.command("privacy")
def privacy(turn: Turn, args: str = "") -> None:
    turn.say(
        turn.text("privacy.intro"),
        *(turn.text(f"privacy.{table}") for table in PRIVACY_TABLES),
        turn.text("privacy.outro"),
    )


@router.command("export")
def export(turn: Turn, args: str = "") -> None:
    turn.say(turn.text("export.intro"))
    turn.effect(ExportData())


@router.command("forget")
def forget(turn: Turn, args: str = "") -> None:
    turn.abandon("abandoned")
    turn.go(ConfirmForget())
    turn.say(turn.text("forget.confirm"), buttons=turn.keyboard(FORGET_BUTTONS))


@router.button(Forget, Phase.CONFIRM_FORGET)
def _answered(turn: Turn, data: Forget) -> None:
    if data.answer == "no":
        turn.go(IDLE)
        turn.say(turn.text("forget.kept"))
        return
    turn.cancel_timer()
    # A clean slate; the screen number goes on, so buttons from before stay recognisably old.
    turn.state = ChatState(screen=turn.state.screen + 1)
    turn.effect(ForgetUser())
    turn.say(turn.text("forget.done"), remove_keyboard=True)


router.question(Phase.CONFIRM_FORGET, "forget.confirm", FORGET_BUTTONS)
