"""Warning signs: recognised when typed, one tap away on every step, with a real number to call.

A warning sign's `level` (content/safety.yaml) decides what happens. Emergency and urgent ones
end the routine and any pending check-in at once: the next step is a doctor, not a stretch (and
a possibly clotted leg must not be rubbed). Milder ones get their answer and the routine goes on.
Every urgent answer names the number to call (bot/coach/numbers.py).
"""

from __future__ import annotations

from bot.coach import numbers
from bot.coach.turn import Turn
from bot.content import STOPPING_LEVELS, Level


def flags_in(turn: Turn, intents: list[str]) -> list[str]:
    """The warning signs named in these intents (safety.yaml keys), most urgent first."""
    order: dict[Level, int] = {"emergency": 0, "urgent": 1, "soon": 2, "info": 3}
    keys = [
        key
        for intent in intents
        if intent.startswith("flag.")
        and (key := intent.removeprefix("flag.")) in turn.content.safety
        and turn.content.safety[key].level is not None
    ]
    return sorted(dict.fromkeys(keys), key=lambda key: order[_level(turn, key)])


def _level(turn: Turn, key: str) -> Level:
    level = turn.content.safety[key].level
    assert level is not None  # flags_in keeps only texts with a level
    return level


def answer_flags(turn: Turn, flags: list[str]) -> bool:
    """Answer typed warning signs; True when an urgent one ended whatever was running."""
    texts = [turn.safety(key) for key in flags]
    levels = {_level(turn, key) for key in flags}
    if levels.isdisjoint(STOPPING_LEVELS):
        turn.say(*texts)
        return False
    running = turn.state.progress is not None or turn.state.timer is not None
    # Whatever was half done (a reminder being set up, a question on screen) is dropped too.
    turn.stop("red_flag")
    worst: Level = "emergency" if "emergency" in levels else "urgent"
    turn.say(
        *texts,
        *numbers.call_lines(turn, worst),
        turn.text("red_flag_stopped") if running else "",
    )
    return True


def warning_signs(turn: Turn) -> None:
    """The full list, with this person's numbers and where the numbers come from.

    It is a new message without buttons, so the step on screen, its buttons and its timer all
    stay as they are: reading the list never costs someone their place in a routine.
    """
    turn.say(*warning_signs_text(turn))


def warning_signs_text(turn: Turn) -> list[str]:
    """The list and the numbers, as paragraphs (for the button's message and for /help)."""
    return [turn.safety("red_flags_summary"), "\n".join(numbers.reference_lines(turn))]
