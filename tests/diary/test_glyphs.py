"""The diary chart and the doctor's report draw every character of every language with a real glyph.

How it is checked: the chart (matplotlib) and the report (Pillow) are rendered from each
language's real content, the way the bot renders them (``bot.diary.render.render``), while every
string actually drawn is recorded where it reaches the renderer (``RendererAgg.draw_text`` and
``ImageDraw.text``) together with the font file it is drawn in. Each character must be in that
font's character map (fontTools' ``cmap``): a character outside it is drawn as the font's .notdef
box ("tofu"), which is exactly what a missing glyph looks like on the page. The cmap is the
font's own statement of what it covers, so the check does not depend on how a box happens to
look at one size.

The sample diary cannot reach every branch, so a second check puts every text those renderers
can draw (each diary label, warning sign, exercise name, every zone's city, Babel's month names
and digits) through the same cmap test, in every font the renderers were seen to use. And the
check is shown to fail: a label with a character no bundled font has is caught, by both ways.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg
from PIL import ImageDraw

from bot import formats
from bot.coach.outbox import DiaryPicture
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.diary import DiaryEntry
from bot.diary.chart import weekly_chart
from bot.diary.labels import CHART_KEYS, REPORT_KEYS
from bot.diary.render import RED_FLAG_KEYS, render
from bot.reminders.zone_names import city_name
from tests.auxil.zones import zone_book
from tests.diary.diary_data import LABELS, REMINDER, TODAY, at, rich_diary

LANGUAGES = ("en", "es", "de", "ru", "pt-BR")
ZONE = "Europe/Moscow"  # a city Russian writes in Cyrillic, on the report's first lines


@dataclass(frozen=True, slots=True)
class Drawn:
    text: str
    font: str  # the font file's path
    renderer: str  # "chart" (matplotlib) or "report" (Pillow)


@cache
def _cmap(path: str) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def missing_glyphs(text: str, font: str) -> list[str]:
    """The characters of ``text`` the font has no glyph for, named (a line break is layout)."""
    cmap = _cmap(font)
    return [
        f"{char!r} U+{ord(char):04X} {unicodedata.name(char, '?')}"
        for char in dict.fromkeys(text)
        if char != "\n" and ord(char) not in cmap
    ]


def _problems(drawn: Iterable[Drawn]) -> list[str]:
    return [
        f"{item.renderer} {item.font.rsplit('/', 1)[-1]}: {item.text!r} lacks {gap}"
        for item in drawn
        for gap in missing_glyphs(item.text, item.font)
    ]


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Drawn]]:
    """Record every string drawn inside the block at the two renderers; matplotlib's own
    missing-glyph warnings become errors too."""
    record: list[Drawn] = []
    agg_text = RendererAgg.draw_text
    pillow_text = ImageDraw.ImageDraw.text

    def agg(
        self: RendererAgg, gc: Any, x: float, y: float, s: str, prop: Any, *args: Any, **kwargs: Any
    ) -> Any:
        ismath = args[1] if len(args) > 1 else kwargs.get("ismath", False)
        assert not ismath, f"{s!r} would be drawn as mathtext, in other fonts"
        path = font_manager.findfont(prop, fallback_to_default=False)
        record.append(Drawn(s, path, "chart"))
        return agg_text(self, gc, x, y, s, prop, *args, **kwargs)

    def pillow(self: ImageDraw.ImageDraw, xy: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        font = kwargs.get("font", args[1] if len(args) > 1 else None)
        path = getattr(font, "path", None)
        assert isinstance(path, str), f"{text!r} drawn without a TrueType font"
        record.append(Drawn(str(text), path, "report"))
        return pillow_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "draw_text", agg)
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", pillow)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing from font")
        yield record


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Drawn]]:
    with recording(monkeypatch) as record:
        yield record


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


def _diary() -> tuple[DiaryEntry, ...]:
    """The shared rich diary plus what it lacks: a cramp without an area, and every outcome the
    report lists under "during coaching"."""
    extra = (
        DiaryEntry(at(date(2025, 4, 2), 23, 15), "routine", outcome="red_flag"),
        DiaryEntry(at(date(2025, 4, 5), 2, 40), "routine", area="calf", outcome="advice"),
        DiaryEntry(at(date(2025, 4, 7), 19, 5), "manual", severity=9),
        DiaryEntry(at(date(2025, 4, 8), 14, 0), "routine", area="shin", outcome="worse"),
    )
    return (*rich_diary(), *extra)


def _picture(kind: str, language: str, entries: tuple[DiaryEntry, ...]) -> DiaryPicture:
    return DiaryPicture(
        kind=kind,
        entries=entries,
        zone=ZONE,
        today=TODAY,
        reminder_started=REMINDER,
        language=language,
        caption="",
    )


def _draw_all(content: Content, language: str) -> None:
    """What the bot would draw for this language: the report (which holds the chart) of the
    full diary, and an empty diary's chart ("no cramps")."""
    localized = content.languages[language]
    render(_picture("report", language, _diary()), localized)
    render(_picture("chart", language, ()), localized)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_drawn_character_has_a_glyph(
    content: Content, drawn: list[Drawn], language: str
) -> None:
    _draw_all(content, language)
    localized = content.languages[language]
    catalog = localized.catalogs[language]
    texts = [item.text for item in drawn]
    # The record is what was really drawn, in this language: not vacuous, not English.
    assert {"chart", "report"} == {item.renderer for item in drawn}
    assert catalog.text("diary.chart.title") in texts
    assert catalog.text("diary.report.title") in texts
    assert any(catalog.text(key) in text for key in RED_FLAG_KEYS for text in texts)
    assert any(formats.date_long(TODAY, language) in text for text in texts)
    helped = [localized.exercises[key].name for key in ("calf_massage", "calf_stretch_towel")]
    assert any(name in text for name in helped for text in texts)
    city = city_name(ZONE, language) or ZONE
    assert any(city in text for text in texts)
    if language == "ru":
        assert any(unicodedata.name(char, "").startswith("CYRILLIC") for char in "".join(texts))
    assert _problems(drawn) == []


def _babel_texts(language: str) -> Iterator[str]:
    """What Babel writes into the pictures in this language: every month in both date forms,
    the digits with their separators, and a list."""
    for month in range(1, 13):
        day = date(2026, month, 28)
        yield formats.date_short(day, language)
        yield formats.date_long(day, language)
    yield formats.number(1234567.8, language) + formats.decimal(0.5, language)
    yield formats.join(["a", "b", "c"], language)


def _every_text(content: Content, language: str) -> Iterator[str]:
    localized = content.languages[language]
    catalog = localized.catalogs[language]
    for key in (*CHART_KEYS, *REPORT_KEYS, *RED_FLAG_KEYS):
        yield catalog.strings[key]
    yield from (exercise.name for exercise in localized.exercises.values())
    yield from (city_name(zone, language) or zone for zone in _zones())
    yield from _babel_texts(language)


def _zones() -> tuple[str, ...]:
    return tuple(zone_book().zones)


@pytest.fixture(scope="module")
def fonts(content: Content) -> set[tuple[str, str]]:
    """(renderer, font file) for every font the two renderers draw with."""
    with pytest.MonkeyPatch.context() as monkeypatch, recording(monkeypatch) as record:
        _draw_all(content, "en")
    return {(item.renderer, item.font) for item in record}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_the_pictures_can_draw_has_a_glyph_in_their_fonts(
    content: Content, fonts: set[tuple[str, str]], language: str
) -> None:
    assert len(fonts) >= 4  # the chart's regular, bold and italic, the report's regular and bold
    texts = list(_every_text(content, language))
    problems = [
        f"{renderer} {font.rsplit('/', 1)[-1]}: {text!r} lacks {gap}"
        for renderer, font in sorted(fonts)
        for text in texts
        for gap in missing_glyphs(text, font)
    ]
    assert problems == []


# -- the check can fail ----------------------------------------------------------------------------
def _with(labels: Mapping[str, str], key: str, text: str) -> dict[str, str]:
    return {**labels, key: text}


CANARY = "Крампы 抽筋 ✅"  # Cyrillic is in DejaVu; the Chinese and the emoji are not


def test_the_record_catches_a_missing_glyph_in_the_chart(drawn: list[Drawn]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the renderer's own warning is the fixture's other net
        weekly_chart(
            rich_diary(),
            zone=ZoneInfo("Europe/Berlin"),
            today=TODAY,
            labels=_with(LABELS, "diary.chart.title", CANARY),
            language="en",
        )
    problems = _problems(drawn)
    assert problems and all("抽" in p or "筋" in p or "✅" in p for p in problems)
    assert not any("Кр" in p.rpartition("lacks")[2] for p in problems)


def test_matplotlib_warns_of_a_missing_glyph_and_the_fixture_makes_it_fail(
    drawn: list[Drawn],
) -> None:
    with pytest.raises(UserWarning, match="missing from font"):
        weekly_chart(
            (),
            zone=ZoneInfo("Europe/Berlin"),
            today=TODAY,
            labels=_with(LABELS, "diary.chart.title", CANARY),
            language="en",
        )


def test_the_record_catches_a_missing_glyph_in_the_report(
    content: Content, drawn: list[Drawn]
) -> None:
    flags = {key: content.catalogs["en"].strings[key] for key in RED_FLAG_KEYS}
    catalog = content.catalogs["en"]
    broken = replace(
        catalog, strings={**catalog.strings, RED_FLAG_KEYS[0]: f"{flags[RED_FLAG_KEYS[0]]} ✅"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        render(
            _picture("report", "en", _diary()),
            replace(content, catalogs={**content.catalogs, "en": broken}),
        )
    problems = [p for p in _problems(drawn) if p.startswith("report")]
    assert problems and all("U+2705" in p for p in problems)
