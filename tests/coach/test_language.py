"""The chat's language: the person's choice, else Telegram's language_code; and /language."""

from __future__ import annotations

from datetime import date

from bot.coach import Coach, ReminderDue
from bot.coach.effects import SaveLanguage
from bot.coach.flows import MENU
from bot.coach.profile import Profile
from tests.auxil.coach_driver import CoachDriver

NAMES = ["English", "Español", "Deutsch", "Русский", "Português (Brasil)"]


def test_telegram_code_picks_the_language_of_everything(coach: Coach) -> None:
    """pt-br from Telegram: the welcome, the exercise and the buttons all in Portuguese."""
    pt = coach.content.localized("pt-BR")
    assert pt.language == "pt-BR"
    driver = CoachDriver(coach, language="pt-br")
    assert driver.start().text.startswith(pt.catalog("pt-BR").text("welcome"))
    reply = driver.begin("calf", "bed")
    first = pt.routine_for("relief", "calf", "bed").exercises[0]
    assert pt.exercises[first].name in reply.text
    assert pt.exercises[first].steps[0].text in reply.text
    english = coach.content.localized("en").exercises[first].steps[0].text
    assert english not in reply.text


def test_the_choice_wins_over_telegram(coach: Coach) -> None:
    driver = CoachDriver(coach, language="de", profile=Profile(language="ru"))
    ru = coach.content.catalog("ru")
    assert driver.start().text.startswith(ru.text("welcome"))


def test_unsupported_code_is_english(coach: Coach) -> None:
    driver = CoachDriver(coach, language="ja")
    assert driver.start().text.startswith(coach.content.catalog("en").text("welcome"))


def test_language_lists_each_language_named_in_itself(coach: Coach) -> None:
    driver = CoachDriver(coach, language="ru")
    reply = driver.command("language")
    assert reply.text == coach.content.catalog("ru").text("language.ask")
    assert reply.labels == NAMES
    assert "language" in MENU


def test_picking_a_language_stores_it_and_answers_in_it(coach: Coach) -> None:
    driver = CoachDriver(coach, language="en")
    driver.command("language")
    reply = driver.press("Deutsch")
    de = coach.content.catalog("de")
    assert SaveLanguage(language="de") in reply.actions
    assert reply.text == de.text("language.chosen")
    assert driver.profile.language == "de"
    assert driver.command("help").text.startswith(de.text("help"))


def test_a_language_no_longer_offered_is_refused(coach: Coach) -> None:
    driver = CoachDriver(coach, language="en")
    driver.command("language")
    reply = driver.press_data(driver.button("Deutsch").data.replace(".de", ".fr"))
    assert not [a for a in reply.actions if isinstance(a, SaveLanguage)]
    assert reply.notes == [coach.content.catalog("en").text("stale_button")]


def test_reminders_speak_the_stored_language(coach: Coach) -> None:
    driver = CoachDriver(coach)
    event = ReminderDue(date(2026, 12, 6), False, False, "bedtime", "es")
    reply = driver.send(event)
    assert reply.text.startswith(coach.content.catalog("es").text("reminder.message"))
