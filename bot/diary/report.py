"""A one-page diary report to show a doctor, as deterministic PNG bytes (A4 portrait, 150 dpi).

Plain and factual: what was logged, when, where, how bad, what seemed to help, how the bedtime
stretch was used, the weekly chart, and the warning signs worth mentioning (passed in, so the text
stays with the safety content). No diagnosis, no medicine, no advice.

Drawn with Pillow on a :class:`~bot.diary.page.Page`. The layout measures itself: when the text is
long (many warning signs, long translations) the chart gives up height first, then the whole page
scales down a little, so nothing runs off the page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.diary.entries import DiaryEntry, night_of
from bot.diary.labels import REPORT_KEYS, Labels
from bot.diary.page import A4_150DPI, INK, MARGIN, MUTED, SEPARATOR, Fonts, Page
from bot.diary.summary import MIN_DAYS_FOR_RATE, DiarySummary, NightMark, night_marks

__all__ = ["REPORT_SIZE", "doctor_report"]

#: Output size in pixels: A4 portrait at 150 dpi.
REPORT_SIZE: Final = A4_150DPI
_CRAMP: Final = (0, 114, 178)  # Okabe–Ito blue
_FREE: Final = (0, 158, 115)  # Okabe–Ito bluish green
_BLANK: Final = (236, 236, 236)
_FLAG_BG: Final = (253, 243, 231)
_FLAG_EDGE: Final = (213, 94, 0)  # Okabe–Ito vermillion
_MIN_CHART: Final = 470  # below this the chart's own words get too small to read on paper
_SCALES: Final = (1.0, 0.92, 0.85, 0.78, 0.72)


@dataclass(frozen=True, slots=True)
class _Section:
    """One row of the facts table: a heading and its lines (each line wraps on its own)."""

    heading: str
    lines: tuple[str, ...]


def doctor_report(
    summary: DiarySummary,
    entries: Iterable[DiaryEntry],
    *,
    zone: ZoneInfo,
    today: date,
    labels: Mapping[str, str],
    language: str,
    red_flags: Sequence[str],
    chart_png: bytes | None,
) -> bytes:
    """Render the one-page report.

    Args:
        summary: what :func:`bot.diary.summary.summarize` made of the diary (its window is the
            report's period).
        entries: the same diary, for the night-by-night strip.
        zone: the user's IANA zone (named on the page: all times are local to it).
        today: the user's local date, printed as the date the report was made.
        labels: the words; needs :data:`bot.diary.labels.REPORT_KEYS`. ``exercise.<id>`` keys name
            the exercises that helped (the id is shown when one is missing).
        language: the chat's language: dates and numbers are written its way (Babel).
        red_flags: warning signs, one sentence each, listed under "worth mentioning to your doctor".
        chart_png: the weekly chart (:func:`bot.diary.chart.weekly_chart`) to embed, or ``None``.

    Returns:
        PNG bytes of :data:`REPORT_SIZE`, identical for identical input.

    Raises:
        MissingLabelError: ``labels`` lacks a key (all missing keys are named).
        LabelFormatError: a label uses a placeholder the report does not fill.
    """
    words = Labels.checked(labels, REPORT_KEYS, language)
    marks = _night_strip_marks(summary, entries, zone)
    chart = Image.open(io.BytesIO(chart_png)).convert("RGB") if chart_png is not None else None
    sections = _sections(summary, words)
    fonts = Fonts()

    def render(scale: float, chart_height: int) -> Page:
        page = Page(scale, fonts)
        _header(page, summary, words, zone, today)
        _facts(page, sections)
        page.rule()
        _strip(page, marks, words)
        if chart is not None and chart_height > 0:
            page.y += page.px(26)
            _chart(page, chart, chart_height)
        _flags(page, words, red_flags)
        return page

    # Largest scale at which the text fits and leaves the chart a useful height.
    bottom = REPORT_SIZE[1] - MARGIN
    for scale in _SCALES:
        page = render(scale, 0)
        if chart is None:
            if page.y <= bottom:
                break
            continue
        natural = round(page.width * chart.height / chart.width)
        room = bottom - page.y - page.px(26)
        if room >= min(natural, _MIN_CHART) or scale == _SCALES[-1]:
            page = render(scale, max(0, min(natural, room)))
            break

    buffer = io.BytesIO()
    # A 256-colour palette looks the same here (white page, flat colours, antialiased text) and
    # makes the file about a third the size of RGB. Median cut without dithering is deterministic.
    palette = page.image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


# -- content ------------------------------------------------------------------------------------


def _items(words: Labels, pairs: Iterable[tuple[str, int]], name: Callable[[str], str]) -> str:
    return SEPARATOR.join(
        words("diary.report.item", label=name(key), count=count) for key, count in pairs
    )


def _sections(summary: DiarySummary, words: Labels) -> tuple[_Section, ...]:
    rate = words.number(summary.per_week)
    cramps = (
        words("diary.report.cramps", count=summary.cramps, rate=rate)
        if summary.observed_days >= MIN_DAYS_FOR_RATE
        else words("diary.report.cramps.short", count=summary.cramps)
    )
    how_often = (
        cramps,
        words(
            "diary.report.nights",
            cramp_nights=summary.nights_with_cramps,
            free_nights=summary.nights_cramp_free,
        ),
    )
    areas = [(key, count) for key, count in summary.by_area if count]
    where = (_items(words, areas, words.area) if areas else words("diary.report.where.none"),)
    when = (_items(words, summary.by_time, lambda key: words(f"diary.time.{key}")),)
    if summary.severity_mean is not None and summary.severity_max is not None:
        severity = words(
            "diary.report.severity.value",
            mean=words.number(summary.severity_mean),
            max=summary.severity_max,
            count=summary.severity_count,
        )
    else:
        severity = words("diary.report.severity.none")
    helped = tuple(
        words("diary.report.helped.item", name=words.exercise(exercise), count=count)
        for exercise, count in summary.helped
    ) or (words("diary.report.helped.none"),)
    during = tuple(
        words("diary.report.item", label=words(f"diary.outcome.{key}"), count=count)
        for key, count in summary.attention
        if count
    ) or (words("diary.report.attention.none"),)
    return (
        _Section(words("diary.report.how_often"), how_often),
        _Section(words("diary.report.where"), where),
        _Section(words("diary.report.when"), when),
        _Section(words("diary.report.severity"), (severity,)),
        _Section(words("diary.report.helped"), helped),
        _Section(words("diary.report.bedtime"), _bedtime(summary, words)),
        _Section(words("diary.report.attention"), during),
    )


def _bedtime(summary: DiarySummary, words: Labels) -> tuple[str, ...]:
    lines: list[str] = []
    started = summary.reminder_started
    if started is not None and started <= summary.end:
        lines.append(words("diary.report.bedtime.started", date=words.date_long(started)))
        for key, period in (("before", summary.before), ("after", summary.after)):
            if period is not None:
                rate = words.number(period.per_week)
                lines.append(words(f"diary.report.bedtime.{key}", rate=rate, days=period.days))
        if summary.before is not None and summary.after is not None:
            # A fall after starting is what anyone would read into two numbers side by side;
            # cramps come and go, and people start when they are at their worst.
            lines.append(words("diary.report.bedtime.caveat"))
    if summary.bedtime_sessions:
        lines.append(
            words(
                "diary.report.bedtime.sessions",
                count=summary.bedtime_sessions,
                nights=summary.bedtime_nights,
            )
        )
    return tuple(lines) or (words("diary.report.bedtime.none"),)


def _night_strip_marks(
    summary: DiarySummary, entries: Iterable[DiaryEntry], zone: ZoneInfo
) -> tuple[NightMark, ...]:
    """The nights the window's mornings belong to; tonight too if something is logged for it."""
    diary = tuple(entries)
    first = summary.start - timedelta(days=1)
    last = summary.end - timedelta(days=1)
    if any(night_of(entry, zone) == summary.end for entry in diary):
        last = summary.end
    return night_marks(diary, zone=zone, first=first, last=last)


# -- drawing ------------------------------------------------------------------------------------


def _header(page: Page, summary: DiarySummary, words: Labels, zone: ZoneInfo, today: date) -> None:
    page.y += page.text(words("diary.report.title"), size=50, bold=True)
    page.y += page.px(4)
    period = words(
        "diary.report.period",
        start=words.date_long(summary.start),
        end=words.date_long(summary.end),
        days=summary.days,
    )
    if summary.observed_start > summary.start:
        period += SEPARATOR + words(
            "diary.report.since", date=words.date_long(summary.observed_start)
        )
    page.y += page.text(period, size=29, bold=True, colour=INK)
    page.y += page.px(8)
    made = words("diary.report.made", date=words.date_long(today), zone=words.zone(zone.key))
    page.y += page.text(made, size=21, colour=MUTED)
    page.rule()


def _facts(page: Page, sections: Sequence[_Section]) -> None:
    heading_width = page.px(290)
    value_x = page.left + heading_width + page.px(20)
    value_width = page.width - heading_width - page.px(20)
    for index, section in enumerate(sections):
        if index:
            page.y += page.px(14)
        used = page.text(section.heading, size=23, bold=True, colour=MUTED, width=heading_width)
        top = page.y
        for line in section.lines:
            page.y += page.text(line, size=25, x=value_x, width=value_width, leading=1.3)
        page.y = max(page.y, top + used)


def _strip(page: Page, marks: Sequence[NightMark], words: Labels) -> None:
    """Night by night: a filled cell with the count for cramps, a ticked cell for "none"."""
    page.y += page.text(words("diary.report.strip"), size=23, bold=True, colour=MUTED)
    page.y += page.px(10)
    pitch = min(page.px(40), page.width // max(len(marks), 1))
    cell = max(pitch - max(2, pitch // 8), 4)
    _strip_cells(page, marks, pitch, cell)
    _strip_dates(page, marks, words, pitch, cell)
    _strip_legend(page, words)


def _strip_cells(page: Page, marks: Sequence[NightMark], pitch: int, cell: int) -> None:
    top = page.y
    number_font = page.font(max(10, cell * 0.55), bold=True)
    radius = max(3, cell // 7)
    dot_y = top + cell + page.px(8) + radius
    for index, mark in enumerate(marks):
        x = page.left + index * pitch
        box = (x, top, x + cell, top + cell)
        if mark.cramps:
            page.draw.rectangle(box, fill=_CRAMP)
            if cell >= 18:
                centre = (x + cell / 2, top + cell / 2)
                page.draw.text(
                    centre, str(mark.cramps), font=number_font, fill="white", anchor="mm"
                )
        elif mark.answered_none:
            page.draw.rectangle(box, fill="white", outline=_FREE, width=max(2, cell // 12))
            _tick(page.draw, box, _FREE)
        else:
            page.draw.rectangle(box, fill=_BLANK)
        if mark.bedtime:
            _dot(page.draw, (x + cell / 2, dot_y), radius)
    page.y = dot_y + radius + page.px(8)


def _strip_dates(
    page: Page, marks: Sequence[NightMark], words: Labels, pitch: int, cell: int
) -> None:
    """Dates under the strip: the first night, every seventh, and the last where there is room."""
    font = page.font(19)
    count = len(marks)
    ticks = list(range(0, count, 7))
    if count and count - 1 not in ticks:
        ticks.append(count - 1)
    placed_right = float("-inf")
    for index in ticks:
        text = words.date_short(marks[index].night)
        width = page.draw.textlength(text, font=font)
        left = page.left + index * pitch + cell / 2 - width / 2
        left = min(max(left, page.left), page.left + page.width - width)
        if left < placed_right + page.px(16):
            continue
        page.draw.text((left, page.y), text, font=font, fill=MUTED)
        placed_right = left + width
    page.y += round(font.size * 1.5)


def _strip_legend(page: Page, words: Labels) -> None:
    font = page.font(20)
    square = page.px(22)
    x = page.left
    y = page.y
    for kind in ("cramp", "free", "blank", "bedtime"):
        text = words(f"diary.report.legend.{kind}")
        width = square + page.px(10) + round(page.draw.textlength(text, font=font))
        if x > page.left and x + width > page.left + page.width:
            x = page.left
            y += round(font.size * 1.6)
        box = (x, y, x + square, y + square)
        if kind == "cramp":
            page.draw.rectangle(box, fill=_CRAMP)
        elif kind == "free":
            page.draw.rectangle(box, fill="white", outline=_FREE, width=2)
            _tick(page.draw, box, _FREE)
        elif kind == "blank":
            page.draw.rectangle(box, fill=_BLANK)
        else:
            _dot(page.draw, (x + square / 2, y + square / 2), max(3, square // 4))
        label_at = (x + square + page.px(10), y + square / 2)
        page.draw.text(label_at, text, font=font, fill=INK, anchor="lm")
        x += width + page.px(34)
    page.y = y + round(font.size * 1.4)


def _dot(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float) -> None:
    cx, cy = centre
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=INK)


def _tick(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], colour: tuple[int, int, int]
) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    points = [
        (x0 + w * 0.24, y0 + h * 0.52),
        (x0 + w * 0.43, y0 + h * 0.72),
        (x0 + w * 0.78, y0 + h * 0.3),
    ]
    draw.line(points, fill=colour, width=max(2, round(w / 9)), joint="curve")


def _chart(page: Page, chart: Image.Image, height: int) -> None:
    width = round(chart.width * height / chart.height)
    width = min(width, page.width)
    height = round(chart.height * width / chart.width)
    resized = chart.resize((width, height), Image.Resampling.LANCZOS)
    page.image.paste(resized, (page.left + (page.width - width) // 2, page.y))
    page.y += height


def _flags(page: Page, words: Labels, red_flags: Sequence[str]) -> None:
    if not red_flags:
        return
    page.y += page.px(26)
    pad = page.px(24)
    top = page.y
    inner_x = page.left + pad + page.px(6)
    inner_width = page.width - 2 * pad - page.px(6)
    # Measure first (drawn text would sit under the box), then paint box, then text.
    heading_font = page.font(27, bold=True)
    body_font = page.font(24)
    bullet_indent = page.px(30)
    heading_lines = page.wrap(words("diary.report.flags"), heading_font, inner_width)
    flag_lines = [page.wrap(flag, body_font, inner_width - bullet_indent) for flag in red_flags]
    heading_step = round(heading_font.size * 1.3)
    body_step = round(body_font.size * 1.32)
    gap = page.px(8)
    height = (
        pad
        + heading_step * len(heading_lines)
        + page.px(8)
        + sum(body_step * len(lines) + gap for lines in flag_lines)
        - gap
        + pad
    )
    page.draw.rectangle((page.left, top, page.left + page.width, top + height), fill=_FLAG_BG)
    page.draw.rectangle((page.left, top, page.left + page.px(6), top + height), fill=_FLAG_EDGE)
    y = top + pad
    for line in heading_lines:
        page.draw.text((inner_x, y), line, font=heading_font, fill=INK)
        y += heading_step
    y += page.px(8)
    for lines in flag_lines:
        radius = max(3, page.px(5))
        cy = y + body_font.size * 0.55
        page.draw.ellipse(
            (inner_x + page.px(6), cy - radius, inner_x + page.px(6) + 2 * radius, cy + radius),
            fill=INK,
        )
        for line in lines:
            page.draw.text((inner_x + bullet_indent, y), line, font=body_font, fill=INK)
            y += body_step
        y += gap
    page.y = top + height
