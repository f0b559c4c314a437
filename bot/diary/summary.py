"""The diary in numbers: a pure function from entries to a frozen :class:`DiarySummary` (no text).

Which local day, night, week and time-of-night bucket an entry falls in is defined once in
:mod:`bot.diary.entries`; this module only counts.

Period rules:

* The **window** is the last ``days`` local calendar days up to and including ``today``; an entry is
  in it when its local date is. Entries after ``today`` are ignored.
* **Rates** ("cramps a week") are cramps × 7 / days *observed*. A diary cannot know about days
  before the user started it, so observation begins at ``since`` (default: the local date of the
  earliest entry given, of any kind) when that is later than the window's start. Callers that pass
  only a slice of the history should pass ``since`` (e.g. the user's sign-up date).
* With ``reminder_started``, the observed days split into **before** (up to the day before) and
  **after** (from that day on); either may be ``None`` when it has no days.
* **Nights with cramps** are the distinct nights of cramps in the window; **cramp-free nights** are
  the distinct nights answered ``none``, minus any night that has a cramp after all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.diary.entries import (
    AREAS,
    ATTENTION_OUTCOMES,
    OTHER_AREA,
    TIME_BUCKETS,
    DiaryEntry,
    area_key,
    local,
    night_of,
    time_bucket,
    week_start,
)

__all__ = ["DiarySummary", "NightMark", "PeriodStats", "WeekCount", "night_marks", "summarize"]

#: How many exercises "what helped" keeps.
HELPED_TOP = 3
# Fewer observed days than this give no weekly rate: "14 a week" after one night misleads.
MIN_DAYS_FOR_RATE = 7
_AREA_KEYS: tuple[str, ...] = (*AREAS, OTHER_AREA)


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Cramps over a run of local days (both ends included)."""

    start: date
    end: date
    cramps: int
    bedtime_sessions: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_week(self) -> float:
        """Cramps per 7 days."""
        return self.cramps * 7 / self.days


@dataclass(frozen=True, slots=True)
class WeekCount:
    """Cramps in one local ISO week, by area (every key of ``AREAS`` + ``other``, in that order)."""

    start: date  # Monday
    by_area: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_area)


@dataclass(frozen=True, slots=True)
class DiarySummary:
    """What a diary says about one window of days. Counts only; rendering adds the words.

    Pairs such as ``by_area`` are in a fixed display order and always list every key (zeros kept).
    """

    start: date  # first local day of the window
    end: date  # == today
    observed_start: date  # first day that counts for rates: max(start, since)
    cramps: int
    by_area: tuple[tuple[str, int], ...]  # AREAS + "other"
    by_time: tuple[tuple[str, int], ...]  # TIME_BUCKETS keys, local time
    nights_with_cramps: int
    nights_cramp_free: int  # answered "none" and no cramp logged for that night
    severity_count: int
    severity_mean: float | None
    severity_max: int | None
    helped: tuple[tuple[str, int], ...]  # top exercise ids, most often first
    attention: tuple[tuple[str, int], ...]  # ATTENTION_OUTCOMES, counts of routine outcomes
    bedtime_sessions: int
    bedtime_nights: int
    weekly: tuple[WeekCount, ...]  # every local ISO week touching the window, oldest first
    reminder_started: date | None
    before: PeriodStats | None
    after: PeriodStats | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def observed_days(self) -> int:
        return (self.end - self.observed_start).days + 1

    @property
    def per_week(self) -> float:
        """Cramps per 7 observed days."""
        return self.cramps * 7 / self.observed_days

    @property
    def attention_total(self) -> int:
        return sum(count for _, count in self.attention)


@dataclass(frozen=True, slots=True)
class NightMark:
    """One local night (named by the date it starts) for a night-by-night strip."""

    night: date
    cramps: int
    answered_none: bool
    bedtime: bool


def _period(entries: list[tuple[DiaryEntry, date]], start: date, end: date) -> PeriodStats | None:
    if end < start:
        return None
    inside = [entry for entry, day in entries if start <= day <= end]
    return PeriodStats(
        start=start,
        end=end,
        cramps=sum(1 for entry in inside if entry.is_cramp),
        bedtime_sessions=sum(1 for entry in inside if entry.kind == "bedtime"),
    )


def summarize(
    entries: Iterable[DiaryEntry],
    *,
    zone: ZoneInfo,
    today: date,
    days: int = 30,
    reminder_started: date | None = None,
    since: date | None = None,
) -> DiarySummary:
    """Count what the diary holds for the last ``days`` local days up to and including ``today``.

    Args:
        entries: the user's diary, in any order; entries outside the window are ignored (except that
            the earliest one sets the default ``since``).
        zone: the user's IANA zone; all days, nights, weeks and hours are local to it.
        today: the user's local date now.
        days: length of the window, at least 1.
        reminder_started: local date the bedtime stretch reminder began, to compare before/after.
        since: local date the user began keeping the diary; defaults to the earliest entry's date.

    Returns:
        A :class:`DiarySummary`.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    start = today - timedelta(days=days - 1)
    dated = [(entry, local(entry, zone).date()) for entry in entries]
    if since is None and dated:
        since = min(day for _, day in dated)
    observed_start = min(max(start, since), today) if since is not None else start
    window = [(entry, day) for entry, day in dated if start <= day <= today]
    cramps = [entry for entry, _ in window if entry.is_cramp]

    areas = Counter(area_key(entry.area) for entry in cramps)
    buckets = Counter(time_bucket(local(entry, zone)) for entry in cramps)
    cramp_nights = {night_of(entry, zone) for entry in cramps}
    none_nights = {night_of(entry, zone) for entry, _ in window if entry.kind == "none"}
    bedtime = [entry for entry, _ in window if entry.kind == "bedtime"]
    severities = [entry.severity for entry in cramps if entry.severity is not None]
    helped = Counter(exercise for entry in cramps for exercise in entry.helped)
    outcomes = Counter(entry.outcome for entry in cramps if entry.kind == "routine")

    weekly: list[WeekCount] = []
    monday = week_start(start)
    while monday <= today:
        sunday = monday + timedelta(days=6)
        week = Counter(
            area_key(entry.area)
            for entry, day in window
            if entry.is_cramp and monday <= day <= sunday
        )
        weekly.append(WeekCount(monday, tuple((key, week[key]) for key in _AREA_KEYS)))
        monday += timedelta(days=7)

    before = after = None
    if reminder_started is not None:
        before = _period(window, observed_start, min(today, reminder_started - timedelta(days=1)))
        after = _period(window, max(observed_start, reminder_started), today)

    return DiarySummary(
        start=start,
        end=today,
        observed_start=observed_start,
        cramps=len(cramps),
        by_area=tuple((key, areas[key]) for key in _AREA_KEYS),
        by_time=tuple((key, buckets[key]) for key, _, _ in TIME_BUCKETS),
        nights_with_cramps=len(cramp_nights),
        nights_cramp_free=len(none_nights - cramp_nights),
        severity_count=len(severities),
        severity_mean=sum(severities) / len(severities) if severities else None,
        severity_max=max(severities) if severities else None,
        helped=tuple(sorted(helped.items(), key=lambda item: (-item[1], item[0]))[:HELPED_TOP]),
        attention=tuple((key, outcomes[key]) for key in ATTENTION_OUTCOMES),
        bedtime_sessions=len(bedtime),
        bedtime_nights=len({night_of(entry, zone) for entry in bedtime}),
        weekly=tuple(weekly),
        reminder_started=reminder_started,
        before=before,
        after=after,
    )


def night_marks(
    entries: Iterable[DiaryEntry], *, zone: ZoneInfo, first: date, last: date
) -> tuple[NightMark, ...]:
    """What each local night from ``first`` to ``last`` (inclusive) holds, oldest first."""
    cramps: Counter[date] = Counter()
    answered: set[date] = set()
    stretched: set[date] = set()
    for entry in entries:
        night = night_of(entry, zone)
        if entry.is_cramp:
            cramps[night] += 1
        elif entry.kind == "none":
            answered.add(night)
        elif entry.kind == "bedtime":
            stretched.add(night)
    marks: list[NightMark] = []
    night = first
    while night <= last:
        marks.append(
            NightMark(
                night=night,
                cramps=cramps[night],
                answered_none=night in answered and not cramps[night],
                bedtime=night in stretched,
            )
        )
        night += timedelta(days=1)
    return tuple(marks)
