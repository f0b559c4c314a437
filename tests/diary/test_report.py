"""doctor_report(): a deterministic one-page PNG from a fixed diary, an empty one, and long text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from bot.diary import MissingLabelError, summarize
from bot.diary.chart import chart_days, weekly_chart
from bot.diary.labels import REPORT_KEYS, Labels
from bot.diary.report import REPORT_SIZE, doctor_report
from tests.diary.diary_data import BERLIN, LABELS, REMINDER, TODAY, decode_png, rich_diary

RED_FLAGS = (
    "One leg swollen, red or warm, or throbbing pain with swelling",
    "A cramp that lasts over 10 minutes and does not ease when you move",
    "Cramps most nights, or cramps that keep waking you",
    "Numbness, weakness, or muscles that look smaller",
    "Cramps that began after starting a new medicine",
)
REPORT_LABELS = {**LABELS, "exercise.calf_stretch_towel": "Calf stretch with a towel"}


def _report(
    chart_png: bytes | None,
    *,
    red_flags: Sequence[str] = RED_FLAGS,
    labels: Mapping[str, str] = REPORT_LABELS,
) -> bytes:
    entries = rich_diary()
    summary = summarize(
        entries, zone=BERLIN, today=TODAY, days=chart_days(TODAY), reminder_started=REMINDER
    )
    return doctor_report(
        summary,
        entries,
        zone=BERLIN,
        today=TODAY,
        labels=labels,
        language="en",
        red_flags=red_flags,
        chart_png=chart_png,
    )


def test_report_is_an_a4_png(chart_png: bytes) -> None:
    png = _report(chart_png)
    image = decode_png(png)
    assert image.size == REPORT_SIZE == (1240, 1754)
    assert 10_000 <= len(png) <= 400_000


def test_report_bytes_are_deterministic(chart_png: bytes) -> None:
    assert _report(chart_png) == _report(chart_png)


def test_report_embeds_the_chart(chart_png: bytes) -> None:
    with_chart = decode_png(_report(chart_png)).convert("RGB")
    without = decode_png(_report(None)).convert("RGB")
    foot_orange = (0xE6, 0x9F, 0x00)  # only the chart uses it
    assert foot_orange in {colour for _, colour in with_chart.getcolors(1 << 20) or []}
    assert foot_orange not in {colour for _, colour in without.getcolors(1 << 20) or []}


def test_empty_diary_report() -> None:
    summary = summarize([], zone=BERLIN, today=TODAY)
    chart = weekly_chart(
        [], zone=BERLIN, today=TODAY, reminder_started=None, labels=LABELS, language="en"
    )
    png = doctor_report(
        summary,
        [],
        zone=BERLIN,
        today=TODAY,
        labels=LABELS,
        language="en",
        red_flags=RED_FLAGS,
        chart_png=chart,
    )
    assert decode_png(png).size == REPORT_SIZE
    assert 10_000 <= len(png) <= 400_000


def test_long_text_still_fits_on_one_page(chart_png: bytes) -> None:
    flags = [
        flag + ", described at much greater length than usual for testing" for flag in RED_FLAGS
    ]
    long_labels = {**REPORT_LABELS, "diary.report.flags": "Worth mentioning " * 8}
    png = _report(chart_png, red_flags=flags * 2, labels=long_labels)
    image = decode_png(png).convert("RGB")
    assert image.size == REPORT_SIZE
    # The bottom margin stays white: nothing ran off the page.
    bottom = image.crop((0, REPORT_SIZE[1] - 40, REPORT_SIZE[0], REPORT_SIZE[1]))
    assert bottom.getcolors() == [(REPORT_SIZE[0] * 40, (255, 255, 255))]


def test_no_red_flags_and_no_chart() -> None:
    png = _report(None, red_flags=())
    assert decode_png(png).size == REPORT_SIZE


def test_missing_report_label_names_the_key(chart_png: bytes) -> None:
    labels = {
        k: v for k, v in REPORT_LABELS.items() if k not in {"diary.report.flags", "area.shin"}
    }
    with pytest.raises(KeyError) as caught:
        _report(chart_png, labels=labels)
    assert isinstance(caught.value, MissingLabelError)
    assert caught.value.keys == ("area.shin", "diary.report.flags")
    assert "'area.shin'" in str(caught.value) and "'diary.report.flags'" in str(caught.value)


def test_exercise_names_fall_back_to_the_id() -> None:
    words = Labels(REPORT_LABELS, "en")
    assert words.exercise("calf_stretch_towel") == "Calf stretch with a towel"
    assert words.exercise("toe_pull_back") == "Toe pull back"


def test_report_keys_are_all_in_the_fixture() -> None:
    assert set(REPORT_KEYS) <= set(LABELS)


def test_the_bedtime_before_and_after_says_it_shows_no_cause() -> None:
    """Two rates side by side read as "the stretch worked"; the report says they cannot show it."""
    from bot.diary.report import _bedtime

    entries = rich_diary()
    summary = summarize(
        entries, zone=BERLIN, today=TODAY, days=chart_days(TODAY), reminder_started=REMINDER
    )
    assert summary.before is not None and summary.after is not None
    lines = _bedtime(summary, Labels(LABELS, "en"))
    caveat = LABELS["diary.report.bedtime.caveat"]
    rates = [i for i, line in enumerate(lines) if line.startswith("Cramps a week")]
    assert len(rates) == 2 and lines.index(caveat) > max(rates)
