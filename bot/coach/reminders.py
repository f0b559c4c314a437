"""The bedtime reminder, as conversation: set it up, show it, change it, stop it, and answer the
buttons of a reminder message.

Reminders live in their own rows, so these flows read the user's `Profile` and ask for changes
with reminder actions; the service applies them in the same transaction as the chat state. Every
answer confirms in the user's local time, computed with the same pure `next_fire` the dispatcher
uses, so what we promise is what gets stored.

Buttons on a reminder message carry the local night they belong to instead of a screen number:
a reminder can arrive in the middle of any other conversation and must not make its buttons, or
the conversation's, stale.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot import formats
from bot.coach import callbacks, routine, safety_profile
from bot.coach.actions import (
    AnswerHelping,
    Button,
    Keyboard,
    LogEpisode,
    SaveMorning,
    SaveReminder,
    SaveZone,
    Say,
    SkipReminder,
    SnoozeReminder,
    StopReminder,
)
from bot.coach.profile import ReminderInfo
from bot.coach.state import Phase
from bot.coach.turn import ButtonSpec, Turn
from bot.content import Catalog, Content
from bot.reminders.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    WEEKENDS,
    next_fire,
    relative_day,
    snooze,
    weekdays_of,
)
from bot.reminders.times import format_time, parse_time

Locator = Callable[[float, float], str | None]

SNOOZE_MINUTES = 30
TIME_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("time_choice", "rt", "2130"), ("time_choice", "rt", "2200")),
    (("time_choice", "rt", "2230"), ("time_choice", "rt", "2300")),
)
DAYS = {"all": EVERY_DAY, "wkd": WEEKDAYS, "wke": WEEKENDS}
DAYS_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("days_all", "rd", "all"),),
    (("days_weekdays", "rd", "wkd"), ("days_weekends", "rd", "wke")),
)
VIEW_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("change_time", "rc", "time"), ("change_days", "rc", "days")),
    (("change_zone", "rc", "zone"), ("morning_checkin", "rc", "morning")),
    (("stop_reminders", "ro", ""),),
)
MORNING_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("time_choice", "rm", "0700"), ("time_choice", "rm", "0730")),
    (("time_choice", "rm", "0800"), ("time_choice", "rm", "0830")),
    (("no_morning", "rm", "off"),),
)
OFF_WORDS = frozenset({"off", "stop", "disable", "cancel", "no", "none"})
ON_WORDS = frozenset({"on", "enable", "resume"})
SETUP_PHASES = frozenset(
    {Phase.REMINDER_TIME, Phase.REMINDER_DAYS, Phase.REMINDER_ZONE, Phase.REMINDER_MORNING}
)
# Verbs of a reminder message's buttons; their argument is the local night, e.g. "20261123".
# "mn"/"my" answer the morning check-in ("no cramps" / "yes, log one").
NIGHT_VERBS = frozenset({"bs", "bz", "bk", "bo", "bh", "mn", "my"})


# -- the reminder message itself (sent by the dispatcher, not in reply to anything) -----------
def night_arg(night: date) -> str:
    return night.strftime("%Y%m%d")


def parse_night(arg: str) -> date | None:
    head = arg.split(".", 1)[0]
    if len(head) != 8 or not (head.isascii() and head.isdigit()):
        return None
    try:
        return date(int(head[:4]), int(head[4:6]), int(head[6:]))
    except ValueError:
        return None


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
    arg = night_arg(night)

    def button(label: str, verb: str, suffix: str = "") -> Button:
        return _night_button(catalog, label, verb, arg + suffix)

    if kind == "morning":
        answers = ((button("no_cramps", "mn"), button("yes_cramp", "my")),)
        return (Say(catalog.text("morning.question"), answers),)

    rows: list[tuple[Button, ...]] = [(button("start_now", "bs"),)]
    if snoozed:
        rows.append((button("skip_tonight", "bk"),))
    else:
        rows.append((button("snooze", "bz"), button("skip_tonight", "bk")))
    rows.append((button("stop_reminders", "bo"),))
    key = "reminder.message_snoozed" if snoozed else "reminder.message"
    messages = [Say(catalog.text(key), tuple(rows))]
    if ask_helping:
        helping: Keyboard = (
            (button("helping_yes", "bh", ".yes"), button("helping_no", "bh", ".no")),
        )
        messages.append(Say(catalog.text("reminder.helping_question"), helping))
    return tuple(messages)


def _night_button(catalog: Catalog, label: str, verb: str, arg: str) -> Button:
    # Screen 0: these buttons are tied to their night, not to a message of the conversation.
    return Button(catalog.button(label), callbacks.encode(0, verb, arg))


# -- wording ---------------------------------------------------------------------------------
def local_clock(turn: Turn, moment: datetime, zone: str) -> str:
    return clock_text(turn, moment.astimezone(ZoneInfo(zone)))


def clock_text(turn: Turn, value: time | datetime) -> str:
    """A time as the chat's language writes a 24-hour clock (``21:30``)."""
    return formats.clock(value, turn.catalog.language)


def describe_next(
    catalog: Catalog, fire_at: datetime, night: date, zone: str, now: datetime
) -> str:
    """ "tonight at 21:30", "tomorrow at 21:30" or "on Friday at 21:30", in the user's zone."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    clock = formats.clock(fire_at.astimezone(tz), catalog.language)
    when = relative_day(night, today) if night >= today else "today"
    weekday = formats.weekday(night.weekday(), catalog.language)
    return catalog.text(f"when.{when}", time=clock, weekday=weekday)


def describe_days(catalog: Catalog, days: int) -> str:
    if days == EVERY_DAY:
        return catalog.text("days.every")
    if days == WEEKDAYS:
        return catalog.text("days.weekdays")
    if days == WEEKENDS:
        return catalog.text("days.weekends")
    names = (formats.weekday(day, catalog.language) for day in weekdays_of(days))
    return formats.join(names, catalog.language)


def _zone_label(zone: str) -> str:
    return zone.replace("_", " ")


# -- entry points from the machine -----------------------------------------------------------
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
            _clear_draft(turn)
            _finish(turn, None)
        else:
            begin(turn, "setup")
        return
    at = parse_time(args)
    if at is None:
        turn.say(turn.text("reminder.bad_time"))
        return
    turn.update(
        draft_purpose="time",
        draft_time=format_time(at),
        draft_days=reminder.days if reminder else None,
    )
    _finish(turn, None)


def command_timezone(turn: Turn, args: str) -> None:
    reminder = turn.profile.active_reminder
    if turn.state.phase not in SETUP_PHASES:  # in the middle of a set-up, /timezone answers it
        turn.update(
            draft_purpose="zone",
            draft_time=format_time(reminder.at) if reminder else None,
            draft_days=reminder.days if reminder else None,
        )
    if args.strip():
        resolve_zone(turn, args)
    else:
        ask_zone(turn)


def begin(turn: Turn, purpose: str) -> None:
    """Ask the questions for `purpose` ("setup": all of them), starting from what is set now."""
    reminder = turn.profile.active_reminder
    turn.update(
        draft_purpose=purpose,
        draft_time=format_time(reminder.at) if reminder else None,
        draft_days=reminder.days if reminder else None,
        choice_mode=None,
        choice_area=None,
    )
    if purpose == "days":
        ask_days(turn)
    elif purpose == "morning":
        ask_morning(turn)
    elif purpose == "zone":
        ask_zone(turn)
    else:
        ask_time(turn)


def offer(turn: Turn) -> None:
    """The "remind me at bedtime" button: set one up, or show the one already set."""
    reminder = turn.profile.active_reminder
    if reminder is not None:
        show(turn, reminder)
    else:
        begin(turn, "setup")


def show(turn: Turn, reminder: ReminderInfo) -> None:
    parts = [
        turn.text(
            "reminder.view",
            time=clock_text(turn, reminder.at),
            days=describe_days(turn.catalog, reminder.days),
            zone=_zone_label(reminder.zone),
            next=_next_text(turn, reminder),
        )
    ]
    morning = clock_text(turn, reminder.morning_at) if reminder.morning_at else None
    parts.append(
        turn.text("reminder.view_morning", time=morning)
        if morning
        else turn.text("reminder.view_no_morning")
    )
    if reminder.snooze_until is not None and reminder.snooze_until > turn.now:
        parts.append(
            turn.text(
                "reminder.view_snoozed",
                time=local_clock(turn, reminder.snooze_until, reminder.zone),
            )
        )
    # Not a fresh screen: showing the reminder must not make the buttons on screen stale (a
    # routine's Next, a question's answers); the view's own buttons work from any message.
    turn.say(*parts, buttons=turn.keyboard(VIEW_BUTTONS, fresh=False))


def _next_text(turn: Turn, reminder: ReminderInfo) -> str:
    if reminder.next_fire_at is None or reminder.next_local_date is None:
        fire = next_fire(
            reminder.at,
            ZoneInfo(reminder.zone),
            reminder.days,
            after=turn.now,
            last_sent=reminder.last_sent_date,
        )
        return describe_next(turn.catalog, fire.at, fire.local_date, reminder.zone, turn.now)
    return describe_next(
        turn.catalog, reminder.next_fire_at, reminder.next_local_date, reminder.zone, turn.now
    )


def stop(turn: Turn) -> None:
    _leave_setup(turn)
    if turn.profile.active_reminder is None:
        turn.say(turn.text("reminder.none"), remove_keyboard=True)
        return
    turn.act(StopReminder())
    turn.say(turn.text("reminder.stopped"), remove_keyboard=True)


# -- the questions ---------------------------------------------------------------------------
def _enter_setup(turn: Turn, phase: Phase) -> None:
    """Questions take over the chat: a routine in progress ends (and is logged) first.

    A pending check-in after a finished routine is left alone: the set-up takes a minute, and
    the check-in was promised on the very message that offered the reminder.
    """
    if turn.state.progress is not None:
        routine.abandon(turn, "abandoned")
    turn.update(phase=phase, choice_mode=None, choice_area=None)


def ask_time(turn: Turn, *, fresh: bool = True) -> None:
    _enter_setup(turn, Phase.REMINDER_TIME)
    turn.say(turn.text("reminder.ask_time"), buttons=turn.keyboard(TIME_BUTTONS, fresh=fresh))


def ask_days(turn: Turn, *, fresh: bool = True) -> None:
    _enter_setup(turn, Phase.REMINDER_DAYS)
    turn.say(turn.text("reminder.ask_days"), buttons=turn.keyboard(DAYS_BUTTONS, fresh=fresh))


def ask_morning(turn: Turn, *, fresh: bool = True) -> None:
    _enter_setup(turn, Phase.REMINDER_MORNING)
    turn.say(turn.text("morning.ask"), buttons=turn.keyboard(MORNING_BUTTONS, fresh=fresh))


def _got_morning(turn: Turn, at: time | None) -> None:
    reminder = turn.profile.active_reminder
    _leave_setup(turn)
    if reminder is None:  # reminders went off meanwhile: nothing to attach it to
        turn.say(turn.text("reminder.none"))
        return
    if at is None:
        turn.act(SaveMorning(at=None, next_at=None))
        turn.say(turn.text("morning.off"))
        return
    fire = next_fire(at, ZoneInfo(reminder.zone), EVERY_DAY, after=turn.now)
    turn.act(SaveMorning(at=at, next_at=fire.at))
    turn.say(
        turn.text(
            "morning.saved",
            next=describe_next(turn.catalog, fire.at, fire.local_date, reminder.zone, turn.now),
        )
    )


def ask_zone(turn: Turn) -> None:
    _enter_setup(turn, Phase.REMINDER_ZONE)
    parts = []
    if turn.profile.zone is not None:
        parts.append(
            turn.text(
                "reminder.zone_current",
                zone=_zone_label(turn.profile.zone),
                now=local_clock(turn, turn.now, turn.profile.zone),
            )
        )
    parts.append(turn.text("reminder.ask_zone"))
    turn.say(*parts, location_button=turn.catalog.button("share_location"))


def reprompt(turn: Turn) -> bool:
    phase = turn.state.phase
    if phase == Phase.REMINDER_TIME:
        ask_time(turn, fresh=False)
    elif phase == Phase.REMINDER_DAYS:
        ask_days(turn, fresh=False)
    elif phase == Phase.REMINDER_ZONE:
        ask_zone(turn)
    elif phase == Phase.REMINDER_MORNING:
        ask_morning(turn, fresh=False)
    else:
        return False
    return True


# -- answers ---------------------------------------------------------------------------------
def screen_button(turn: Turn, verb: str, arg: str) -> bool:
    """Buttons of the set-up questions (checked against the screen by the machine)."""
    if verb == "rt":
        at = parse_time(arg)
        if at is None:
            return False
        _got_time(turn, at)
    elif verb == "rd" and arg in DAYS:
        turn.update(draft_days=DAYS[arg])
        _finish(turn, None)
    elif verb == "rz" and turn.zones.is_valid_zone(arg):
        zone_chosen(turn, arg)
    elif verb == "rm" and (arg == "off" or parse_time(arg) is not None):
        _got_morning(turn, None if arg == "off" else parse_time(arg))
    else:
        return False
    return True


def text(turn: Turn, words: str, *, other_meaning: bool) -> bool:
    """Typed answers to the set-up questions; False when the words are no answer.

    `other_meaning`: the words mean something else to the coach ("my calf is cramping"). Such
    words are not an answer, and are not told off as a bad time or zone either: the machine
    deals with them (a cramp matters more than the reminder being set up).
    """
    phase = turn.state.phase
    if phase in (Phase.REMINDER_TIME, Phase.REMINDER_MORNING):
        # Both questions take a time: bedtime, or the morning check-in's.
        answer, ask = (
            (_got_time, ask_time) if phase == Phase.REMINDER_TIME else (_got_morning, ask_morning)
        )
        at = parse_time(words)
        if at is not None:
            answer(turn, at)
            return True
        if other_meaning:
            return False
        turn.say(turn.text("reminder.bad_time"))
        ask(turn, fresh=False)
        return True
    if phase == Phase.REMINDER_ZONE:
        if other_meaning and turn.zones.find_zone(words, turn.now).zone is None:
            return False
        resolve_zone(turn, words)
        return True
    return False


def location(turn: Turn, latitude: float, longitude: float, locate: Locator) -> bool:
    if turn.state.phase != Phase.REMINDER_ZONE:
        return False
    zone = locate(latitude, longitude)
    if zone is None:
        turn.say(turn.text("reminder.location_unknown"))
        return True
    zone_chosen(turn, zone)
    return True


def resolve_zone(turn: Turn, words: str) -> None:
    match = turn.zones.find_zone(words, turn.now)
    if match.zone is not None:
        zone_chosen(turn, match.zone)
        return
    candidates = match.candidates
    if not candidates:
        clock = parse_time(words)
        if clock is not None:
            candidates = turn.zones.zones_for_local_time(clock, turn.now)
            if not candidates:
                _enter_setup(turn, Phase.REMINDER_ZONE)
                turn.say(turn.text("reminder.no_zone_for_time", time=clock_text(turn, clock)))
                return
    if len(candidates) == 1:
        zone_chosen(turn, candidates[0])
        return
    _enter_setup(turn, Phase.REMINDER_ZONE)
    if not candidates:
        turn.say(turn.text("reminder.bad_zone"))
        return
    rows = [(("zone_choice", "rz", zone),) for zone in candidates]
    keyboard = turn.keyboard(rows)
    turn.say(turn.text("reminder.pick_zone"), buttons=keyboard)


def zone_chosen(turn: Turn, zone: str) -> None:
    has_reminder = turn.state.draft_time is not None or turn.profile.active_reminder is not None
    if turn.state.draft_purpose in (None, "zone") and not has_reminder:
        _leave_setup(turn)
        turn.act(SaveZone(zone))
        turn.say(
            turn.text(
                "reminder.zone_saved", zone=_zone_label(zone), now=local_clock(turn, turn.now, zone)
            ),
            remove_keyboard=True,
        )
        return
    _finish(turn, zone)


def _got_time(turn: Turn, at: time) -> None:
    turn.update(draft_time=format_time(at))
    if turn.state.draft_purpose == "setup":
        ask_days(turn)
    else:
        _finish(turn, None)


def _finish(turn: Turn, zone: str | None) -> None:
    """Store the reminder from the draft (or what is set) and confirm it; ask what is missing."""
    known = turn.profile.reminder
    zone = zone or turn.profile.zone or (known.zone if known else None)
    if zone is None:
        ask_zone(turn)
        return
    at = parse_time(turn.state.draft_time) if turn.state.draft_time else None
    at = at or (known.at if known else None)
    if at is None:
        turn.update(draft_purpose="setup")
        ask_time(turn)
        return
    days = turn.state.draft_days or (known.days if known else EVERY_DAY)
    fire = next_fire(
        at,
        ZoneInfo(zone),
        days,
        after=turn.now,
        last_sent=known.last_sent_date if known else None,
    )
    if zone != turn.profile.zone:
        turn.act(SaveZone(zone))
    turn.act(
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
            zone=_zone_label(zone),
            next=describe_next(turn.catalog, fire.at, fire.local_date, zone, turn.now),
        ),
        turn.text("reminder.saved_hint"),
        remove_keyboard=True,
    )
    parts: list[str] = []
    rows: list[tuple[ButtonSpec, ...]] = []
    safety_profile.offer(turn, parts, rows)
    if parts:  # its own message: the one above takes the time-zone keyboard away
        turn.say(*parts, buttons=turn.keyboard(rows))


def _clear_draft(turn: Turn) -> None:
    turn.update(draft_purpose=None, draft_time=None, draft_days=None)


def _leave_setup(turn: Turn) -> None:
    """Done: back to idle from a set-up question; anything else (a routine) carries on."""
    _clear_draft(turn)
    if turn.state.phase in SETUP_PHASES:
        turn.update(phase=Phase.IDLE)


# -- a reminder message's buttons ------------------------------------------------------------
def night_button(turn: Turn, verb: str, arg: str) -> None:
    night = parse_night(arg)
    if night is None:
        turn.notify(turn.text("stale_button"))
        return
    reminder = turn.profile.active_reminder
    if verb == "bh":
        _helping(turn, arg.rpartition(".")[2])
        return
    if verb == "bo":
        turn.notify(turn.text("stopped_note"))
        stop(turn)
        return
    if verb == "mn":
        _no_cramps(turn, night)
        return
    if reminder is None:
        turn.notify(turn.text("reminder.none_note"))
        return
    if night != reminder.last_sent_date:
        turn.notify(turn.text("reminder.old_night"))
        return
    if verb == "bz":
        _snooze(turn, reminder, night)
    elif verb == "bk":
        turn.act(SkipReminder())
        turn.notify(turn.text("reminder.skipped_note"))
        turn.say(turn.text("reminder.skipped", next=_next_text(turn, reminder)))


def _no_cramps(turn: Turn, night: date) -> None:
    """A cramp-free night goes into the diary, so the pattern shows the good nights too."""
    turn.actions.append(
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
    turn.act(SnoozeReminder(night=night, until=until))
    turn.notify(turn.text("reminder.snoozed_note", minutes=SNOOZE_MINUTES))
    turn.say(turn.text("reminder.snoozed", time=local_clock(turn, until, reminder.zone)))


def _helping(turn: Turn, answer: str) -> None:
    if answer not in ("yes", "no"):
        turn.notify(turn.text("stale_button"))
        return
    turn.act(AnswerHelping(answer))
    if answer == "yes":
        active = turn.profile.active_reminder is not None
        turn.say(turn.text("reminder.helping_yes" if active else "reminder.helping_yes_off"))
        return
    if turn.profile.active_reminder is not None:
        turn.act(StopReminder())
    turn.say(turn.text("reminder.helping_no"))
