"""From the coach's request to the PNG that is sent, with the real catalog's words."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from bot.coach.outbox import DiaryPicture
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.diary import DiaryEntry
from bot.diary.render import RED_FLAG_KEYS, render

ENTRIES = (
    DiaryEntry(at=datetime(2026, 5, 1, 1, 0, tzinfo=UTC), kind="routine", area="calf"),
    DiaryEntry(at=datetime(2026, 5, 4, 23, 0, tzinfo=UTC), kind="manual", area="foot", severity=5),
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


def _picture(kind: str, entries: tuple[DiaryEntry, ...] = ENTRIES) -> DiaryPicture:
    return DiaryPicture(
        kind=kind,
        entries=entries,
        zone="Europe/Berlin",
        today=date(2026, 5, 7),
        reminder_started=date(2026, 5, 3),
        language="en",
        caption="Cramps per week",
    )


@pytest.mark.parametrize(
    ("kind", "sent_as", "size"),
    [("chart", "photo", (1000, 600)), ("report", "document", (1240, 1754))],
)
def test_every_diary_picture_renders_with_the_catalogs_words(
    content: Content, kind: str, sent_as: str, size: tuple[int, int]
) -> None:
    attach = render(_picture(kind), content)
    assert attach.kind == sent_as
    assert attach.filename.endswith("2026-05-07.png")
    image = Image.open(io.BytesIO(attach.data))
    assert image.format == "PNG" and image.size == size
    assert 10_000 < len(attach.data) < 400_000
    assert render(_picture(kind), content).data == attach.data  # deterministic


def test_an_empty_diary_still_renders(content: Content) -> None:
    assert render(_picture("report", ()), content).data.startswith(b"\x89PNG")


def test_the_red_flags_are_in_the_catalog(content: Content) -> None:
    en = content.catalog("en")
    assert all(en.text(key).strip() for key in RED_FLAG_KEYS)


def test_a_picture_in_a_shipped_language_uses_that_languages_content(content: Content) -> None:
    """The content the service holds (English) finds the person's: their words, and the names of
    the exercises that helped, as that language's content has them."""
    russian = content.languages["ru"]
    assert "ru" in content.shipped
    english_only = replace(content, shipped=frozenset({"en"}))
    helped = (
        DiaryEntry(
            at=datetime(2026, 5, 5, 1, 0, tzinfo=UTC),
            kind="routine",
            area="calf",
            outcome="gone",
            helped=("calf_massage",),
        ),
    )
    picture = replace(_picture("report", (*ENTRIES, *helped)), language="ru")
    assert russian.exercise("calf_massage").name != content.exercise("calf_massage").name
    assert render(picture, content).data == render(picture, russian).data
    assert render(picture, english_only).data != render(picture, content).data  # not shipped: en
