"""When the next bedtime reminder is due.

A reminder is stored as an IANA zone name, a local wall-clock time, a weekday bitmask and the last
local date one was sent. People think of a bedtime as "21:30 where I am", so the schedule is kept in
wall-clock terms and turned into an instant only for the one fire being asked about; storing a UTC
instant or a fixed offset is exactly what makes reminders drift by an hour after a DST change.

Everything here is pure: the current instant is always passed in (``after`` / ``now``), so the
dispatcher, the conversation and the tests all control the clock, and nothing here reads it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "EVERY_DAY",
    "WEEKDAYS",
    "WEEKENDS",
    "Fire",
    "days_mask",
    "is_allowed",
    "next_fire",
    "relative_day",
    "skip_next",
    "snooze",
    "wall_time_to_utc",
    "weekdays_of",
]

EVERY_DAY: int = 0b1111111
WEEKDAYS: int = 0b0011111
WEEKENDS: int = 0b1100000

# A mask has at least one day per week, and a night is only ever dropped when a whole local day
# vanishes (a date-line jump), so two weeks plus a little always contain an answer.
_LOOKAHEAD_DAYS = 15
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)


def _check_weekday(weekday: int) -> None:
    # bool is an int; True sneaking in as "Tuesday" would be a caller bug worth surfacing.
    if isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {weekday!r}")


def _check_mask(days: int) -> None:
    if isinstance(days, bool) or not 0 <= days <= EVERY_DAY:
        raise ValueError(f"days must be a weekday bitmask in 0..{EVERY_DAY}, got {days!r}")


def days_mask(weekdays: Iterable[int]) -> int:
    """Pack weekdays (``date.weekday()`` numbering) into the stored bitmask.

    An empty iterable gives 0, which is a legitimate intermediate state while someone toggles days
    in the UI; it is :func:`next_fire` that refuses to schedule it.
    """
    mask = 0
    for weekday in weekdays:
        _check_weekday(weekday)
        mask |= 1 << weekday
    return mask


def weekdays_of(days: int) -> tuple[int, ...]:
    """Unpack a bitmask, sorted, so the UI can list and toggle the chosen days."""
    _check_mask(days)
    return tuple(weekday for weekday in range(7) if days & (1 << weekday))


def is_allowed(days: int, weekday: int) -> bool:
    """Whether a local weekday is in the mask; validated so that a bad value fails loudly instead
    of silently never (or always) matching."""
    _check_mask(days)
    _check_weekday(weekday)
    return bool(days & (1 << weekday))


@dataclass(frozen=True, slots=True)
class Fire:
    """One planned reminder.

    ``local_date`` is kept next to the instant because "one reminder per night" is decided by the
    local date, and that cannot be recovered from ``at`` once the user changes zone.
    """

    local_date: date
    at: datetime

    def __post_init__(self) -> None:
        # UTC only, so instants compare and store without any zone arithmetic downstream.
        if self.at.tzinfo is None or self.at.utcoffset() != timedelta(0):
            raise ValueError(f"Fire.at must be an aware UTC datetime, got {self.at!r}")


def _check_wall_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError("the reminder time is a local wall-clock time and must be naive")
    if at.second or at.microsecond:
        # Stored at minute precision; anything finer means the caller built it wrongly.
        raise ValueError(f"the reminder time has minute precision, got {at.isoformat()}")


def _exists(local: datetime) -> bool:
    """A wall-clock time exists iff it survives a round trip through UTC; zoneinfo happily builds
    datetimes inside a spring-forward gap, so this is the only honest test."""
    zone = local.tzinfo
    back = local.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def wall_time_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on ``day`` in ``zone``.

    Inside a spring-forward gap the reminder moves to the first valid minute after the gap (the
    moment clocks jump) rather than zoneinfo's default of keeping the pre-change offset, which
    would land the reminder an hour (or 30 min, on Lord Howe) after the moment the person set it
    for. In a fall-back overlap the first occurrence wins, so a bedtime reminder is never delayed
    by the repeated hour. Offsets are never assumed: gaps of any size (Chatham's at 02:45, Lord
    Howe's 30 minutes, Samoa's missing day) come out of the zone data.

    The result may fall on the next local date when a gap swallows the rest of the day;
    :func:`next_fire` treats such a night as not existing.
    """
    _check_wall_time(at)
    # fold=0 explicitly: a time(…, fold=1) from elsewhere must not pick the second occurrence.
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    if _exists(local):
        return local.astimezone(UTC)
    before = local.utcoffset()
    after = local.replace(fold=1).utcoffset()
    assert before is not None and after is not None  # a ZoneInfo always yields an offset
    gap_minutes = math.ceil((after - before) / _ONE_MINUTE)
    for step in range(1, gap_minutes + 1):
        candidate = local + step * _ONE_MINUTE  # wall-clock arithmetic, on purpose
        if _exists(candidate):
            return candidate.astimezone(UTC)
    raise AssertionError(f"no valid minute after {local.isoformat()} in {zone.key}")


def _check_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def next_fire(
    at: time,
    zone: ZoneInfo,
    days: int,
    *,
    after: datetime,
    last_sent: date | None = None,
) -> Fire:
    """The first reminder strictly later than ``after``.

    Strictly later, so a dispatcher that passes the fire it just sent gets the following one, not
    the same one again. A night whose local date is not later than ``last_sent`` is never chosen:
    a person who already got tonight's reminder and then moves the time later, or flies to
    another zone, must not be reminded twice in one evening. The weekday filter uses the local
    date, because "weekdays only" means the person's weekdays, not UTC's.
    """
    _check_aware(after, "after")
    _check_mask(days)
    if days == 0:
        raise ValueError("days selects no weekday; there is nothing to schedule")
    _check_wall_time(at)

    # Start a day early: around midnight and fall-back overlaps, yesterday's local night can still
    # be ahead of ``after``. Candidates are in increasing order, so the first match is the earliest.
    first = after.astimezone(zone).date() - _ONE_DAY
    if last_sent is not None:
        first = max(first, last_sent + _ONE_DAY)
    for offset in range(_LOOKAHEAD_DAYS + 2):
        day = first + offset * _ONE_DAY
        if not is_allowed(days, day.weekday()):
            continue
        instant = wall_time_to_utc(day, at, zone)
        if instant.astimezone(zone).date() != day:
            continue  # the gap ate the rest of this local day: that night did not happen
        if instant > after:
            return Fire(local_date=day, at=instant)
    raise AssertionError(f"no reminder within {_LOOKAHEAD_DAYS} days of {first}")


def skip_next(
    at: time,
    zone: ZoneInfo,
    days: int,
    *,
    after: datetime,
    last_sent: date | None = None,
) -> Fire:
    """The reminder after the one :func:`next_fire` would give, for "skip tonight".

    The skipped night is treated as sent, so the answer can be stored as-is: persist its night as
    ``last_sent`` and the dispatcher will not bring the skipped one back.
    """
    skipped = next_fire(at, zone, days, after=after, last_sent=last_sent)
    return next_fire(at, zone, days, after=skipped.at, last_sent=skipped.local_date)


def snooze(now: datetime, minutes: int = 30) -> datetime:
    """``minutes`` of real elapsed time after ``now``, in UTC.

    The addition happens in UTC because adding a timedelta to a ZoneInfo-aware datetime is
    wall-clock arithmetic: a 30-minute snooze at 01:45 on a spring-forward night would otherwise
    land in the gap and ring 90 minutes later.
    """
    _check_aware(now, "now")
    if isinstance(minutes, bool) or minutes <= 0:
        raise ValueError(f"a snooze must last a positive number of minutes, got {minutes!r}")
    return now.astimezone(UTC) + timedelta(minutes=minutes)


def relative_day(local_date: date, today: date) -> Literal["today", "tomorrow", "later"]:
    """Which wording to use for a fire: "tonight at 21:30", "tomorrow at 21:30", "on Friday …".

    Both dates must be in the reminder's zone. A fire before today means the caller mixed zones
    (for example took ``today`` from UTC), so it fails rather than telling the person a wrong day.
    """
    if local_date < today:
        raise ValueError(f"{local_date} is before {today}; were the dates taken in one zone?")
    if local_date == today:
        return "today"
    if local_date == today + _ONE_DAY:
        return "tomorrow"
    return "later"
