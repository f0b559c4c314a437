"""Label checks: missing keys and stray placeholders are reported by name before drawing."""

from __future__ import annotations

import string
from datetime import date

import pytest

from bot.diary.labels import (
    CHART_KEYS,
    PLACEHOLDERS,
    REPORT_KEYS,
    LabelFormatError,
    Labels,
    MissingLabelError,
    check_labels,
)
from tests.diary.diary_data import LABELS


def test_fixture_passes_every_check() -> None:
    check_labels(LABELS, CHART_KEYS)
    check_labels(LABELS, REPORT_KEYS)


def test_fixture_uses_exactly_the_documented_placeholders() -> None:
    for key, text in LABELS.items():
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        assert used == set(PLACEHOLDERS.get(key, ())), key


def test_every_placeholder_key_is_needed_by_a_renderer() -> None:
    assert set(PLACEHOLDERS) <= set(CHART_KEYS) | set(REPORT_KEYS)


def test_all_missing_keys_are_named() -> None:
    labels = {k: v for k, v in LABELS.items() if k not in {"diary.area.other", "diary.chart.x"}}
    with pytest.raises(MissingLabelError) as caught:
        check_labels(labels, CHART_KEYS)
    assert caught.value.keys == ("diary.area.other", "diary.chart.x")
    assert caught.value.key == "diary.area.other"
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == (
        "diary label(s) missing from the labels mapping: 'diary.area.other', 'diary.chart.x'"
    )


def test_bad_format_strings_are_named() -> None:
    with pytest.raises(LabelFormatError, match=r"'diary\.chart\.started_on'.*not a valid format"):
        check_labels({**LABELS, "diary.chart.started_on": "{date"}, CHART_KEYS)
    with pytest.raises(LabelFormatError, match=r"'diary\.chart\.title'.*\{rate\}.*none"):
        check_labels({**LABELS, "diary.chart.title": "Cramps ({rate})"}, CHART_KEYS)


def test_dates_and_numbers() -> None:
    words = Labels(LABELS, "en")
    assert words.date_short(date(2025, 3, 3)) == "3 Mar"
    assert words.date_long(date(2025, 12, 24)) == "24 Dec 2025"
    assert words.area("other") == "Other or not given"
    assert words.area("calf") == "Calf"
    assert [words.number(x) for x in (0, 2.0, 2.25, 2.26, 1 / 3)] == [
        "0",
        "2",
        "2.2",
        "2.3",
        "0.3",
    ]


def test_a_key_read_without_checking_still_names_itself() -> None:
    with pytest.raises(MissingLabelError, match=r"'diary\.nope'"):
        Labels(LABELS, "en")("diary.nope")
