"""What the diary is made of, and how a moment in UTC maps onto a user's local calendar.

Every function here is pure. Times are stored in UTC and only ever turned into local time with the
user's IANA zone (``zoneinfo``), never with a fixed offset, so a cramp at 01:30 on the night the
clocks change lands on the right night, in the right time-of-night bucket and in the right week.

Local calendar rules used by the whole diary (summary, chart and report agree on them):

* **Day and week** of an entry: its local calendar date; weeks are local ISO weeks (Monday first).
* **Night** of an entry: the night is named by the date on which it *starts*. An event before local
  noon belongs to the previous date's night (a cramp at 01:30 on Sunday is "Saturday night"); from
  noon on, to the same date's night. A ``none`` answer ("no cramps last night") always describes the
  night before the local date on which it was given.
* **Time of night**: four buckets of local clock time, see :data:`TIME_BUCKETS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "AREAS",
    "ATTENTION_OUTCOMES",
    "CRAMP_KINDS",
    "HELPED_FEELINGS",
    "OTHER_AREA",
    "TIME_BUCKETS",
    "DiaryEntry",
    "EntryKind",
    "area_key",
    "local",
    "night_of",
    "time_bucket",
    "week_start",
]

EntryKind = Literal["routine", "manual", "none", "bedtime"]

#: The body areas the coach knows, in the order the diary lists them.
AREAS: tuple[str, ...] = ("calf", "foot", "ankle", "shin")
#: Where cramps without a (known) area are counted.
OTHER_AREA = "other"
#: Entry kinds that are cramps; ``none`` answers and ``bedtime`` sessions are context.
CRAMP_KINDS: frozenset[str] = frozenset({"routine", "manual"})
#: Routine outcomes worth a doctor's attention, in the order the report lists them.
ATTENTION_OUTCOMES: tuple[str, ...] = ("worse", "advice", "red_flag")
#: Feelings after an exercise that count as "it helped".
HELPED_FEELINGS: frozenset[str] = frozenset({"gone", "better"})

#: Time-of-night buckets of local clock time: (key, first hour, end hour), end exclusive.
#: ``late`` wraps over midnight. Every hour of the day falls in exactly one bucket.
TIME_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("evening", 18, 22),
    ("late", 22, 2),
    ("small_hours", 2, 6),
    ("day", 6, 18),
)

_NOON = time(12)


@dataclass(frozen=True, slots=True)
class DiaryEntry:
    """One line of a user's cramp diary.

    Attributes:
        at: aware datetime (UTC by convention): when the cramp happened, the bedtime session was
            done, or the "no cramps last night" check-in was answered.
        kind: ``routine`` (a cramp the coach talked them through), ``manual`` (a cramp they
            logged themselves), ``none`` ("no cramps last night") or ``bedtime`` (a bedtime
            stretch session).
        area: ``"ankle" | "foot" | "calf" | "shin"`` or ``None`` when not known.
        severity: 0..10 where given (manual entries; counted for any cramp that carries one).
        outcome: how a routine ended: ``gone``, ``better``, ``worse``, ``advice``, ``stopped``,
            ``abandoned``, ``cancelled``, ``red_flag`` or ``done``.
        helped: ids of the exercises after which the user said "gone" or "better", in order (an id
            may repeat if the exercise was done twice).
    """

    at: datetime
    kind: EntryKind
    area: str | None = None
    severity: int | None = None
    outcome: str | None = None
    helped: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"DiaryEntry.at must be timezone-aware, got {self.at!r}")
        if self.severity is not None and not 0 <= self.severity <= 10:
            raise ValueError(f"DiaryEntry.severity must be within 0..10, got {self.severity!r}")

    @property
    def is_cramp(self) -> bool:
        """True for ``routine`` and ``manual`` entries."""
        return self.kind in CRAMP_KINDS


def local(entry: DiaryEntry, zone: ZoneInfo) -> datetime:
    """The entry's moment as local wall-clock time in ``zone``."""
    return entry.at.astimezone(zone)


def night_of(entry: DiaryEntry, zone: ZoneInfo) -> date:
    """The local night an entry belongs to, named by the date on which that night starts."""
    moment = local(entry, zone)
    if entry.kind == "none":
        return moment.date() - timedelta(days=1)
    if moment.time() < _NOON:
        return moment.date() - timedelta(days=1)
    return moment.date()


def time_bucket(moment: datetime | time) -> str:
    """The :data:`TIME_BUCKETS` key for a local wall-clock time."""
    hour = moment.hour
    for key, first, end in TIME_BUCKETS:
        if (first <= hour < end) if first < end else (hour >= first or hour < end):
            return key
    raise AssertionError(f"hour {hour} is in no bucket")  # pragma: no cover - buckets cover 0..23


def week_start(day: date) -> date:
    """Monday of the ISO week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def area_key(area: str | None) -> str:
    """The diary's key for an area: one of :data:`AREAS`, else :data:`OTHER_AREA`."""
    return area if area in AREAS else OTHER_AREA
