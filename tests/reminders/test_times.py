"""Tests for reading a typed bedtime: every accepted form, and every refusal, by name."""

from __future__ import annotations

from datetime import time

import pytest

from bot.reminders.times import format_time, parse_time

ACCEPTED = [
    ("21:45", time(21, 45)),
    ("21.45", time(21, 45)),
    ("21h45", time(21, 45)),
    ("21H45", time(21, 45)),
    ("21h", time(21, 0)),
    ("2145", time(21, 45)),
    ("0930", time(9, 30)),
    ("930", time(9, 30)),
    ("21", time(21, 0)),
    ("9", time(9, 0)),
    ("0", time(0, 0)),
    ("00:00", time(0, 0)),
    ("23:59", time(23, 59)),
    ("09:05", time(9, 5)),
    (" 21:45 ", time(21, 45)),
    ("\t21:45\n", time(21, 45)),
    ("21:45:00", time(21, 45)),
    ("21:45:30", time(21, 45)),
    ("9pm", time(21, 0)),
    ("9 pm", time(21, 0)),
    ("9PM", time(21, 0)),
    ("9p", time(21, 0)),
    ("9 p.m.", time(21, 0)),
    ("9:30pm", time(21, 30)),
    ("9.30 PM", time(21, 30)),
    ("9h30pm", time(21, 30)),
    ("930pm", time(21, 30)),
    ("10:15 am", time(10, 15)),
    ("9am", time(9, 0)),
    ("12am", time(0, 0)),
    ("12:30am", time(0, 30)),
    ("12pm", time(12, 0)),
    ("12:30 pm", time(12, 30)),
    ("11:59pm", time(23, 59)),
    ("noon", time(12, 0)),
    ("Midnight", time(0, 0)),
    ("２１：４５", time(21, 45)),  # fullwidth digits and colon
    ("21∶45", time(21, 45)),  # U+2236 RATIO
    ("٢١:٣٠", time(21, 30)),  # Arabic-Indic digits
]

REFUSED = [
    ("", "empty"),
    ("   ", "blank"),
    ("25:00", "hour past 23"),
    ("24:00", "24 is not an hour"),
    ("24", "bare 24"),
    ("12:60", "minute past 59"),
    ("2160", "compact minute past 59"),
    ("13pm", "13 on a 12-hour clock"),
    ("0pm", "0 on a 12-hour clock"),
    ("0am", "0am"),
    ("21:45pm", "24-hour hour with pm"),
    ("9:5", "single-digit minutes are ambiguous"),
    ("9.5", "decimal hours"),
    ("21:", "trailing colon"),
    ("21.", "trailing dot"),
    ("-9", "negative"),
    ("-21:00", "negative with minutes"),
    ("+21:00", "signed"),
    ("21 45", "space inside the number"),
    ("21:45:60", "seconds past 59"),
    ("21.45.00", "seconds after a dot"),
    ("21h45:00", "seconds after h"),
    ("12345", "five digits"),
    ("1:2:3", "garbage with colons"),
    ("bedtime", "a word"),
    ("9 o'clock", "words after the hour"),
    ("around 9pm", "words before the hour"),
    ("9pmm", "bad suffix"),
    ("9xm", "not am/pm"),
    ("9:30 pm" * 20, "very long text"),
    ("uhr", "the hour's word alone"),
    ("9pm uhr", "the hour's word after a 12-hour time"),
    ("24 Uhr", "hour past 23 with Uhr"),
    ("9:5 Uhr", "single-digit minutes with Uhr"),
    ("21: Uhr", "trailing colon with Uhr"),
    ("Uhr 21", "the hour's word before the time"),
]
HOUR_WORD = [
    ("21 Uhr", time(21, 0)),
    ("21 uhr", time(21, 0)),
    ("21Uhr", time(21, 0)),
    ("21:30 Uhr", time(21, 30)),
    ("21.30 Uhr", time(21, 30)),
    ("21 h", time(21, 0)),
    ("21.30 h", time(21, 30)),
    ("2145 Uhr", time(21, 45)),
]


@pytest.mark.parametrize(("text", "expected"), HOUR_WORD, ids=[t for t, _ in HOUR_WORD])
def test_parse_time_accepts_the_hours_word_after_the_time(text: str, expected: time) -> None:
    """German reviewers: people write "21 Uhr" when asked for their bedtime."""
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[repr(t) for t, _ in ACCEPTED])
def test_parse_time_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", [t for t, _ in REFUSED], ids=[why for _, why in REFUSED])
def test_parse_time_refuses(text: str) -> None:
    assert parse_time(text) is None


def test_parse_time_returns_a_naive_minute_resolution_time() -> None:
    parsed = parse_time("21:45:59")
    assert parsed is not None
    assert (parsed.second, parsed.microsecond, parsed.tzinfo) == (0, 0, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (time(21, 30), "21:30"),
        (time(0, 0), "00:00"),
        (time(9, 5), "09:05"),
        (time(23, 59, 59), "23:59"),
    ],
    ids=["evening", "midnight", "zero-padded", "seconds-dropped"],
)
def test_format_time(value: time, expected: str) -> None:
    assert format_time(value) == expected


@pytest.mark.parametrize("text", ["21:45", "9.30 PM", "12am", "930", "21h"])
def test_format_then_parse_round_trips(text: str) -> None:
    parsed = parse_time(text)
    assert parsed is not None
    assert parse_time(format_time(parsed)) == parsed
