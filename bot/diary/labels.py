"""Every word in the diary's images comes from a ``labels`` mapping; checked and read here.

The keys each renderer needs are listed up front (:data:`CHART_KEYS`, :data:`REPORT_KEYS`) together
with the ``{placeholders}`` each key is formatted with (:data:`PLACEHOLDERS`), and
:func:`check_labels` verifies a mapping against them *before* anything is drawn. So a catalog that
lacks a key, or whose translation uses a placeholder the code never fills, fails at once and names
the key, whatever the diary holds, instead of only on the night a rare branch is drawn.

Exercise names are the one lenient lookup: ``exercise.<id>`` is used when present, otherwise the id
itself (underscores as spaces). A diary outlives its content: an exercise may have been renamed or
removed since it helped someone, and that must not break their report.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from bot import formats
from bot.reminders.zone_names import city_name

__all__ = [
    "CHART_KEYS",
    "COMMON_KEYS",
    "PLACEHOLDERS",
    "REPORT_KEYS",
    "LabelFormatError",
    "Labels",
    "MissingLabelError",
    "check_labels",
]

#: Keys every renderer needs: the area names. (Dates, month names and numbers come from Babel's
#: locale data for the labels' language, :mod:`bot.formats`.)
COMMON_KEYS: tuple[str, ...] = (
    "area.calf",
    "area.foot",
    "area.ankle",
    "area.shin",
    "diary.area.other",
)

#: Keys :func:`bot.diary.chart.weekly_chart` needs (besides :data:`COMMON_KEYS`).
CHART_KEYS: tuple[str, ...] = (
    *COMMON_KEYS,
    "diary.chart.title",
    "diary.chart.x",
    "diary.chart.y",
    "diary.chart.none",
    "diary.chart.started",
    "diary.chart.started_on",
    "diary.chart.before",
    "diary.chart.after",
    "diary.chart.caveat",
    "diary.chart.untracked",
)

#: Keys :func:`bot.diary.report.doctor_report` needs (besides :data:`COMMON_KEYS`).
REPORT_KEYS: tuple[str, ...] = (
    *COMMON_KEYS,
    "diary.time.evening",
    "diary.time.late",
    "diary.time.small_hours",
    "diary.time.day",
    "diary.outcome.worse",
    "diary.outcome.advice",
    "diary.outcome.red_flag",
    "diary.report.title",
    "diary.report.period",
    "diary.report.since",
    "diary.report.made",
    "diary.report.item",
    "diary.report.how_often",
    "diary.report.cramps",
    "diary.report.cramps.short",
    "diary.report.nights",
    "diary.report.where",
    "diary.report.where.none",
    "diary.report.when",
    "diary.report.severity",
    "diary.report.severity.value",
    "diary.report.severity.none",
    "diary.report.helped",
    "diary.report.helped.item",
    "diary.report.helped.none",
    "diary.report.bedtime",
    "diary.report.bedtime.sessions",
    "diary.report.bedtime.started",
    "diary.report.bedtime.before",
    "diary.report.bedtime.after",
    "diary.report.bedtime.caveat",
    "diary.report.bedtime.none",
    "diary.report.attention",
    "diary.report.attention.none",
    "diary.report.strip",
    "diary.report.legend.cramp",
    "diary.report.legend.free",
    "diary.report.legend.blank",
    "diary.report.legend.bedtime",
    "diary.report.flags",
)

#: The placeholders each key is formatted with. Keys not listed here are used as plain text.
#: A label may use fewer placeholders than offered (a translation may drop one), never others.
PLACEHOLDERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "diary.chart.started_on": ("date",),
        "diary.chart.before": ("rate",),
        "diary.chart.after": ("rate",),
        "diary.report.period": ("start", "end", "days"),
        "diary.report.since": ("date",),
        "diary.report.made": ("date", "zone"),
        "diary.report.item": ("label", "count"),
        "diary.report.cramps": ("count", "rate"),
        "diary.report.cramps.short": ("count",),
        "diary.report.nights": ("cramp_nights", "free_nights"),
        "diary.report.severity.value": ("mean", "max", "count"),
        "diary.report.helped.item": ("name", "count"),
        "diary.report.bedtime.sessions": ("count", "nights"),
        "diary.report.bedtime.started": ("date",),
        "diary.report.bedtime.before": ("rate", "days"),
        "diary.report.bedtime.after": ("rate", "days"),
    }
)


class MissingLabelError(KeyError):
    """Labels the diary needs are not in the mapping. ``key`` is the first; ``keys`` all of them."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys: tuple[str, ...] = tuple(keys)
        self.key: str = self.keys[0]
        super().__init__(self.key)

    def __str__(self) -> str:
        names = ", ".join(repr(key) for key in self.keys)
        return f"diary label(s) missing from the labels mapping: {names}"


class LabelFormatError(KeyError):
    """A label uses a ``{placeholder}`` the diary does not fill, or is no valid format string."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(key)

    def __str__(self) -> str:
        return f"diary label {self.key!r}: {self.problem}"


def _fields(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def check_labels(labels: Mapping[str, str], keys: Iterable[str]) -> None:
    """Raise :class:`MissingLabelError` naming every missing key, or :class:`LabelFormatError`.

    Also checks each present key's placeholders against :data:`PLACEHOLDERS`.
    """
    wanted = tuple(keys)
    missing = [key for key in wanted if key not in labels]
    if missing:
        raise MissingLabelError(missing)
    for key in wanted:
        allowed = PLACEHOLDERS.get(key, ())
        try:
            used = _fields(labels[key])
        except ValueError as error:
            raise LabelFormatError(key, f"not a valid format string ({error})") from None
        for name in used:
            if name not in allowed:
                offered = ", ".join("{" + item + "}" for item in allowed) or "none"
                raise LabelFormatError(
                    key, f"uses {{{name}}}, but only these placeholders are filled: {offered}"
                )


@dataclass(frozen=True, slots=True)
class Labels:
    """Read access to a checked labels mapping, and dates and numbers in its ``language``. Build
    with :meth:`checked`."""

    mapping: Mapping[str, str]
    language: str

    @classmethod
    def checked(cls, labels: Mapping[str, str], keys: Iterable[str], language: str) -> Labels:
        check_labels(labels, keys)
        return cls(labels, language)

    def __call__(self, key: str, **values: object) -> str:
        try:
            text = self.mapping[key]
        except KeyError:
            raise MissingLabelError((key,)) from None
        if not values and key not in PLACEHOLDERS:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError) as error:
            raise LabelFormatError(key, f"cannot be formatted ({error!r})") from None

    def area(self, area: str) -> str:
        return self("diary.area.other" if area == "other" else f"area.{area}")

    def exercise(self, exercise_id: str) -> str:
        name = self.mapping.get(f"exercise.{exercise_id}")
        return name if name else exercise_id.replace("_", " ").capitalize()

    def zone(self, zone: str) -> str:
        """The zone the times are local to: its city in the labels' language (``Москва``), in
        English its tz database name as the report has always printed it (``Europe/Moscow``)."""
        return city_name(zone, self.language) or zone

    def date_short(self, day: date) -> str:
        """``5 Jan``."""
        return formats.date_short(day, self.language)

    def date_long(self, day: date) -> str:
        """``5 Jan 2026``."""
        return formats.date_long(day, self.language)

    def number(self, value: float) -> str:
        """One decimal at most, no trailing zero: 2.25 -> ``2.2``, 3.0 -> ``3``."""
        return formats.number(value, self.language)
