"""A reminder message and its buttons: start now, snooze, skip tonight, stop, "is it helping?",
and the morning check-in's "no cramps" / "yes, log one".

The message is not a reply to anything (the runtime sends it when a reminder is due), so its
buttons carry the local night they belong to instead of a screen number (screen 0): a reminder
can arrive in the middle of any other conversation and must not make its buttons, or the
conversation's, stale.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.coach.callbacks import CallbackData, Night
from bot.coach.effects import AnswerHelping, LogEpisode, SkipReminder, SnoozeReminder, StopReminder
from bot.coach.flows import choose, diary, reminders
from bot.coach.flows.reminder_view import local_clock, next_text
from bot.coach.outbox import Button, Keyboard, Say
from bot.coach.profile import ReminderInfo
from bot.coach.router import Router
from bot.coach.turn import Turn
from bot.content import Catalog, Content
from bot.reminders.schedule import snooze

router = Router()
SNOOZE_MINUTES = 30


class StartNow(CallbackData, prefix="bs"):
    """ "Start now": the bedtime stretch, in bed or seated."""

    night: Night


class Snooze(CallbackData, prefix="bz"):
    night: Night


class SkipTonight(CallbackData, prefix="bk"):
    night: Night


class StopReminders(CallbackData, prefix="bo"):
    night: Night


class Helping(CallbackData, prefix="bh"):
    """The answer to the one-time "are the bedtime stretches helping?"."""

    night: Night
    answer: Literal["yes", "no"]


class NoCramps(CallbackData, prefix="mn"):
    night: Night


class HadCramp(CallbackData, prefix="my"):
    """The morning check-in's "yes, I had one": log it."""

    night: Night


def reminder_messages(
    content: Content,
    *,
    language: str | None,
    night: date,
    snoozed: bool,
    ask_helping: bool,
    kind: str = "bedtime",
) -> tuple[Say, ...]:
    """The reminder, and the one-time six-week question riding along with it; or, for
    `kind="morning"`, the morning check-in about `night`."""
    catalog = content.catalog(language)

    if kind == "morning":
        answers = (
            (
                _button(catalog, "no_cramps", NoCramps(night=night)),
                _button(catalog, "yes_cramp", HadCramp(night=night)),
            ),
        )
        return (Say(catalog.text("morning.question"), answers),)

    rows: list[tuple[Button, ...]] = [(_button(catalog, "start_now", StartNow(night=night)),)]
    skip = _button(catalog, "skip_tonight", SkipTonight(night=night))
    if snoozed:
        rows.append((skip,))
    else:
        rows.append((_button(catalog, "snooze", Snooze(night=night)), skip))
    rows.append((_button(catalog, "stop_reminders", StopReminders(night=night)),))
    key = "reminder.message_snoozed" if snoozed else "reminder.message"
    messages = [Say(catalog.text(key), tuple(rows))]
    if ask_helping:
        helping: Keyboard = (
            (
                _button(catalog, "helping_yes", Helping(night=night, answer="yes")),
                _button(catalog, "helping_no", Helping(night=night, answer="no")),
            ),
        )
        messages.append(Say(catalog.text("reminder.helping_question"), helping))
    return tuple(messages)


def _button(catalog: Catalog, label: str, data: CallbackData) -> Button:
    # Screen 0: these buttons are tied to their night, not to a message of the conversation.
    return Button(catalog.button(label), data.pack(0))


# -- the buttons -----------------------------------------------------------------------------
@router.button(StartNow)
def _start_now(turn: Turn, data: StartNow) -> None:
    turn.abandon("abandoned")
    choose.choose_area(turn, "prevent")


@router.button(HadCramp)
def _had_cramp(turn: Turn, data: HadCramp) -> None:
    if turn.state.progress is not None:
        turn.notify(turn.text("stale_button"))
        return
    diary.start_log(turn)


@router.button(Helping)
def _helping_pressed(turn: Turn, data: Helping) -> None:
    _helping(turn, data.answer)


@router.button(StopReminders)
def _stop_pressed(turn: Turn, data: StopReminders) -> None:
    turn.notify(turn.text("stopped_note"))
    reminders.stop(turn)


@router.button(NoCramps)
def _no_cramps_pressed(turn: Turn, data: NoCramps) -> None:
    _no_cramps(turn, data.night)


@router.button(Snooze)
def _snooze_pressed(turn: Turn, data: Snooze) -> None:
    reminder = _tonights(turn, data.night)
    if reminder is not None:
        _snooze(turn, reminder, data.night)


@router.button(SkipTonight)
def _skip_pressed(turn: Turn, data: SkipTonight) -> None:
    reminder = _tonights(turn, data.night)
    if reminder is not None:
        turn.effect(SkipReminder())
        turn.notify(turn.text("reminder.skipped_note"))
        turn.say(turn.text("reminder.skipped", next=next_text(turn, reminder)))


def _tonights(turn: Turn, night: date) -> ReminderInfo | None:
    """The reminder, if it is on and this is the night it was last sent for; else a note."""
    reminder = turn.profile.active_reminder
    if reminder is None:
        turn.notify(turn.text("reminder.none_note"))
        return None
    if night != reminder.last_sent_date:
        turn.notify(turn.text("reminder.old_night"))
        return None
    return reminder


def _no_cramps(turn: Turn, night: date) -> None:
    """A cramp-free night goes into the diary, so the pattern shows the good nights too."""
    turn.effect(
        LogEpisode(
            kind="none",
            area=None,
            position=None,
            started_at=turn.now,
            ended_at=turn.now,
            outcome="none",
            exercises=(),
        )
    )
    turn.say(turn.text("morning.none_logged"))


def _snooze(turn: Turn, reminder: ReminderInfo, night: date) -> None:
    if reminder.snooze_until is not None and reminder.snooze_until > turn.now:
        clock = local_clock(turn, reminder.snooze_until, reminder.zone)
        turn.notify(turn.text("reminder.already_snoozed", time=clock))
        return
    if reminder.last_night_snoozed:
        turn.notify(turn.text("reminder.snooze_used"))
        return
    until = snooze(turn.now, SNOOZE_MINUTES)
    turn.effect(SnoozeReminder(night=night, until=until))
    turn.notify(turn.text("reminder.snoozed_note", minutes=SNOOZE_MINUTES))
    turn.say(turn.text("reminder.snoozed", time=local_clock(turn, until, reminder.zone)))


def _helping(turn: Turn, answer: Literal["yes", "no"]) -> None:
    turn.effect(AnswerHelping(answer))
    if answer == "yes":
        active = turn.profile.active_reminder is not None
        turn.say(turn.text("reminder.helping_yes" if active else "reminder.helping_yes_off"))
        return
    if turn.profile.active_reminder is not None:
        turn.effect(StopReminder())
    turn.say(turn.text("reminder.helping_no"))
