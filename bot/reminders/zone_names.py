"""A time zone's name as a person reads it in their language, from CLDR's city names (Babel).

The zone's *city* is what people know their time zone by ("Москва", "Nueva York", "Kalkutta"),
so outside English a zone is shown as the city Babel's ``get_timezone_location`` names in the
chat's language. English keeps the tz database name with spaces (``America/New York``), as the
bot has always shown it: it names the region too, it is what ``/timezone`` takes back, and
Babel's English ("New York", "United States (New York) Time") says less or more than that.

Only Babel's city is used, not its whole "location" phrase: that phrase wraps the place in the
locale's "{0} time" pattern, and Babel 2.x picks the *daylight* variant of it for some locales
(Russian reads "Германия (Берлин), летнее время" — "summer time" — all year).

The same names let people *type* their city in their language: ``zone_data`` indexes them when
it loads the zone book, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location

__all__ = ["city_name", "localized_cities", "zone_label"]


def _is_english(language: str | None) -> bool:
    return not language or language.partition("-")[0].casefold() == "en"


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def city_name(zone: str, language: str | None) -> str | None:
    """The zone's city in the language (``Europe/Moscow``, ``ru`` -> ``Москва``); None for
    English, a language Babel does not know, and ``UTC`` (which is no place)."""
    if _is_english(language) or "/" not in zone:
        return None
    assert language is not None  # _is_english is True for None
    locale = _locale(language)
    if locale is None:
        return None
    return get_timezone_location(zone, locale=locale, return_city=True)


def zone_label(zone: str, language: str | None) -> str:
    """How the chat shows a zone: the city in the chat's language, or in English the tz database
    name with spaces for underscores (``America/New York``, ``UTC``)."""
    return city_name(zone, language) or zone.replace("_", " ")


def localized_cities(
    zones: Iterable[str], languages: Iterable[str]
) -> Iterator[tuple[str, str, str]]:
    """(language, zone, city) for every zone with a city name of its own in each non-English
    language: what the loader indexes so "Москва" finds ``Europe/Moscow``."""
    wanted = [language for language in languages if not _is_english(language)]
    for zone in zones:
        for language in wanted:
            name = city_name(zone, language)
            if name:
                yield language, zone, name
