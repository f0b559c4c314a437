"""/export and /forget in the conversation: what the coach asks for, and that it asks first."""

from __future__ import annotations

from bot.coach import Notify, Phase
from bot.coach.effects import ExportData, ForgetUser
from bot.content import Catalog
from tests.auxil.coach_driver import CoachDriver


def test_export_asks_for_the_data_file(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("export")
    assert reply.texts == [en.text("export.intro")]
    assert [a for a in reply.actions if isinstance(a, ExportData)] == [ExportData()]


def test_forget_deletes_nothing_until_confirmed(driver: CoachDriver, en: Catalog) -> None:
    reply = driver.command("forget")
    assert reply.texts == [en.text("forget.confirm")]
    assert reply.labels == ["Yes, delete everything", "No, keep it"]
    assert not [a for a in reply.actions if isinstance(a, ForgetUser)]
    kept = driver.tap("fg", "no")
    assert kept.texts == [en.text("forget.kept")]
    assert not [a for a in kept.actions if isinstance(a, ForgetUser)]
    assert driver.state.phase == Phase.IDLE


def test_forget_confirmed_ends_everything_and_starts_a_clean_slate(
    driver: CoachDriver, en: Catalog
) -> None:
    driver.begin("calf", "sitting")
    driver.command("forget")  # the routine ends: its episode is logged, then deleted with the rest
    screen = driver.state.screen
    reply = driver.tap("fg", "yes")
    assert [a for a in reply.actions if isinstance(a, ForgetUser)] == [ForgetUser()]
    assert reply.texts == [en.text("forget.done")]
    assert reply.says[0].remove_keyboard
    state = driver.state
    assert (state.phase, state.progress, state.timer, state.known) == (
        Phase.IDLE,
        None,
        None,
        False,
    )
    assert state.screen > screen  # the old confirmation button is now stale
    again = driver.press_data(f"{screen}.fg.yes")
    assert again.actions == (Notify(en.text("stale_button")),)


def test_typing_yes_does_not_delete(driver: CoachDriver, en: Catalog) -> None:
    driver.command("forget")
    reply = driver.say("yes")
    assert not [a for a in reply.actions if isinstance(a, ForgetUser)]
    assert reply.texts[-1] == en.text("forget.confirm")  # the question, with its buttons
    assert reply.labels == ["Yes, delete everything", "No, keep it"]
