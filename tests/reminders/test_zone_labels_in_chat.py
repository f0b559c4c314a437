"""The chat shows zones in the person's language: the coach's side.

The coach labels a zone through ``turn.zones.zone_label(zone, turn.catalog.language)``
(``bot/coach/flows/reminder_view.py`` ``zone_label``, also for the zone buttons). English must
not change.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coach import Coach
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from tests.auxil.coach_driver import CoachDriver
from tests.auxil.zones import zone_book


@pytest.fixture(scope="module")
def content() -> Content:
    """The content with Russian and Spanish offered, as once they are shipped."""
    loaded = load_content(DEFAULT_CONTENT_DIR)
    offered = ("ru", "es")
    catalogs = {
        **loaded.catalogs,
        **{code: loaded.languages[code].catalogs[code] for code in offered},
    }
    return replace(loaded, shipped=loaded.shipped | set(offered), catalogs=catalogs)


def _chat(content: Content, language: str) -> CoachDriver:
    driver = CoachDriver(Coach(content, zones=zone_book()), language=language)
    driver.command("timezone")
    return driver


def test_a_russian_confirmation_names_the_city_in_russian(content: Content) -> None:
    assert "<b>Москва</b>" in _chat(content, "ru").say("Москва").texts[-1]


def test_spanish_zone_buttons_name_the_cities_in_spanish(content: Content) -> None:
    labels = _chat(content, "es").say("UTC+1").labels
    assert any(label.startswith("Berlín (") for label in labels), labels


def test_english_zone_buttons_and_confirmations_are_as_before(content: Content) -> None:
    assert any(
        label.startswith("Europe/Berlin (") for label in _chat(content, "en").say("UTC+1").labels
    )
    assert "<b>America/New York</b>" in _chat(content, "en").say("New York").texts[-1]
