"""The cramp diary: pure computation and rendering, no I/O.

- :mod:`bot.diary.entries` — :class:`DiaryEntry` and the local day / night / week / hour rules.
- :mod:`bot.diary.summary` — :func:`summarize`: entries -> a frozen :class:`DiarySummary` (counts).
- :mod:`bot.diary.chart` — :func:`~bot.diary.chart.weekly_chart`: entries -> PNG bytes.
- :mod:`bot.diary.report` — :func:`~bot.diary.report.doctor_report`: a one-page PNG for a doctor,
  laid out on a :class:`~bot.diary.page.Page` (Pillow: fonts, wrapping, rules).
- :mod:`bot.diary.labels` — the label keys each renderer needs and their ``{placeholders}``.

The renderers import matplotlib and Pillow, so they are not imported here: importing the package
(for :class:`DiaryEntry` or :func:`summarize`) stays cheap.
"""

from __future__ import annotations

from bot.diary.entries import DiaryEntry
from bot.diary.labels import (
    CHART_KEYS,
    PLACEHOLDERS,
    REPORT_KEYS,
    LabelFormatError,
    MissingLabelError,
    check_labels,
)
from bot.diary.summary import DiarySummary, PeriodStats, WeekCount, summarize

__all__ = [
    "CHART_KEYS",
    "PLACEHOLDERS",
    "REPORT_KEYS",
    "DiaryEntry",
    "DiarySummary",
    "LabelFormatError",
    "MissingLabelError",
    "PeriodStats",
    "WeekCount",
    "check_labels",
    "summarize",
]
