"""/language: the person picks the language the bot speaks, from buttons.

Telegram's language_code says how the person's app is set, which is often not the language
they read best (a phone bought abroad, a shared device). A choice made here is stored per user
(`SaveLanguage`) and wins over it from the next event on; this turn already answers in it, so
the confirmation itself shows the choice worked.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from bot.coach.callbacks import CallbackData
from bot.coach.effects import SaveLanguage
from bot.coach.router import Router
from bot.coach.turn import ButtonSpec, Turn

router = Router()

# A code of languages.yaml: "de", "pt-BR" (no dots, so it fits the button's wire format).
Code = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class Pick(CallbackData, prefix="lg"):
    """Speak this language from now on: works from any message, like the settings buttons."""

    language: Code

    def label_values(self, turn: Turn) -> dict[str, str]:
        """Each language named in itself, so a person finds theirs whatever is on screen."""
        return {"name": turn.content.language_name(self.language)}


def _buttons(turn: Turn) -> tuple[tuple[ButtonSpec, ...], ...]:
    return tuple((("language", Pick(language=code)),) for code in turn.content.offered_languages())


@router.command("language")
def choose_language(turn: Turn, args: str = "") -> None:
    """Not a fresh screen: picking a language must not make the buttons on screen stale."""
    turn.say(turn.text("language.ask"), buttons=turn.keyboard(_buttons(turn), fresh=False))


@router.button(Pick)
def _picked(turn: Turn, data: Pick) -> None:
    if data.language not in turn.content.offered_languages():
        turn.notify(turn.text("stale_button"))  # a language no longer offered
        return
    turn.effect(SaveLanguage(language=data.language))
    turn.speak(data.language)
    turn.say(turn.text("language.chosen"))
