"""/settings: the person's settings (for now, exercise pictures on or off)."""

from __future__ import annotations

from typing import Literal

from bot.coach.callbacks import CallbackData
from bot.coach.effects import SaveSettings
from bot.coach.router import Router
from bot.coach.turn import ButtonSpec, Turn

router = Router()


class Setting(CallbackData, prefix="st"):
    """Switch a setting: works from any message."""

    name: Literal["pictures"]
    value: Literal["on", "off"]


@router.command("settings")
def settings(turn: Turn, args: str = "") -> None:
    """Not a fresh screen: looking at the settings must not make the buttons on screen stale."""
    on = turn.profile.pictures
    button: ButtonSpec = (
        ("pictures_off", Setting(name="pictures", value="off"))
        if on
        else ("pictures_on", Setting(name="pictures", value="on"))
    )
    turn.say(
        turn.text("settings.view", pictures=turn.text("settings.on" if on else "settings.off")),
        buttons=turn.keyboard(((button,),), fresh=False),
    )


@router.button(Setting)
def _switched(turn: Turn, data: Setting) -> None:
    on = data.value == "on"
    turn.effect(SaveSettings(pictures=on))
    turn.say(turn.text("settings.pictures_now_on" if on else "settings.pictures_now_off"))
