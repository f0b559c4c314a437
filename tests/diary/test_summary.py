"""summarize(): local days, nights, weeks and hours across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.diary import DiaryEntry, summarize
from bot.diary.entries import night_of, time_bucket, week_start
from bot.diary.summary import night_marks
from tests.diary.diary_data import BERLIN, at

TODAY = date(2025, 4, 2)  # a Wednesday; Berlin moved to summer time on Sunday 30 March 2025
REMINDER = date(2025, 3, 20)

# 01:30 local in the night the clocks went forward is still winter time: 00:30 UTC.
CRAMP_BEFORE_CHANGE = DiaryEntry(at(date(2025, 3, 30), 1, 30), "manual", area="calf", severity=6)
# 01:30 local on Monday 31 March is summer time: 23:30 UTC on *Sunday* 30 March.
CRAMP_AFTER_CHANGE = DiaryEntry(
    at(date(2025, 3, 31), 1, 30),
    "routine",
    area="foot",
    outcome="gone",
    helped=("toe_pull_back", "calf_stretch_towel"),
)
# 06:30 local summer time (04:30 UTC): daytime. A fixed winter offset would say 05:30, small hours.
MORNING_CRAMP = DiaryEntry(
    at(date(2025, 3, 31), 6, 30),
    "routine",
    area="calf",
    outcome="better",
    helped=("calf_massage", "calf_stretch_towel"),
)

DIARY: tuple[DiaryEntry, ...] = (
    # Outside the window (which starts on 4 March) and in the future: not counted.
    DiaryEntry(at(date(2025, 3, 3), 23, 0), "manual", area="calf", severity=9),
    DiaryEntry(at(date(2025, 4, 3), 1, 0), "manual", area="calf", severity=9),
    DiaryEntry(
        at(date(2025, 3, 5), 2, 0),
        "routine",
        area="ankle",
        outcome="advice",
        helped=("ankle_pumps",),
    ),
    DiaryEntry(at(date(2025, 3, 10), 3, 15), "manual", area="shin", severity=3),
    DiaryEntry(at(date(2025, 3, 20), 23, 10), "routine", area="calf", outcome="worse"),
    DiaryEntry(at(date(2025, 3, 21), 20, 0), "routine", area="calf", outcome="red_flag"),
    CRAMP_BEFORE_CHANGE,
    CRAMP_AFTER_CHANGE,
    MORNING_CRAMP,
    # "No cramps last night" for the nights of 28 March, 30 March (contradicted) and 1 April.
    DiaryEntry(at(date(2025, 3, 29), 8, 0), "none"),
    DiaryEntry(at(date(2025, 3, 31), 8, 0), "none"),
    DiaryEntry(at(date(2025, 4, 2), 7, 30), "none"),
    # Bedtime stretches: the one after midnight belongs to the night of 26 March.
    DiaryEntry(at(date(2025, 3, 25), 22, 0), "bedtime", outcome="done"),
    DiaryEntry(at(date(2025, 3, 26), 22, 5), "bedtime", outcome="done"),
    DiaryEntry(at(date(2025, 3, 27), 0, 20), "bedtime", outcome="done"),
)


def test_dst_instants_are_what_the_test_claims() -> None:
    assert CRAMP_BEFORE_CHANGE.at == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    assert CRAMP_AFTER_CHANGE.at == datetime(2025, 3, 30, 23, 30, tzinfo=UTC)
    assert MORNING_CRAMP.at == datetime(2025, 3, 31, 4, 30, tzinfo=UTC)


def test_local_night_bucket_and_week_across_the_change() -> None:
    assert night_of(CRAMP_BEFORE_CHANGE, BERLIN) == date(2025, 3, 29)
    assert time_bucket(CRAMP_BEFORE_CHANGE.at.astimezone(BERLIN)) == "late"
    # Local Monday, UTC Sunday: the local ISO week is the one starting 31 March.
    assert night_of(CRAMP_AFTER_CHANGE, BERLIN) == date(2025, 3, 30)
    assert week_start(CRAMP_AFTER_CHANGE.at.astimezone(BERLIN).date()) == date(2025, 3, 31)
    assert week_start(CRAMP_AFTER_CHANGE.at.date()) == date(2025, 3, 24)
    assert time_bucket(MORNING_CRAMP.at.astimezone(BERLIN)) == "day"


def test_summary_of_the_fixed_diary() -> None:
    summary = summarize(DIARY, zone=BERLIN, today=TODAY)

    assert (summary.start, summary.end, summary.days) == (date(2025, 3, 4), TODAY, 30)
    assert summary.observed_start == summary.start  # the diary began before the window
    assert summary.cramps == 7
    assert dict(summary.by_area) == {"calf": 4, "foot": 1, "ankle": 1, "shin": 1, "other": 0}
    assert summary.by_time == (("evening", 1), ("late", 3), ("small_hours", 2), ("day", 1))
    # 4 Mar, 9 Mar, 20 Mar, 21 Mar, 29 Mar and 30 Mar (two cramps, one night).
    assert summary.nights_with_cramps == 6
    # 28 Mar and 1 Apr; the "none" for 30 Mar is overruled by the cramps logged that night.
    assert summary.nights_cramp_free == 2
    assert (summary.severity_count, summary.severity_mean, summary.severity_max) == (2, 4.5, 6)
    assert summary.helped == (("calf_stretch_towel", 2), ("ankle_pumps", 1), ("calf_massage", 1))
    assert summary.attention == (("worse", 1), ("advice", 1), ("red_flag", 1))
    assert summary.attention_total == 3
    assert (summary.bedtime_sessions, summary.bedtime_nights) == (3, 2)
    assert summary.per_week == pytest.approx(7 * 7 / 30)
    assert (summary.reminder_started, summary.before, summary.after) == (None, None, None)


def test_weeks_are_local_iso_weeks() -> None:
    summary = summarize(DIARY, zone=BERLIN, today=TODAY)

    weeks = {week.start: week.total for week in summary.weekly}
    assert weeks == {
        date(2025, 3, 3): 1,  # clipped to the window: the cramp of 3 March is outside it
        date(2025, 3, 10): 1,
        date(2025, 3, 17): 2,
        date(2025, 3, 24): 1,  # 01:30 on 30 March; UTC weeks would put 2 here
        date(2025, 3, 31): 2,
    }
    last = summary.weekly[-1]
    assert dict(last.by_area) == {"calf": 1, "foot": 1, "ankle": 0, "shin": 0, "other": 0}


def test_reminder_splits_the_observed_days() -> None:
    summary = summarize(DIARY, zone=BERLIN, today=TODAY, reminder_started=REMINDER)

    assert summary.before is not None and summary.after is not None
    assert (summary.before.start, summary.before.end, summary.before.days) == (
        date(2025, 3, 4),
        date(2025, 3, 19),
        16,
    )
    assert (summary.before.cramps, summary.before.bedtime_sessions) == (2, 0)
    assert summary.before.per_week == pytest.approx(2 * 7 / 16)
    assert (summary.after.start, summary.after.end, summary.after.days) == (REMINDER, TODAY, 14)
    assert (summary.after.cramps, summary.after.bedtime_sessions) == (5, 3)
    assert summary.after.per_week == pytest.approx(2.5)


def test_days_before_the_diary_began_are_not_counted_as_cramp_free() -> None:
    recent = [entry for entry in DIARY if entry.at >= at(date(2025, 3, 15), 0)]
    summary = summarize(recent, zone=BERLIN, today=TODAY, reminder_started=REMINDER)

    assert summary.observed_start == date(2025, 3, 20)  # the earliest entry left
    assert summary.before is None
    assert summary.after is not None and summary.after.days == 14

    given = summarize(
        recent, zone=BERLIN, today=TODAY, reminder_started=REMINDER, since=date(2025, 3, 13)
    )
    assert given.observed_start == date(2025, 3, 13)
    assert given.before is not None and (given.before.days, given.before.cramps) == (7, 0)
    assert given.per_week == pytest.approx(given.cramps * 7 / 21)


def test_reminder_outside_the_window() -> None:
    later = summarize(DIARY, zone=BERLIN, today=TODAY, reminder_started=TODAY + timedelta(days=3))
    assert later.after is None and later.before is not None and later.before.days == 30

    earlier = summarize(DIARY, zone=BERLIN, today=TODAY, reminder_started=date(2025, 1, 1))
    assert earlier.before is None and earlier.after is not None and earlier.after.days == 30


def test_empty_diary() -> None:
    summary = summarize([], zone=BERLIN, today=TODAY, days=7, reminder_started=REMINDER)

    assert summary.cramps == 0
    assert all(count == 0 for _, count in (*summary.by_area, *summary.by_time, *summary.attention))
    assert (summary.nights_with_cramps, summary.nights_cramp_free) == (0, 0)
    assert (summary.severity_count, summary.severity_mean, summary.severity_max) == (0, None, None)
    assert summary.helped == ()
    assert summary.per_week == 0
    assert [week.start for week in summary.weekly] == [date(2025, 3, 24), date(2025, 3, 31)]
    assert all(week.total == 0 for week in summary.weekly)
    assert summary.before is None  # the window starts after the reminder
    assert summary.after is not None and summary.after.per_week == 0


def test_time_buckets_cover_the_clock() -> None:
    expected = {
        **dict.fromkeys(range(18, 22), "evening"),
        **dict.fromkeys([22, 23, 0, 1], "late"),
        **dict.fromkeys(range(2, 6), "small_hours"),
        **dict.fromkeys(range(6, 18), "day"),
    }
    for hour, bucket in expected.items():
        assert time_bucket(datetime(2025, 1, 1, hour, 59)) == bucket, hour


def test_autumn_repeated_hour_is_one_local_night() -> None:
    # 26 October 2025: 02:00-03:00 happens twice in Berlin. Both 02:30s are small hours of the
    # night of 25 October.
    first = DiaryEntry(datetime(2025, 10, 26, 0, 30, tzinfo=UTC), "manual")
    second = DiaryEntry(datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "manual")
    for entry in (first, second):
        moment = entry.at.astimezone(BERLIN)
        assert (moment.hour, moment.minute) == (2, 30)
        assert time_bucket(moment) == "small_hours"
        assert night_of(entry, BERLIN) == date(2025, 10, 25)
    summary = summarize([first, second], zone=BERLIN, today=date(2025, 10, 26), days=1)
    assert (summary.cramps, summary.nights_with_cramps) == (2, 1)


def test_night_marks() -> None:
    marks = night_marks(DIARY, zone=BERLIN, first=date(2025, 3, 28), last=date(2025, 4, 1))

    assert [(m.night.day, m.cramps, m.answered_none, m.bedtime) for m in marks] == [
        (28, 0, True, False),
        (29, 1, False, False),
        (30, 2, False, False),
        (31, 0, False, False),
        (1, 0, True, False),
    ]


def test_entry_validation() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DiaryEntry(datetime(2025, 1, 1, 3, 0), "manual")  # naive: the point of the test
    with pytest.raises(ValueError, match=r"0\.\.10"):
        DiaryEntry(datetime(2025, 1, 1, 3, 0, tzinfo=UTC), "manual", severity=11)
    with pytest.raises(ValueError, match="at least 1"):
        summarize([], zone=BERLIN, today=TODAY, days=0)
    assert DiaryEntry(datetime(2025, 1, 1, tzinfo=UTC), "routine").is_cramp
    assert not DiaryEntry(datetime(2025, 1, 1, tzinfo=UTC), "bedtime").is_cramp
