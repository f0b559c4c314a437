"""Time zones named and typed in each of the bot's languages (Babel's CLDR city names)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from bot.config import DEFAULT_CONTENT_DIR
from bot.reminders import zone_names
from bot.reminders.zone_data import LANGUAGES
from bot.reminders.zones import COMMON_ZONES, ZoneMatch
from tests.auxil.zones import zone_book

NOW = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def test_the_book_knows_the_city_names_of_every_language_the_bot_has() -> None:
    path = DEFAULT_CONTENT_DIR / "locales" / "languages.yaml"
    shipped = yaml.safe_load(path.read_text(encoding="utf-8"))["languages"]
    assert list(LANGUAGES) == list(shipped)


@pytest.mark.parametrize(
    ("language", "zone", "label"),
    [
        # English: the tz database name with spaces, exactly as the bot always showed it.
        ("en", "America/New_York", "America/New York"),
        ("en", "Europe/Berlin", "Europe/Berlin"),
        ("en", "UTC", "UTC"),
        (None, "America/Argentina/Buenos_Aires", "America/Argentina/Buenos Aires"),
        # Other languages: the city as Babel (CLDR) names it in the chat's language.
        ("ru", "Europe/Moscow", "Москва"),
        ("ru", "America/New_York", "Нью-Йорк"),
        ("es", "America/New_York", "Nueva York"),
        ("es", "Europe/Berlin", "Berlín"),
        ("de", "Asia/Kolkata", "Kalkutta"),
        ("de", "Europe/Moscow", "Moskau"),
        ("pt-BR", "America/New_York", "Nova York"),
        ("pt-BR", "Europe/Moscow", "Moscou"),
        ("ru", "UTC", "UTC"),
        # A language Babel does not know reads the English label.
        ("xx", "America/New_York", "America/New York"),
    ],
)
def test_zone_label(language: str | None, zone: str, label: str) -> None:
    assert zone_book().zone_label(zone, language) == label


def test_every_zone_has_a_label_of_its_own_in_every_language() -> None:
    zones = list(zone_book().zones)
    for language in LANGUAGES:
        labels = [zone_book().zone_label(zone, language) for zone in zones]
        assert all(label and "_" not in label for label in labels), language
        if language != "en":
            assert all("/" not in label for label in labels), language
            assert len(set(labels)) == len(labels), language  # no two zones look alike


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Нью-Йорк", "America/New_York"),
        ("Новосибирск", "Asia/Novosibirsk"),
        ("Киев", "Europe/Kyiv"),
        ("Мехико", "America/Mexico_City"),
        ("Калининград", "Europe/Kaliningrad"),  # not Korolyov, once called Kaliningrad too
        # Cities in no zone's name, from geonames' Cyrillic names
        ("Санкт-Петербург", "Europe/Moscow"),
        ("Казань", "Europe/Moscow"),
        ("Пекин", "Asia/Shanghai"),
        ("Múnich", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("Nueva York", "America/New_York"),
        ("Nova York", "America/New_York"),
        ("Moscou", "Europe/Moscow"),
        ("Moskau", "Europe/Moscow"),
        ("Calcutá", "Asia/Kolkata"),
        ("Kalkutta", "Asia/Kolkata"),
    ],
)
def test_cities_typed_in_each_language(text: str, zone: str) -> None:
    assert zone_book().find_zone(text, NOW) == ZoneMatch(zone)


# A common zone's city whose name in a language is also the name of a larger city elsewhere:
# Russian "Чатем" is Chatham in Kent as much as the Chatham Islands' 600 people.
HOMONYMS = {("Pacific/Chatham", "ru")}


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_every_common_zone_is_found_by_its_city_in_each_language(language: str) -> None:
    misses = []
    for zone in COMMON_ZONES:
        name = zone_names.city_name(zone, language)
        assert name, zone
        match = zone_book().find_zone(name, NOW)
        if match.zone != zone and zone not in match.candidates:
            misses.append((zone, name, match))
    assert [(zone, name) for zone, name, _ in misses] == sorted(
        (zone, zone_names.city_name(zone, language) or "")
        for zone, where in HOMONYMS
        if where == language
    )


def test_a_localized_name_that_is_a_larger_city_elsewhere_keeps_that_city() -> None:
    """Spanish "Granada" is also Grenada's capital; Granada in Spain stays the first answer."""
    assert zone_names.city_name("America/Grenada", "es") == "Granada"
    match = zone_book().find_zone("Granada", NOW)
    assert match.candidates[0] == "Europe/Madrid"


def test_looking_up_never_asks_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The localized names are indexed once, when the book is loaded, not on each look-up."""
    book = zone_book()
    zone_names.city_name.cache_clear()

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("Babel asked during a look-up")

    monkeypatch.setattr(zone_names, "get_timezone_location", refuse)
    assert book.find_zone("Москва", NOW) == ZoneMatch("Europe/Moscow")
    assert book.find_zone("Nova York", NOW) == ZoneMatch("America/New_York")
    with pytest.raises(AssertionError, match="Babel asked"):
        book.zone_label("Europe/Moscow", "ru")  # the same patch does bite where Babel is asked
    zone_names.city_name.cache_clear()


def test_without_a_language_its_names_are_not_indexed() -> None:
    from bot.reminders.zone_data import load_zone_book

    english_only = load_zone_book(("en",))
    assert english_only.find_zone("Москва", NOW) == ZoneMatch(None)
    assert english_only.find_zone("Казань", NOW) == ZoneMatch(None)
