"""What the coach asks the diary to draw: the weekly chart or the doctor's report.

The request is the diary's own type (the coach puts it in its outbox as it is), so drawing it
needs nothing from the coach; the service hands the drawing on as an attachment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.diary.entries import DiaryEntry


@dataclass(frozen=True, slots=True)
class DiaryPicture:
    """Draw the diary's weekly chart or the doctor's report and send it as a photo.

    The service renders it off the event loop once the event's transaction is committed.
    """

    kind: str  # "chart" | "report"
    entries: tuple[DiaryEntry, ...]
    zone: str
    today: date
    reminder_started: date | None
    language: str | None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Drawing:
    """A drawn diary picture: sent as a photo (the chart) or a document (the report's page)."""

    kind: Literal["photo", "document"]
    filename: str
    data: bytes
