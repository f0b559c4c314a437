"""Times, dates, weekday names, numbers and lists in the chat's language, from Babel's locale data.

Why Babel: the words and orders these need (``Friday``/``vendredi``, ``5 Jan``/``5. Jan.``,
``2.5``/``2,5``, ``a, b and c``/``a, b und c``) are the Unicode CLDR's, kept up to date by Babel;
the catalogs in ``content/locales`` hold only the bot's own sentences. Every function is pure and
takes the language as the chat has it (``en``, ``de``, ``pt-BR``).

The bot's English is international English (CLDR ``en_001``): a 24-hour clock and the day before
the month (``21:30``, ``5 Jan 2026``), as the bot has always written them. A language Babel does
not know falls back to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

__all__ = [
    "clock",
    "date_long",
    "date_short",
    "decimal",
    "join",
    "locale_for",
    "number",
    "tally",
    "weekday",
]

_ENGLISH = "en_001"


@cache
def locale_for(language: str | None) -> Locale:
    """Babel's locale for a chat language; English (and anything unknown) is ``en_001``."""
    if not language or language.partition("-")[0].casefold() == "en":
        return Locale.parse(_ENGLISH)
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_ENGLISH)


def clock(value: time | datetime, language: str | None) -> str:
    """The wall-clock time on a 24-hour clock, hours and minutes (``21:30``). A datetime shows
    its own local time: convert it to the person's zone first."""
    moment = value.time() if isinstance(value, datetime) else value
    return format_skeleton("Hm", moment, locale=locale_for(language))


def weekday(number: int, language: str | None) -> str:
    """The weekday's name as in "on Friday" (``date.weekday()`` numbering, Monday = 0)."""
    names: Mapping[int, str] = get_day_names("wide", locale=locale_for(language))
    return names[number]


def date_short(day: date, language: str | None) -> str:
    """Day and abbreviated month (``5 Jan``)."""
    return format_skeleton("dMMM", day, locale=locale_for(language))


def date_long(day: date, language: str | None) -> str:
    """Day, abbreviated month and year (``5 Jan 2026``)."""
    return format_skeleton("yMMMd", day, locale=locale_for(language))


def number(value: float, language: str | None) -> str:
    """At most one decimal, none when it is zero: 2.25 -> ``2.2``, 3.0 -> ``3``."""
    return format_decimal(_exact(value), "#,##0.#", locale=locale_for(language))


def decimal(value: float, language: str | None) -> str:
    """Always one decimal: 2.0 -> ``2.0``, 2.25 -> ``2.2``."""
    return format_decimal(_exact(value), "#,##0.0", locale=locale_for(language))


def _exact(value: float) -> Decimal:
    """The float's exact binary value: Babel would round its shortest repr instead (``0.35`` up
    to ``0.4``), where the float is just below 0.35 and Python's own formatting says ``0.3``."""
    return Decimal(value)


def join(items: Iterable[str], language: str | None) -> str:
    """A list as a sentence says it: ``a, b and c`` (empty for no items)."""
    words = list(items)
    return format_list(words, locale=locale_for(language)) if words else ""


# CLDR's root list patterns for quantities, which a language's "unit" list style falls back to
# where it does not say otherwise; Babel's data leaves that inheritance unresolved (its
# format_list raises KeyError for such a language).
_ROOT_UNIT_LIST = {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0}, {1}", "2": "{0}, {1}"}


def tally(items: Iterable[str], language: str | None) -> str:
    """A list of counts, the way the language lists quantities (CLDR's "unit" style, as in
    "3 feet, 7 inches"): ``Calf 3, Foot 1`` (empty for no items)."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    styles = locale_for(language).list_patterns
    patterns = dict(_ROOT_UNIT_LIST)
    if "unit" in styles:
        patterns.update(dict(styles["unit"]))
    if len(words) == 2:
        return patterns["2"].format(*words)
    text = patterns["start"].format(words[0], words[1])
    for word in words[2:-1]:
        text = patterns["middle"].format(text, word)
    return patterns["end"].format(text, words[-1])
