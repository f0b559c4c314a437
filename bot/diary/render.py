"""Turns a `DiaryPicture` request into the PNG to send, with the words from the catalog.

Rendering takes a tenth to a quarter of a second of CPU, so callers run this in a worker thread
(``asyncio.to_thread``), never on the event loop.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.content import Content
from bot.diary.chart import chart_days, weekly_chart
from bot.diary.picture import DiaryPicture, Drawing
from bot.diary.report import doctor_report
from bot.diary.summary import summarize

# The warning signs a doctor should hear about, in the order the report lists them.
RED_FLAG_KEYS = (
    "diary.flag.swelling",
    "diary.flag.injury",
    "diary.flag.numbness",
    "diary.flag.medicine",
    "diary.flag.frequent",
)
CHART_WEEKS = 8


def render(picture: DiaryPicture, content: Content) -> Drawing:
    """The picture in the person's language: its words, and the names of the exercises that
    helped, from that language's content (any language's content finds the others)."""
    localized = content.localized(picture.language)
    catalog = localized.catalog(picture.language)
    labels = dict(catalog.strings)
    labels.update(
        {f"exercise.{key}": exercise.name for key, exercise in localized.exercises.items()}
    )
    zone = ZoneInfo(picture.zone)
    chart = weekly_chart(
        picture.entries,
        zone=zone,
        today=picture.today,
        weeks=CHART_WEEKS,
        reminder_started=picture.reminder_started,
        labels=labels,
        language=catalog.language,
    )
    if picture.kind == "chart":
        return Drawing("photo", f"cramps-{picture.today:%Y-%m-%d}.png", chart)
    summary = summarize(
        picture.entries,
        zone=zone,
        today=picture.today,
        days=chart_days(picture.today, CHART_WEEKS),
        reminder_started=picture.reminder_started,
    )
    page = doctor_report(
        summary,
        picture.entries,
        zone=zone,
        today=picture.today,
        labels=labels,
        language=catalog.language,
        red_flags=[catalog.text(key) for key in RED_FLAG_KEYS],
        chart_png=chart,
    )
    return Drawing("document", f"cramp-diary-{picture.today:%Y-%m-%d}.png", page)
