"""How the bedtime reminder is put into words: its next night, its days, and the view of it that
/reminder shows, with the buttons to change it (they work from any message).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot import formats
from bot.coach.callbacks import CallbackData
from bot.coach.profile import ReminderInfo
from bot.coach.turn import ButtonSpec, Turn
from bot.content import Catalog
from bot.reminders.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    WEEKENDS,
    next_fire,
    relative_day,
    weekdays_of,
)


class ChangeReminder(CallbackData, prefix="rc"):
    """A button of the reminder's view: works from any message."""

    part: Literal["time", "days", "zone", "morning"]


class RemindersOff(CallbackData, prefix="ro"):
    pass


VIEW_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("change_time", ChangeReminder(part="time")), ("change_days", ChangeReminder(part="days"))),
    (
        ("change_zone", ChangeReminder(part="zone")),
        ("morning_checkin", ChangeReminder(part="morning")),
    ),
    (("stop_reminders", RemindersOff()),),
)


# -- wording --------------------------------------------------------------------------------------
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


def zone_label(turn: Turn, zone: str) -> str:
    """The zone as the chat's language names it (the city), in English its tz name."""
    return turn.zones.zone_label(zone, turn.catalog.language)


def show(turn: Turn, reminder: ReminderInfo) -> None:
    parts = [
        turn.text(
            "reminder.view",
            time=clock_text(turn, reminder.at),
            days=describe_days(turn.catalog, reminder.days),
            zone=zone_label(turn, reminder.zone),
            next=next_text(turn, reminder),
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


def next_text(turn: Turn, reminder: ReminderInfo) -> str:
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
