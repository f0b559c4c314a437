"""Who to call: the emergency and urgent numbers of the person's country, as lines to send.

"Call emergency services" helps nobody at 3 a.m.; a number does. The country comes from the
person's time zone (content/emergency_numbers.yaml and tzdata's tables, loaded at start-up);
with no zone, the lines say what works from a mobile phone in many countries.
"""

from __future__ import annotations

from bot.coach.turn import Turn
from bot.content import Level


def emergency_number(turn: Turn) -> str:
    """The number itself, in bold, or "your emergency number" when we don't know the country."""
    local = turn.content.emergency.for_zone(turn.profile.zone)
    return f"<b>{local.emergency}</b>" if local is not None else turn.text("call.your_number")


def call_lines(turn: Turn, level: Level) -> list[str]:
    """Who to call, for the person's country: now (emergency) or today (urgent)."""
    local = turn.content.emergency.for_zone(turn.profile.zone)
    mobile = turn.content.emergency.mobile_fallback
    if local is None:
        key = "call.emergency_unknown" if level == "emergency" else "call.urgent_unknown"
        return [turn.text(key, mobile=mobile), turn.text("call.set_zone")]
    if level == "emergency":
        country = local.name(turn.catalog.language)
        return [turn.text("call.emergency", number=local.emergency, country=country)]
    if local.urgent is None:
        return [turn.text("call.urgent_no_line", emergency=local.emergency)]
    return [
        turn.text(
            "call.urgent",
            number=local.urgent.number,
            name=local.urgent.name,
            emergency=local.emergency,
        )
    ]


def reference_lines(turn: Turn) -> list[str]:
    """The numbers as a reference under the list of warning signs, with where they come from."""
    local = turn.content.emergency.for_zone(turn.profile.zone)
    if local is None:
        mobile = turn.content.emergency.mobile_fallback
        return [turn.text("numbers.unknown", mobile=mobile), turn.text("call.set_zone")]
    country = local.name(turn.catalog.language)
    lines = [turn.text("numbers.emergency", number=local.emergency, country=country)]
    if local.urgent is not None:
        urgent = local.urgent
        lines.append(turn.text("numbers.urgent", number=urgent.number, name=urgent.name))
    source = local.source
    lines.append(turn.text("call.source", organisation=source.organisation, title=source.title))
    return lines
