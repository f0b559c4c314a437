"""bot.formats: what the bot's English always said, and other languages' own ways from Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import formats


def test_english_is_written_as_the_bot_always_wrote_it() -> None:
    # 24-hour clock, day before month, one decimal at most: the strings the catalog used to hold.
    assert formats.clock(time(21, 30), "en") == "21:30"
    assert formats.clock(time(7, 5), "en") == "07:05"
    assert formats.weekday(4, "en") == "Friday"
    assert formats.date_short(date(2025, 3, 3), "en") == "3 Mar"
    assert formats.date_long(date(2025, 12, 24), "en") == "24 Dec 2025"
    assert formats.decimal(4.0, "en") == "4.0"
    assert formats.tally(["Calf 3", "Foot 1", "Shin 2"], "en") == "Calf 3, Foot 1, Shin 2"


def test_a_datetime_shows_its_own_wall_clock() -> None:
    moment = datetime(2026, 5, 7, 18, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    assert formats.clock(moment, "en") == "20:00"


@pytest.mark.parametrize("value", [0.05, 0.15, 0.25, 0.35, 2.25, 2.26, 1 / 3, 6.95, 13.0])
def test_numbers_round_as_python_formatting_did(value: float) -> None:
    one = f"{value:.1f}"
    assert formats.decimal(value, "en") == one
    assert formats.number(value, "en") == (one[:-2] if one.endswith(".0") else one)


def test_other_languages_use_their_own_words_and_marks() -> None:
    assert formats.weekday(4, "de") == "Freitag"
    assert formats.date_long(date(2025, 12, 24), "de") == "24. Dez. 2025"
    assert formats.number(2.25, "de") == "2,2"
    assert formats.join(["a", "b", "c"], "de") == "a, b und c"
    assert formats.weekday(0, "pt-BR") == "segunda-feira"
    assert formats.join(["a", "b"], "es") == "a y b"


@pytest.mark.parametrize("language", ["en", "de", "es", "ru", "pt-BR", "xx", None])
def test_every_list_style_works_in_every_language(language: str | None) -> None:
    for size in range(4):
        items = [f"item {n}" for n in range(size)]
        for text in (formats.join(items, language), formats.tally(items, language)):
            assert all(item in text for item in items)


def test_unknown_languages_fall_back_to_the_bots_english() -> None:
    assert formats.locale_for("xx") == formats.locale_for("en")
    assert formats.locale_for("en-US") == formats.locale_for("en")
