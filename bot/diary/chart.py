"""The weekly cramp chart: stacked bars per local ISO week by area, as deterministic PNG bytes.

Drawn with matplotlib's object API only (``Figure`` + ``FigureCanvasAgg``): no pyplot, no global
backend switch, no ``rcParams`` changes, so it is safe to call from a worker thread while other
code uses matplotlib too. Every style property that matters is passed explicitly.

Accessibility: the areas use the Okabe–Ito palette *and* a hatch pattern each (the legend shows
both), each bar carries its total as a number, and the reminder marker and averages are labelled in
words, so nothing relies on colour alone. Text is large because the image is read on a phone.

The image can travel alone, to a doctor say: whenever it shows a weekly rate both before and since
the bedtime stretch, a footnote on the image itself says that cramps vary by themselves and that
such a comparison cannot show cause.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from bot.diary.entries import DiaryEntry
from bot.diary.labels import CHART_KEYS, Labels
from bot.diary.summary import DiarySummary, PeriodStats, summarize

__all__ = [
    "AREA_STYLE",
    "CHART_DPI",
    "CHART_SIZE",
    "chart_days",
    "shows_comparison",
    "weekly_chart",
]

#: Output size in pixels (width, height) and the DPI it is rendered at.
CHART_SIZE: Final = (1000, 600)
CHART_DPI: Final = 100

#: Area -> (Okabe–Ito colour, hatch). Hatches keep areas apart without colour.
AREA_STYLE: Final[Mapping[str, tuple[str, str]]] = {
    "calf": ("#0072B2", ""),
    "foot": ("#E69F00", "//"),
    "ankle": ("#009E73", ".."),
    "shin": ("#CC79A7", "xx"),
    "other": ("#56B4E9", "--"),
}

FONT: Final = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs
INK: Final = "#1a1a1a"
MUTED: Final = "#555555"
GRID: Final = "#d9d9d9"
_BAR_WIDTH: Final = 0.72
_MAX_TICKS: Final = 8
# Height of a bar's total above the bar, plus a margin, in axes fraction.
_TOTAL_HEIGHT: Final = 0.11
# Baselines of the headroom labels (tops), in axes fraction, one line apart.
_ROWS: Final = (0.99, 0.87, 0.75)
#: Periods shorter than this get no average line (too few days to mean anything).
MIN_AVERAGE_DAYS: Final = 7


def _plain(text: str) -> str:
    """Keep a label's ``$`` from switching matplotlib into math mode."""
    return text.replace("$", r"\$")


def _x(summary: DiarySummary, day: date) -> float:
    """x position of the *start* of a local day: week i spans i-0.5 .. i+0.5."""
    first = summary.weekly[0].start
    return (day - first).days / 7 - 0.5


def chart_days(today: date, weeks: int = 8) -> int:
    """How many local days the chart of ``weeks`` weeks covers: from the first week's Monday to
    ``today``. Pass it as ``summarize(days=...)`` so a report's figures match its chart."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    return today.weekday() + 1 + 7 * (weeks - 1)


def weekly_chart(
    entries: Iterable[DiaryEntry],
    *,
    zone: ZoneInfo,
    today: date,
    weeks: int = 8,
    reminder_started: date | None = None,
    labels: Mapping[str, str],
    language: str,
    since: date | None = None,
) -> bytes:
    """Render the last ``weeks`` local ISO weeks (the current one included) as a PNG.

    Args:
        entries: the user's diary (any order; only cramps are drawn).
        zone: the user's IANA zone: weeks start on local Mondays.
        today: the user's local date now; the last bar is this (possibly partial) week.
        weeks: how many weeks to show, at least 1.
        reminder_started: local date the bedtime stretch began: draws a marker and the weekly
            averages before and after it (each over the days observed, see
            :mod:`bot.diary.summary`).
        labels: the words; needs :data:`bot.diary.labels.CHART_KEYS`.
        language: the chat's language: dates and numbers are written its way (Babel).
        since: local date the diary began (default: the earliest entry); days before it are shaded
            as not tracked instead of looking like cramp-free weeks.

    Returns:
        PNG bytes, :data:`CHART_SIZE` pixels, identical for identical input.

    Raises:
        MissingLabelError: ``labels`` lacks a key (all missing keys are named).
        LabelFormatError: a label uses a placeholder the chart does not fill.
    """
    days = chart_days(today, weeks)
    words = Labels.checked(labels, CHART_KEYS, language)
    summary = summarize(
        entries,
        zone=zone,
        today=today,
        days=days,
        reminder_started=reminder_started,
        since=since,
    )
    return _render(summary, words)


def _render(summary: DiarySummary, words: Labels) -> bytes:
    """Draw a summary whose window starts on a Monday (as :func:`weekly_chart` builds it)."""
    width, height = CHART_SIZE
    figure = Figure(figsize=(width / CHART_DPI, height / CHART_DPI), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    figure.patch.set_facecolor("white")
    caveat = shows_comparison(summary)
    # The caveat is a footnote under the x axis label; the axes move up to make room for it.
    axes = figure.add_axes((0.085, 0.2, 0.875, 0.565) if caveat else (0.085, 0.15, 0.875, 0.615))

    _draw_bars(axes, summary)
    axes.set_xlim(-0.5, len(summary.weekly) - 0.5)
    _style_axes(axes, summary, words)
    _draw_untracked(axes, summary, words)
    lowest = _draw_reminder(axes, summary, words)
    axes.set_ylim(0, _y_top(summary, lowest))
    if summary.cramps == 0:
        axes.text(
            (len(summary.weekly) - 1) / 2,
            0.5,
            _plain(words("diary.chart.none")),
            transform=axes.get_xaxis_transform(),
            ha="center",
            va="center",
            fontsize=22,
            color=MUTED,
            family=FONT,
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": GRID},
        )

    _margin_text(
        figure,
        0.965,
        words("diary.chart.title"),
        va="top",
        fontsize=28,
        fontweight="bold",
        color=INK,
    )
    _draw_legend(figure, summary, words)
    if caveat:
        _margin_text(
            figure,
            0.018,
            words("diary.chart.caveat"),
            va="bottom",
            fontsize=16,
            fontstyle="italic",
            color=MUTED,
        )

    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=CHART_DPI,
        facecolor="white",
        metadata={"Software": None},
    )
    return buffer.getvalue()


def _y_top(summary: DiarySummary, lowest_label: float) -> float:
    """Top of the y axis: the tallest bar and its total stay below the lowest headroom label.

    ``lowest_label`` is the bottom of the lowest label in axes fraction (1.0 without labels).
    """
    highest = max([week.total for week in summary.weekly] + [0])
    for period in (summary.before, summary.after):
        if period is not None:
            highest = max(highest, math.ceil(period.per_week))
    room = max(lowest_label - _TOTAL_HEIGHT, 0.4)
    return max(4.0, highest / room)


def _draw_bars(axes: Axes, summary: DiarySummary) -> None:
    positions = list(range(len(summary.weekly)))
    bottoms = [0] * len(positions)
    for area, (colour, hatch) in AREA_STYLE.items():
        counts = [dict(week.by_area)[area] for week in summary.weekly]
        if not any(counts):
            continue
        bars = axes.bar(
            positions,
            counts,
            width=_BAR_WIDTH,
            bottom=bottoms,
            color=colour,
            edgecolor="white",
            linewidth=1.5,
            hatch=hatch,
            zorder=2,
        )
        for bar in bars:
            bar.set_hatch_linewidth(2.0)
        bottoms = [low + count for low, count in zip(bottoms, counts, strict=True)]
    for position, total in zip(positions, bottoms, strict=True):
        if total:
            axes.annotate(
                str(total),
                (position, total),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=20,
                fontweight="bold",
                color=INK,
                family=FONT,
                zorder=5,
                # A white backing keeps the number readable where a marker or average line runs.
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )


def _style_axes(axes: Axes, summary: DiarySummary, words: Labels) -> None:
    count = len(summary.weekly)
    step = max(1, math.ceil(count / _MAX_TICKS))
    # Keep the newest week labelled; thin out older ticks when there are many weeks.
    ticks = list(range(count - 1, -1, -step))[::-1]
    axes.set_xticks(
        ticks, [_plain(words.date_short(summary.weekly[index].start)) for index in ticks]
    )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axes.tick_params(axis="both", labelsize=19, labelfontfamily=FONT, colors=INK, length=0, pad=8)
    axes.set_xlabel(_plain(words("diary.chart.x")), fontsize=20, color=INK, family=FONT, labelpad=8)
    axes.set_ylabel(_plain(words("diary.chart.y")), fontsize=20, color=INK, family=FONT, labelpad=8)
    axes.grid(axis="y", color=GRID, linewidth=1.2, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(MUTED)
    axes.spines["bottom"].set_linewidth(1.5)
    axes.set_facecolor("white")


def _draw_untracked(axes: Axes, summary: DiarySummary, words: Labels) -> None:
    if summary.observed_start <= summary.start:
        return
    right = _x(summary, summary.observed_start)
    axes.axvspan(-0.5, right, facecolor="#f0f0f0", edgecolor="none", zorder=0)
    if right + 0.5 >= 0.45:
        axes.text(
            (right - 0.5) / 2,
            0.5,
            _plain(words("diary.chart.untracked")),
            transform=axes.get_xaxis_transform(),
            rotation=90,
            ha="center",
            va="center",
            fontsize=18,
            color=MUTED,
            family=FONT,
            zorder=1,
        )


def _averages(summary: DiarySummary) -> tuple[PeriodStats | None, PeriodStats | None]:
    """The before and since periods whose weekly averages the chart draws (None: not drawn).

    Nothing without a reminder or for one that starts after ``today``; and averages over less than
    a week say more about chance than about the stretch, so those are left out too.
    """
    started = summary.reminder_started
    if started is None or started > summary.end:
        return None, None
    before, after = (
        period if period is not None and period.days >= MIN_AVERAGE_DAYS else None
        for period in (summary.before, summary.after)
    )
    return before, after


def shows_comparison(summary: DiarySummary) -> bool:
    """True when the chart draws both a "before" and a "since" rate, and so its caveat."""
    before, after = _averages(summary)
    return before is not None and after is not None


def _draw_reminder(axes: Axes, summary: DiarySummary, words: Labels) -> float:
    """Marker line where the bedtime stretch began; each period's weekly average as a dashed line.

    The words sit in the headroom above the bars, flanking the marker ("Before: … | Since: …"),
    so they never cover a bar or a total. A reminder that starts after ``today`` draws nothing.

    Returns:
        The bottom of the lowest label in axes fraction (1.0 when nothing was written).
    """
    started = summary.reminder_started
    if started is None or started > summary.end:
        return 1.0
    before, after = _averages(summary)
    for period in (before, after):
        if period is None:
            continue
        level = period.per_week
        axes.plot(
            [_x(summary, period.start), _x(summary, period.end + timedelta(days=1))],
            [level, level],
            color=INK,
            linewidth=2.5,
            linestyle=(0, (4, 2.5)),
            solid_capstyle="butt",
            zorder=3,
        )
    placed: list[tuple[Text, bool]] = []
    if started > summary.start:
        anchor = _x(summary, started)
        axes.axvline(anchor, color=INK, linewidth=2.5, zorder=3)
        placed.append(_label(axes, anchor, _ROWS[0], words("diary.chart.started"), bold=True))
    else:  # began before the first week shown: the whole chart is "since"
        anchor = -0.5
        text = words("diary.chart.started_on", date=words.date_long(started))
        placed.append(_label(axes, anchor, _ROWS[0], text, bold=True))
    averages: list[tuple[Text, bool]] = []
    if before is not None:
        text = words("diary.chart.before", rate=words.number(before.per_week))
        averages.append(_label(axes, anchor, _ROWS[1], text, prefer_left=True))
    if after is not None:
        text = words("diary.chart.after", rate=words.number(after.per_week))
        averages.append(_label(axes, anchor, _ROWS[1], text))
    # Near an edge a label changes sides; then "Since" drops a line so the two never overlap.
    if len(averages) == 2 and any(flipped for _, flipped in averages):
        averages[1][0].set_y(_ROWS[2])
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    to_axes = axes.transAxes.inverted()
    bottoms = [
        to_axes.transform((0, label.get_window_extent(renderer).y0))[1]
        for label, _ in [*placed, *averages]
    ]
    return float(min(bottoms))


def _label(
    axes: Axes, x: float, y: float, text: str, *, bold: bool = False, prefer_left: bool = False
) -> tuple[Text, bool]:
    """Write ``text`` beside the vertical at ``x`` (data), top at ``y`` (axes fraction).

    Flips to the other side of ``x`` if the text would leave the axes.

    Returns the text and whether it was flipped.
    """
    gap = 0.07
    label = axes.text(
        x - gap if prefer_left else x + gap,
        y,
        _plain(text),
        transform=axes.get_xaxis_transform(),
        ha="right" if prefer_left else "left",
        va="top",
        fontsize=18,
        fontweight="bold" if bold else "normal",
        color=INK,
        family=FONT,
        zorder=6,
    )
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = label.get_window_extent(renderer)
    frame = axes.get_window_extent(renderer)
    if prefer_left and box.x0 < frame.x0:
        label.set_x(x + gap)
        label.set_horizontalalignment("left")
        return label, True
    if not prefer_left and box.x1 > frame.x1:
        label.set_x(x - gap)
        label.set_horizontalalignment("right")
        return label, True
    return label, False


def _margin_text(figure: Figure, y: float, text: str, **style: Any) -> None:
    """A line in the left margin of the figure (the title on top, the caveat at the bottom)."""
    figure.text(0.02, y, _plain(text), ha="left", family=FONT, **style)


def _draw_legend(figure: Figure, summary: DiarySummary, words: Labels) -> None:
    present = [
        area for area in AREA_STYLE if any(dict(week.by_area)[area] for week in summary.weekly)
    ]
    if not present:
        return
    handles = []
    for area in present:
        colour, hatch = AREA_STYLE[area]
        handle = Patch(
            facecolor=colour, edgecolor="white", hatch=hatch, label=_plain(words.area(area))
        )
        handle.set_hatch_linewidth(2.0)
        handles.append(handle)
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.012, 0.89),
        ncols=len(handles),
        frameon=False,
        prop={"family": FONT, "size": 20},
        handlelength=1.8,
        handleheight=1.3,
        handletextpad=0.5,
        columnspacing=1.4,
        labelcolor=INK,
    )
