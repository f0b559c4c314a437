"""weekly_chart(): a deterministic, readable PNG from a fixed diary (and from an empty one)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import matplotlib
import pytest

from bot.diary import MissingLabelError
from bot.diary.chart import AREA_STYLE, CHART_SIZE, chart_days, shows_comparison, weekly_chart
from bot.diary.labels import CHART_KEYS, LabelFormatError
from bot.diary.summary import summarize
from tests.diary.diary_data import BERLIN, LABELS, REMINDER, TODAY, decode_png, rich_diary

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def test_chart_is_a_png_of_the_promised_size(chart_png: bytes) -> None:
    image = decode_png(chart_png)
    assert image.size == CHART_SIZE == (1000, 600)
    assert 10_000 <= len(chart_png) <= 400_000


def test_chart_bytes_are_deterministic(chart_png: bytes) -> None:
    again = weekly_chart(
        rich_diary(),
        zone=BERLIN,
        today=TODAY,
        reminder_started=REMINDER,
        labels=LABELS,
        language="en",
    )
    assert again == chart_png


def test_chart_draws_the_areas_in_their_colours(chart_png: bytes) -> None:
    colours = {
        colour for _, colour in decode_png(chart_png).convert("RGB").getcolors(1 << 20) or []
    }
    for area in ("calf", "foot", "ankle", "shin"):
        assert _rgb(AREA_STYLE[area][0]) in colours, area


def test_empty_diary_still_renders() -> None:
    png = weekly_chart(
        [], zone=BERLIN, today=TODAY, reminder_started=None, labels=LABELS, language="en"
    )
    image = decode_png(png)
    assert image.size == CHART_SIZE
    assert 10_000 <= len(png) <= 400_000
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 20) or []}
    assert not any(_rgb(colour) in colours for colour, _ in AREA_STYLE.values())


@pytest.mark.parametrize(
    ("weeks", "reminder"),
    [
        (8, date(2025, 4, 9)),  # started yesterday: marker at the right edge, no "since" average
        (8, date(2025, 2, 18)),  # first chart week: "before" too short to average
        (8, date(2024, 12, 1)),  # before the chart: "since <date>", everything is "since"
        (8, date(2025, 5, 1)),  # in the future: nothing drawn for it
        (26, date(2025, 3, 31)),  # many weeks, diary started inside the chart
        (1, REMINDER),
    ],
)
def test_reminder_edge_cases_render(weeks: int, reminder: date) -> None:
    png = weekly_chart(
        rich_diary(),
        zone=BERLIN,
        today=TODAY,
        weeks=weeks,
        reminder_started=reminder,
        labels=LABELS,
        language="en",
    )
    assert decode_png(png).size == CHART_SIZE


@pytest.mark.parametrize(
    ("weeks", "reminder", "compared"),
    [
        (8, REMINDER, True),  # a week or more on each side: "Before" and "Since" both drawn
        (26, date(2025, 3, 31), True),
        (8, None, False),  # no reminder: no rates at all
        (8, date(2025, 4, 9), False),  # started yesterday: no "since" average
        (8, date(2025, 2, 18), False),  # first chart week: "before" too short to average
        (8, date(2024, 12, 1), False),  # before the chart: only "since"
        (8, date(2025, 5, 1), False),  # in the future: nothing drawn for it
    ],
)
def test_caveat_is_drawn_exactly_when_both_rates_are(
    weeks: int, reminder: date | None, compared: bool
) -> None:
    """The image can travel alone: a before/since comparison carries its caveat on the image.

    Drawn or not is seen in the bytes: two caveat texts give two different images only if the
    caveat is drawn. ``shows_comparison`` is the chart's own decision, checked alongside.
    """

    def chart(caveat: str) -> bytes:
        return weekly_chart(
            rich_diary(),
            zone=BERLIN,
            today=TODAY,
            weeks=weeks,
            reminder_started=reminder,
            labels={**LABELS, "diary.chart.caveat": caveat},
            language="en",
        )

    summary = summarize(
        rich_diary(),
        zone=BERLIN,
        today=TODAY,
        days=chart_days(TODAY, weeks),
        reminder_started=reminder,
    )
    assert shows_comparison(summary) is compared
    drawn = chart("Cramps vary by themselves; this cannot show cause") != chart("Something else")
    assert drawn is compared


def test_missing_label_names_the_key() -> None:
    labels = {key: text for key, text in LABELS.items() if key != "diary.chart.y"}
    with pytest.raises(KeyError) as caught:
        weekly_chart(
            [], zone=BERLIN, today=TODAY, reminder_started=None, labels=labels, language="en"
        )
    assert isinstance(caught.value, MissingLabelError)
    assert caught.value.key == "diary.chart.y"
    assert "diary.chart.y" in str(caught.value)


def test_missing_label_is_caught_whatever_the_diary_holds() -> None:
    # The reminder labels are needed even for a chart that would not draw them.
    labels = {key: text for key, text in LABELS.items() if key != "diary.chart.started"}
    with pytest.raises(MissingLabelError, match=r"diary\.chart\.started"):
        weekly_chart(
            [], zone=BERLIN, today=TODAY, reminder_started=None, labels=labels, language="en"
        )


def test_unknown_placeholder_in_a_label_is_named() -> None:
    labels = {**LABELS, "diary.chart.before": "Before: {per_week} a week"}
    with pytest.raises(LabelFormatError, match=r"diary\.chart\.before.*\{per_week\}"):
        weekly_chart(
            [], zone=BERLIN, today=TODAY, reminder_started=None, labels=labels, language="en"
        )


def test_dollar_signs_are_text_not_maths() -> None:
    labels = {**LABELS, "diary.chart.title": "Cramps $per$ week", "diary.chart.x": "$"}
    png = weekly_chart(
        rich_diary(), zone=BERLIN, today=TODAY, reminder_started=None, labels=labels, language="en"
    )
    assert decode_png(png).size == CHART_SIZE


def test_no_global_matplotlib_state_is_touched() -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    weekly_chart(
        rich_diary(),
        zone=BERLIN,
        today=TODAY,
        reminder_started=REMINDER,
        labels=LABELS,
        language="en",
    )
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend() == backend


def test_chart_days_matches_the_weeks_shown() -> None:
    assert chart_days(date(2025, 4, 7), weeks=1) == 1  # a Monday
    assert chart_days(date(2025, 4, 13), weeks=1) == 7  # a Sunday
    assert chart_days(TODAY, weeks=8) == 53
    with pytest.raises(ValueError):
        chart_days(TODAY, weeks=0)


def test_chart_keys_are_all_in_the_fixture() -> None:
    assert set(CHART_KEYS) <= set(LABELS)


def test_worker_threads_render_the_same_bytes(chart_png: bytes) -> None:
    # The bot renders off the event loop; concurrent renders must not disturb each other.
    def render(_: int) -> bytes:
        return weekly_chart(
            rich_diary(),
            zone=BERLIN,
            today=TODAY,
            reminder_started=REMINDER,
            labels=LABELS,
            language="en",
        )

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(render, range(3)))
    assert results == [chart_png] * 3
