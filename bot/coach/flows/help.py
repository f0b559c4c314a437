"""Help that works from anywhere: /help, "Why this?" under a step, and the warning signs.

None of it changes where the person is: reading why a stretch helps, or the warning signs,
never costs someone their place in a routine.
"""

from __future__ import annotations

from bot.coach import warnings
from bot.coach.flows.routine import WarningSigns, Why
from bot.coach.router import Router, Words
from bot.coach.turn import Turn

router = Router()


@router.command("help")
def help_command(turn: Turn, args: str = "") -> None:
    # One message: what I do, the warning signs with the numbers, and that I am no doctor.
    turn.say(turn.text("help"), *warnings.warning_signs_text(turn), turn.text("help_footer"))


@router.button(Why)
def why(turn: Turn, data: Why) -> None:
    """ "Why this?" stays true on any message, old or new."""
    exercise = turn.content.exercises.get(data.exercise)
    if exercise is None:  # renamed since the button was sent
        turn.notify(turn.text("stale_button"))
        return
    cited = [key for key in exercise.sources if key != exercise.adapted_from]
    lines = [_source_line(turn, key, "why.source") for key in cited]
    if exercise.adapted_from is not None:
        lines.insert(0, _source_line(turn, exercise.adapted_from, "why.adapted"))
    turn.say(
        turn.text(
            "why_this",
            name=exercise.name,
            why=exercise.why,
            evidence=turn.text(f"evidence.{exercise.evidence}"),
            sources="\n".join(lines),
        )
    )


def _source_line(turn: Turn, key: str, template: str) -> str:
    source = turn.content.sources[key]
    if source.url is None:  # the project's own rule: said as ours, with no page behind it
        return turn.text("why.own", title=source.title)
    return turn.text(template, organisation=source.organisation, title=source.title, url=source.url)


@router.button(WarningSigns)
def _warning_signs(turn: Turn, data: WarningSigns) -> None:
    """So do the warning signs; reading them changes nothing else."""
    if turn.state.progress is not None:
        turn.notify(turn.text("warning_signs_note"))
    warnings.warning_signs(turn)


@router.text()
def _help_words(turn: Turn, words: Words) -> bool:
    """Asking for help, in any phase, when nothing else took the words."""
    if not words.has("help"):
        return False
    help_command(turn)
    return True
