"""The bedtime reminder, as conversation: set it up, show it, change it, stop it, and answer the
buttons of a reminder message.

Reminders live in their own rows, so these flows read the user's `Profile` and ask for changes
with reminder effects; the service applies them in the same transaction as the chat state. Every
answer confirms in the user's local time, computed with the same pure `next_fire` the dispatcher
uses, so what we promise is what gets stored.

Buttons on a reminder message carry the local night they belong to instead of a screen number:
a reminder can arrive in the middle of any other conversation and must not make its buttons, or
the conversation's, stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, PlainSerializer

from bot.coach.callbacks import CallbackData
from bot.coach.effects import SaveMorning, SaveReminder, SaveZone, StopReminder
from bot.coach.flows import routine_end, safety
from bot.coach.flows.reminder_view import (
    ChangeReminder,
    RemindersOff,
    clock_text,
    describe_days,
    describe_next,
    local_clock,
    show,
    zone_label,
)
from bot.coach.router import Router, Words
from bot.coach.state import IDLE, NO_DRAFT, Draft, Phase, Purpose, SettingReminder
from bot.coach.turn import ButtonSpec, Turn
from bot.reminders.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    WEEKENDS,
    next_fire,
)
from bot.reminders.times import format_time, parse_time

Locator = Callable[[float, float], str | None]
router = Router()


def _clock(value: Any) -> Any:
    if isinstance(value, str):
        parsed = parse_time(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not a time")
        return parsed
    return value


# A local time on the wire, as HHMM.
Clock = Annotated[time, BeforeValidator(_clock), PlainSerializer(lambda at: at.strftime("%H%M"))]


class BedtimeChoice(CallbackData, prefix="rt"):
    at: Clock

    def label_values(self, turn: Turn) -> dict[str, str]:
        return {"time": clock_text(turn, self.at)}


class DaysChoice(CallbackData, prefix="rd"):
    days: Literal["all", "wkd", "wke"]


class ZoneChoice(CallbackData, prefix="rz"):
    # Checked against the zone data when pressed (see _zone_pressed), not when read.
    zone: str

    def label_values(self, turn: Turn) -> dict[str, str]:
        return {"zone": zone_label(turn, self.zone), "now": local_clock(turn, turn.now, self.zone)}


class MorningChoice(CallbackData, prefix="rm"):
    at: Clock | Literal["off"]

    def label_values(self, turn: Turn) -> dict[str, str]:
        return {} if self.at == "off" else {"time": clock_text(turn, self.at)}


TIME_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("time_choice", BedtimeChoice(at=time(21, 30))), ("time_choice", BedtimeChoice(at=time(22)))),
    (("time_choice", BedtimeChoice(at=time(22, 30))), ("time_choice", BedtimeChoice(at=time(23)))),
)
DAYS = {"all": EVERY_DAY, "wkd": WEEKDAYS, "wke": WEEKENDS}
DAYS_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("days_all", DaysChoice(days="all")),),
    (("days_weekdays", DaysChoice(days="wkd")), ("days_weekends", DaysChoice(days="wke"))),
)
MORNING_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("time_choice", MorningChoice(at=time(7))), ("time_choice", MorningChoice(at=time(7, 30)))),
    (("time_choice", MorningChoice(at=time(8))), ("time_choice", MorningChoice(at=time(8, 30)))),
    (("no_morning", MorningChoice(at="off")),),
)
OFF_WORDS = frozenset({"off", "stop", "disable", "cancel", "no", "none"})
ON_WORDS = frozenset({"on", "enable", "resume"})
Asking = Literal["time", "days", "zone", "morning"]
SETUP_PHASES = frozenset(
    {Phase.REMINDER_TIME, Phase.REMINDER_DAYS, Phase.REMINDER_ZONE, Phase.REMINDER_MORNING}
)


# -- entry points from the machine -----------------------------------------------------------
@router.command("reminder")
def command_reminder(turn: Turn, args: str) -> None:
    word = args.strip().lower()
    reminder = turn.profile.active_reminder
    if not word:
        if reminder is not None:
            show(turn, reminder)
        else:
            begin(turn, "setup")
        return
    if word in OFF_WORDS:
        stop(turn)
        return
    if word in ON_WORDS:
        if reminder is not None:
            show(turn, reminder)
        elif turn.profile.reminder is not None:  # back on as it was, in today's zone
            _finish(turn, NO_DRAFT, None)
        else:
            begin(turn, "setup")
        return
    at = parse_time(args)
    if at is None:
        turn.say(turn.text("reminder.bad_time"))
        return
    _finish(turn, Draft("time", format_time(at), reminder.days if reminder else None), None)


@router.command("timezone")
def command_timezone(turn: Turn, args: str) -> None:
    draft = _draft(turn)
    if not isinstance(turn.state.flow, SettingReminder):  # in a set-up, /timezone answers it
        draft = _draft_from(turn, "zone")
    if args.strip():
        resolve_zone(turn, draft, args)
    else:
        ask_zone(turn, draft)


def begin(turn: Turn, purpose: Purpose) -> None:
    """Ask the questions for `purpose` ("setup": all of them), starting from what is set now."""
    draft = _draft_from(turn, purpose)
    if purpose == "days":
        ask_days(turn, draft)
    elif purpose == "morning":
        ask_morning(turn, draft)
    elif purpose == "zone":
        ask_zone(turn, draft)
    else:
        ask_time(turn, draft)


def _draft_from(turn: Turn, purpose: Purpose) -> Draft:
    """A new draft for `purpose`, starting from the reminder as it is set now."""
    reminder = turn.profile.active_reminder
    if reminder is None:
        return Draft(purpose)
    return Draft(purpose, format_time(reminder.at), reminder.days)


def _draft(turn: Turn) -> Draft:
    """The reminder being set up, as far as it got."""
    flow = turn.state.flow
    return flow.draft if isinstance(flow, SettingReminder) else NO_DRAFT


def offer(turn: Turn) -> None:
    """The "remind me at bedtime" button: set one up, or show the one already set."""
    reminder = turn.profile.active_reminder
    if reminder is not None:
        show(turn, reminder)
    else:
        begin(turn, "setup")


@router.button(RemindersOff)
def _off_pressed(turn: Turn, data: RemindersOff) -> None:
    turn.notify(turn.text("stopped_note"))
    stop(turn)


@router.button(routine_end.RemindMe)
def _remind_me_pressed(turn: Turn, data: routine_end.RemindMe) -> None:
    if not turn.in_the_way():
        offer(turn)


@router.button(ChangeReminder)
def _change_pressed(turn: Turn, data: ChangeReminder) -> None:
    if not turn.in_the_way():
        begin(turn, data.part)


def stop(turn: Turn) -> None:
    _leave_setup(turn)
    if turn.profile.active_reminder is None:
        turn.say(turn.text("reminder.none"), remove_keyboard=True)
        return
    turn.effect(StopReminder())
    turn.say(turn.text("reminder.stopped"), remove_keyboard=True)


# -- the questions ---------------------------------------------------------------------------
def _enter_setup(turn: Turn, asking: Asking, draft: Draft) -> None:
    """Questions take over the chat: a routine in progress ends (and is logged) first.

    A pending check-in after a finished routine is left alone: the set-up takes a minute, and
    the check-in was promised on the very message that offered the reminder.
    """
    if turn.state.progress is not None:
        turn.abandon("abandoned")
    turn.go(SettingReminder(asking, draft))


def ask_time(turn: Turn, draft: Draft, *, fresh: bool = True) -> None:
    _enter_setup(turn, "time", draft)
    turn.say(turn.text("reminder.ask_time"), buttons=turn.keyboard(TIME_BUTTONS, fresh=fresh))


def ask_days(turn: Turn, draft: Draft, *, fresh: bool = True) -> None:
    _enter_setup(turn, "days", draft)
    turn.say(turn.text("reminder.ask_days"), buttons=turn.keyboard(DAYS_BUTTONS, fresh=fresh))


def ask_morning(turn: Turn, draft: Draft, *, fresh: bool = True) -> None:
    _enter_setup(turn, "morning", draft)
    turn.say(turn.text("morning.ask"), buttons=turn.keyboard(MORNING_BUTTONS, fresh=fresh))


def _got_morning(turn: Turn, at: time | None) -> None:
    reminder = turn.profile.active_reminder
    _leave_setup(turn)
    if reminder is None:  # reminders went off meanwhile: nothing to attach it to
        turn.say(turn.text("reminder.none"))
        return
    if at is None:
        turn.effect(SaveMorning(at=None, next_at=None))
        turn.say(turn.text("morning.off"))
        return
    fire = next_fire(at, ZoneInfo(reminder.zone), EVERY_DAY, after=turn.now)
    turn.effect(SaveMorning(at=at, next_at=fire.at))
    turn.say(
        turn.text(
            "morning.saved",
            next=describe_next(turn.catalog, fire.at, fire.local_date, reminder.zone, turn.now),
        )
    )


def ask_zone(turn: Turn, draft: Draft) -> None:
    _enter_setup(turn, "zone", draft)
    parts = []
    if turn.profile.zone is not None:
        parts.append(
            turn.text(
                "reminder.zone_current",
                zone=zone_label(turn, turn.profile.zone),
                now=local_clock(turn, turn.now, turn.profile.zone),
            )
        )
    parts.append(turn.text("reminder.ask_zone"))
    turn.say(*parts, location_button=turn.catalog.button("share_location"))


@router.reprompt(*SETUP_PHASES)
def _ask_again(turn: Turn) -> bool:
    phase, draft = turn.state.phase, _draft(turn)
    if phase == Phase.REMINDER_TIME:
        ask_time(turn, draft, fresh=False)
    elif phase == Phase.REMINDER_DAYS:
        ask_days(turn, draft, fresh=False)
    elif phase == Phase.REMINDER_ZONE:
        ask_zone(turn, draft)
    else:
        ask_morning(turn, draft, fresh=False)
    return True


# -- answers ---------------------------------------------------------------------------------
@router.button(BedtimeChoice, Phase.REMINDER_TIME)
def _time_pressed(turn: Turn, data: BedtimeChoice) -> None:
    _got_time(turn, _draft(turn), data.at)


@router.button(DaysChoice, Phase.REMINDER_DAYS)
def _days_pressed(turn: Turn, data: DaysChoice) -> None:
    _finish(turn, replace(_draft(turn), days=DAYS[data.days]), None)


@router.button(ZoneChoice, Phase.REMINDER_ZONE)
def _zone_pressed(turn: Turn, data: ZoneChoice) -> None:
    if not turn.zones.is_valid_zone(data.zone):  # a forged or outdated zone saves nothing
        turn.notify(turn.text("stale_button"))
        return
    zone_chosen(turn, _draft(turn), data.zone)


@router.button(MorningChoice, Phase.REMINDER_MORNING)
def _morning_pressed(turn: Turn, data: MorningChoice) -> None:
    _got_morning(turn, None if data.at == "off" else data.at)


@router.text(*SETUP_PHASES)
def _typed(turn: Turn, words: Words) -> bool:
    return text(turn, words.text, other_meaning=bool(words.intents))


def text(turn: Turn, words: str, *, other_meaning: bool) -> bool:
    """Typed answers to the set-up questions; False when the words are no answer.

    `other_meaning`: the words mean something else to the coach ("my calf is cramping"). Such
    words are not an answer, and are not told off as a bad time or zone either: the machine
    deals with them (a cramp matters more than the reminder being set up).
    """
    phase, draft = turn.state.phase, _draft(turn)
    if phase in (Phase.REMINDER_TIME, Phase.REMINDER_MORNING):
        # Both questions take a time: bedtime, or the morning check-in's.
        at = parse_time(words)
        if at is not None:
            if phase == Phase.REMINDER_TIME:
                _got_time(turn, draft, at)
            else:
                _got_morning(turn, at)
            return True
        if other_meaning:
            return False
        turn.say(turn.text("reminder.bad_time"))
        if phase == Phase.REMINDER_TIME:
            ask_time(turn, draft, fresh=False)
        else:
            ask_morning(turn, draft, fresh=False)
        return True
    if phase == Phase.REMINDER_ZONE:
        if other_meaning and turn.zones.find_zone(words, turn.now).zone is None:
            return False
        resolve_zone(turn, draft, words)
        return True
    return False


def location(turn: Turn, latitude: float, longitude: float, locate: Locator) -> bool:
    if turn.state.phase != Phase.REMINDER_ZONE:
        return False
    zone = locate(latitude, longitude)
    if zone is None:
        turn.say(turn.text("reminder.location_unknown"))
        return True
    zone_chosen(turn, _draft(turn), zone)
    return True


def resolve_zone(turn: Turn, draft: Draft, words: str) -> None:
    match = turn.zones.find_zone(words, turn.now)
    if match.zone is not None:
        zone_chosen(turn, draft, match.zone)
        return
    candidates = match.candidates
    if not candidates:
        clock = parse_time(words)
        if clock is not None:
            candidates = turn.zones.zones_for_local_time(clock, turn.now)
            if not candidates:
                _enter_setup(turn, "zone", draft)
                turn.say(turn.text("reminder.no_zone_for_time", time=clock_text(turn, clock)))
                return
    if len(candidates) == 1:
        zone_chosen(turn, draft, candidates[0])
        return
    _enter_setup(turn, "zone", draft)
    if not candidates:
        turn.say(turn.text("reminder.bad_zone"))
        return
    rows = [(("zone_choice", ZoneChoice(zone=zone)),) for zone in candidates]
    keyboard = turn.keyboard(rows)
    turn.say(turn.text("reminder.pick_zone"), buttons=keyboard)


def zone_chosen(turn: Turn, draft: Draft, zone: str) -> None:
    has_reminder = draft.time is not None or turn.profile.active_reminder is not None
    if draft.purpose in (None, "zone") and not has_reminder:
        _leave_setup(turn)
        turn.effect(SaveZone(zone))
        turn.say(
            turn.text(
                "reminder.zone_saved",
                zone=zone_label(turn, zone),
                now=local_clock(turn, turn.now, zone),
            ),
            remove_keyboard=True,
        )
        return
    _finish(turn, draft, zone)


def _got_time(turn: Turn, draft: Draft, at: time) -> None:
    draft = replace(draft, time=format_time(at))
    if draft.purpose == "setup":
        ask_days(turn, draft)
    else:
        _finish(turn, draft, None)


def _finish(turn: Turn, draft: Draft, zone: str | None) -> None:
    """Store the reminder from the draft (or what is set) and confirm it; ask what is missing."""
    known = turn.profile.reminder
    zone = zone or turn.profile.zone or (known.zone if known else None)
    if zone is None:
        ask_zone(turn, draft)
        return
    at = parse_time(draft.time) if draft.time else None
    at = at or (known.at if known else None)
    if at is None:
        ask_time(turn, replace(draft, purpose="setup"))
        return
    days = draft.days or (known.days if known else EVERY_DAY)
    fire = next_fire(
        at,
        ZoneInfo(zone),
        days,
        after=turn.now,
        last_sent=known.last_sent_date if known else None,
    )
    if zone != turn.profile.zone:
        turn.effect(SaveZone(zone))
    turn.effect(
        SaveReminder(
            zone=zone, at=at, days=days, next_fire_at=fire.at, next_local_date=fire.local_date
        )
    )
    _leave_setup(turn)
    turn.say(
        turn.text(
            "reminder.saved",
            time=clock_text(turn, at),
            days=describe_days(turn.catalog, days),
            zone=zone_label(turn, zone),
            next=describe_next(turn.catalog, fire.at, fire.local_date, zone, turn.now),
        ),
        turn.text("reminder.saved_hint"),
        remove_keyboard=True,
    )
    parts: list[str] = []
    rows: list[tuple[ButtonSpec, ...]] = []
    safety.offer(turn, parts, rows)
    if parts:  # its own message: the one above takes the time-zone keyboard away
        turn.say(*parts, buttons=turn.keyboard(rows))


def _leave_setup(turn: Turn) -> None:
    """Done: back to idle from a set-up question; anything else (a routine) carries on."""
    if isinstance(turn.state.flow, SettingReminder):
        turn.go(IDLE)
