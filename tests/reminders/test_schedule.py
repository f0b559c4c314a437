"""Tests for the bedtime-reminder schedule.

Every expected instant below is written out by hand from the 2026 tz transitions (looked up once
with zoneinfo, then frozen here), never recomputed with the code under test. The 2026 changes:

- Europe/Berlin: CET+1 -> CEST+2 on 29 Mar at 02:00 (01:00 UTC); back on 25 Oct at 03:00
  (01:00 UTC).
- America/New_York: EST-5 -> EDT-4 on 8 Mar at 02:00 (07:00 UTC); back on 1 Nov at 02:00
  (06:00 UTC).
- Australia/Sydney: AEDT+11 -> AEST+10 on 5 Apr at 03:00 (4 Apr 16:00 UTC); back to AEDT on
  4 Oct at 02:00 (3 Oct 16:00 UTC).
- Pacific/Chatham: +13:45 -> +12:45 on 5 Apr at 03:45 (4 Apr 14:00 UTC); back on 27 Sep at 02:45
  (26 Sep 14:00 UTC).
- Australia/Lord_Howe (30-minute shift): +11 -> +10:30 on 5 Apr at 02:00 (4 Apr 15:00 UTC); back on
  4 Oct at 02:00 (3 Oct 15:30 UTC).
- Asia/Kolkata (+5:30) and UTC have no changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.reminders.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    WEEKENDS,
    Fire,
    days_mask,
    is_allowed,
    next_fire,
    relative_day,
    skip_next,
    snooze,
    wall_time_to_utc,
    weekdays_of,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
KOLKATA = "Asia/Kolkata"
CHATHAM = "Pacific/Chatham"
LORD_HOWE = "Australia/Lord_Howe"
ZONES = [BERLIN, NEW_YORK, SYDNEY, KOLKATA, CHATHAM, LORD_HOWE, "UTC"]

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
BEDTIME = time(21, 30)


def u(text: str) -> datetime:
    """An aware UTC instant from "YYYY-MM-DD HH:MM", so the tables read like the tz data."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def d(month: int, day: int) -> date:
    """A 2026 date, to keep the tables short."""
    return date(2026, month, day)


# --- weekday masks -------------------------------------------------------------------------------


def test_mask_constants() -> None:
    assert weekdays_of(EVERY_DAY) == (MON, TUE, WED, THU, FRI, SAT, SUN)
    assert weekdays_of(WEEKDAYS) == (MON, TUE, WED, THU, FRI)
    assert weekdays_of(WEEKENDS) == (SAT, SUN)
    assert WEEKDAYS | WEEKENDS == EVERY_DAY
    assert WEEKDAYS & WEEKENDS == 0


@pytest.mark.parametrize(
    ("weekdays", "mask"),
    [
        pytest.param([], 0, id="none"),
        pytest.param([MON], 0b1, id="monday"),
        pytest.param([SUN], 0b1000000, id="sunday"),
        pytest.param([FRI, MON, FRI], 0b10001, id="unsorted-with-duplicates"),
        pytest.param(range(7), 127, id="all"),
    ],
)
def test_days_mask(weekdays: list[int], mask: int) -> None:
    assert days_mask(weekdays) == mask


def test_days_mask_and_weekdays_of_are_inverse_for_every_mask() -> None:
    for mask in range(128):
        assert days_mask(weekdays_of(mask)) == mask
        assert list(weekdays_of(mask)) == sorted(weekdays_of(mask))


def test_is_allowed() -> None:
    assert is_allowed(WEEKDAYS, FRI)
    assert not is_allowed(WEEKDAYS, SAT)
    assert is_allowed(days_mask([WED]), WED)
    assert not is_allowed(days_mask([WED]), THU)
    assert not is_allowed(0, MON)


# --- ordinary nights on both sides of each DST change --------------------------------------------

# (zone, first night, its fire at 21:30 local in UTC, the next night's fire in UTC).
# Across a change the UTC instant moves by the DST amount so that the wall clock stays at 21:30.
ORDINARY_NIGHTS = [
    pytest.param(
        BERLIN, d(3, 28), u("2026-03-28 20:30"), u("2026-03-29 19:30"), id="Berlin-spring"
    ),
    pytest.param(
        BERLIN, d(10, 24), u("2026-10-24 19:30"), u("2026-10-25 20:30"), id="Berlin-autumn"
    ),
    pytest.param(
        NEW_YORK, d(3, 7), u("2026-03-08 02:30"), u("2026-03-09 01:30"), id="NewYork-spring"
    ),
    pytest.param(
        NEW_YORK, d(10, 31), u("2026-11-01 01:30"), u("2026-11-02 02:30"), id="NewYork-autumn"
    ),
    pytest.param(SYDNEY, d(4, 4), u("2026-04-04 10:30"), u("2026-04-05 11:30"), id="Sydney-april"),
    pytest.param(
        SYDNEY, d(10, 3), u("2026-10-03 11:30"), u("2026-10-04 10:30"), id="Sydney-october"
    ),
    pytest.param(
        CHATHAM, d(4, 4), u("2026-04-04 07:45"), u("2026-04-05 08:45"), id="Chatham-april"
    ),
    pytest.param(
        CHATHAM, d(9, 26), u("2026-09-26 08:45"), u("2026-09-27 07:45"), id="Chatham-september"
    ),
    pytest.param(
        LORD_HOWE, d(4, 4), u("2026-04-04 10:30"), u("2026-04-05 11:00"), id="LordHowe-april"
    ),
    pytest.param(
        LORD_HOWE, d(10, 3), u("2026-10-03 11:00"), u("2026-10-04 10:30"), id="LordHowe-october"
    ),
    pytest.param(
        KOLKATA, d(3, 28), u("2026-03-28 16:00"), u("2026-03-29 16:00"), id="Kolkata-march"
    ),
    pytest.param(
        KOLKATA, d(10, 24), u("2026-10-24 16:00"), u("2026-10-25 16:00"), id="Kolkata-october"
    ),
    pytest.param("UTC", d(3, 28), u("2026-03-28 21:30"), u("2026-03-29 21:30"), id="UTC-march"),
    pytest.param("UTC", d(10, 24), u("2026-10-24 21:30"), u("2026-10-25 21:30"), id="UTC-october"),
]


@pytest.mark.parametrize(("zone_name", "night", "first", "second"), ORDINARY_NIGHTS)
def test_ordinary_nights_keep_the_wall_clock_time_across_dst(
    zone_name: str, night: date, first: datetime, second: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    tomorrow = night + timedelta(days=1)

    assert wall_time_to_utc(night, BEDTIME, zone) == first
    assert wall_time_to_utc(tomorrow, BEDTIME, zone) == second
    assert next_fire(BEDTIME, zone, EVERY_DAY, after=first - timedelta(hours=6)) == Fire(
        night, first
    )
    # What the dispatcher does after sending: the following night, at 21:30 local again.
    following = next_fire(BEDTIME, zone, EVERY_DAY, after=first, last_sent=night)
    assert following == Fire(tomorrow, second)
    assert following.at.astimezone(zone).time() == BEDTIME


# --- a nonexistent local time on the spring-forward day ------------------------------------------

# (zone, day, requested wall time, fire in UTC = the first valid minute after the gap,
#  the following night's fire in UTC, which is at the requested time again).
SPRING_GAPS = [
    pytest.param(
        BERLIN,
        d(3, 29),
        time(2, 30),
        u("2026-03-29 01:00"),
        u("2026-03-30 00:30"),
        id="Berlin-02:30->03:00",
    ),
    pytest.param(
        BERLIN,
        d(3, 29),
        time(2, 0),
        u("2026-03-29 01:00"),
        u("2026-03-30 00:00"),
        id="Berlin-02:00->03:00",
    ),
    pytest.param(
        BERLIN,
        d(3, 29),
        time(2, 59),
        u("2026-03-29 01:00"),
        u("2026-03-30 00:59"),
        id="Berlin-02:59->03:00",
    ),
    pytest.param(
        NEW_YORK,
        d(3, 8),
        time(2, 30),
        u("2026-03-08 07:00"),
        u("2026-03-09 06:30"),
        id="NewYork-02:30->03:00",
    ),
    pytest.param(
        SYDNEY,
        d(10, 4),
        time(2, 30),
        u("2026-10-03 16:00"),
        u("2026-10-04 15:30"),
        id="Sydney-02:30->03:00",
    ),
    pytest.param(
        CHATHAM,
        d(9, 27),
        time(3, 0),
        u("2026-09-26 14:00"),
        u("2026-09-27 13:15"),
        id="Chatham-03:00->03:45",
    ),
    pytest.param(
        CHATHAM,
        d(9, 27),
        time(2, 45),
        u("2026-09-26 14:00"),
        u("2026-09-27 13:00"),
        id="Chatham-02:45->03:45",
    ),
    pytest.param(
        LORD_HOWE,
        d(10, 4),
        time(2, 15),
        u("2026-10-03 15:30"),
        u("2026-10-04 15:15"),
        id="LordHowe-02:15->02:30",
    ),
]


@pytest.mark.parametrize(("zone_name", "day", "at", "fire", "next_night"), SPRING_GAPS)
def test_nonexistent_time_fires_at_the_first_valid_minute_after_the_gap(
    zone_name: str, day: date, at: time, fire: datetime, next_night: datetime
) -> None:
    zone = ZoneInfo(zone_name)

    assert wall_time_to_utc(day, at, zone) == fire
    assert next_fire(at, zone, EVERY_DAY, after=fire - timedelta(hours=2)) == Fire(day, fire)
    assert next_fire(at, zone, EVERY_DAY, after=fire, last_sent=day) == Fire(
        day + timedelta(days=1), next_night
    )


@pytest.mark.parametrize(
    ("zone_name", "day", "at", "expected"),
    [
        pytest.param(
            BERLIN, d(3, 29), time(1, 59), u("2026-03-29 00:59"), id="Berlin-minute-before-gap"
        ),
        pytest.param(BERLIN, d(3, 29), time(3, 0), u("2026-03-29 01:00"), id="Berlin-end-of-gap"),
        pytest.param(
            CHATHAM, d(9, 27), time(2, 44), u("2026-09-26 13:59"), id="Chatham-minute-before-gap"
        ),
        pytest.param(
            LORD_HOWE, d(10, 4), time(2, 30), u("2026-10-03 15:30"), id="LordHowe-end-of-gap"
        ),
        pytest.param(
            KOLKATA, d(6, 8), time(0, 30), u("2026-06-07 19:00"), id="Kolkata-half-hour-offset"
        ),
    ],
)
def test_wall_time_to_utc_at_the_edges_of_a_gap(
    zone_name: str, day: date, at: time, expected: datetime
) -> None:
    result = wall_time_to_utc(day, at, ZoneInfo(zone_name))
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_a_local_day_swallowed_by_a_gap_is_skipped() -> None:
    """Samoa jumped the date line: 30 Dec 2011 never happened in Pacific/Apia (-10 -> +14)."""
    apia = ZoneInfo("Pacific/Apia")
    # The first valid minute after 21:30 on the missing day is midnight of the 31st.
    assert wall_time_to_utc(date(2011, 12, 30), BEDTIME, apia) == u("2011-12-30 10:00")

    sent = next_fire(BEDTIME, apia, EVERY_DAY, after=u("2011-12-29 12:00"))
    assert sent == Fire(date(2011, 12, 29), u("2011-12-30 07:30"))
    # No midnight reminder for the missing night followed by another one that same evening.
    following = next_fire(BEDTIME, apia, EVERY_DAY, after=sent.at, last_sent=sent.local_date)
    assert following == Fire(date(2011, 12, 31), u("2011-12-31 07:30"))


# --- a repeated local time on the fall-back day --------------------------------------------------

# (zone, day, requested wall time, first occurrence in UTC, second occurrence in UTC (never used),
#  the following night's fire in UTC).
FALL_BACK_OVERLAPS = [
    pytest.param(
        BERLIN,
        d(10, 25),
        time(2, 30),
        u("2026-10-25 00:30"),
        u("2026-10-25 01:30"),
        u("2026-10-26 01:30"),
        id="Berlin-02:30",
    ),
    pytest.param(
        NEW_YORK,
        d(11, 1),
        time(1, 30),
        u("2026-11-01 05:30"),
        u("2026-11-01 06:30"),
        u("2026-11-02 06:30"),
        id="NewYork-01:30",
    ),
    pytest.param(
        SYDNEY,
        d(4, 5),
        time(2, 30),
        u("2026-04-04 15:30"),
        u("2026-04-04 16:30"),
        u("2026-04-05 16:30"),
        id="Sydney-02:30",
    ),
    pytest.param(
        CHATHAM,
        d(4, 5),
        time(3, 0),
        u("2026-04-04 13:15"),
        u("2026-04-04 14:15"),
        u("2026-04-05 14:15"),
        id="Chatham-03:00",
    ),
    pytest.param(
        LORD_HOWE,
        d(4, 5),
        time(1, 45),
        u("2026-04-04 14:45"),
        u("2026-04-04 15:15"),
        u("2026-04-05 15:15"),
        id="LordHowe-01:45",
    ),
]


@pytest.mark.parametrize(
    ("zone_name", "day", "at", "first", "second", "next_night"), FALL_BACK_OVERLAPS
)
def test_repeated_time_fires_once_at_the_first_occurrence(
    zone_name: str, day: date, at: time, first: datetime, second: datetime, next_night: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    tomorrow = Fire(day + timedelta(days=1), next_night)

    assert wall_time_to_utc(day, at, zone) == first
    # A time(..., fold=1) must not smuggle in the second occurrence.
    assert wall_time_to_utc(day, at.replace(fold=1), zone) == first
    assert next_fire(at, zone, EVERY_DAY, after=first - timedelta(minutes=1)) == Fire(day, first)
    # After sending the first occurrence, the next one is tomorrow, never `second`.
    assert next_fire(at, zone, EVERY_DAY, after=first, last_sent=day) == tomorrow
    # Even a dispatcher that lost last_sent, waking up between the two occurrences, skips `second`.
    assert next_fire(at, zone, EVERY_DAY, after=first) == tomorrow
    assert next_fire(at, zone, EVERY_DAY, after=second - timedelta(seconds=1)) == tomorrow


# --- days-of-week filters, judged in local time --------------------------------------------------

WEEKDAY_FILTERS = [
    pytest.param(
        BERLIN,
        BEDTIME,
        WEEKDAYS,
        u("2026-03-27 21:00"),
        d(3, 30),
        u("2026-03-30 19:30"),
        id="weekdays-Berlin-friday-late-skips-weekend-and-dst",
    ),
    pytest.param(
        BERLIN,
        BEDTIME,
        WEEKDAYS,
        u("2026-03-27 12:00"),
        d(3, 27),
        u("2026-03-27 20:30"),
        id="weekdays-Berlin-friday-noon-fires-tonight",
    ),
    pytest.param(
        NEW_YORK,
        BEDTIME,
        WEEKENDS,
        u("2026-06-08 12:00"),
        d(6, 13),
        u("2026-06-14 01:30"),
        id="weekends-NewYork-monday-waits-for-saturday",
    ),
    pytest.param(
        SYDNEY,
        BEDTIME,
        1 << WED,
        u("2026-06-10 12:00"),
        d(6, 17),
        u("2026-06-17 11:30"),
        id="wednesday-only-Sydney-just-missed",
    ),
    pytest.param(
        CHATHAM,
        BEDTIME,
        1 << SAT,
        u("2026-06-08 00:00"),
        d(6, 13),
        u("2026-06-13 08:45"),
        id="saturday-only-Chatham",
    ),
    # 00:30 on Monday in Kolkata is still Sunday 19:00 in UTC: the local weekday decides.
    pytest.param(
        KOLKATA,
        time(0, 30),
        1 << MON,
        u("2026-06-07 18:00"),
        d(6, 8),
        u("2026-06-07 19:00"),
        id="monday-only-Kolkata-fires-on-utc-sunday",
    ),
    pytest.param(
        "UTC",
        time(0, 30),
        1 << MON,
        u("2026-06-07 18:00"),
        d(6, 8),
        u("2026-06-08 00:30"),
        id="monday-only-UTC",
    ),
    pytest.param(
        KOLKATA,
        time(0, 30),
        1 << SUN,
        u("2026-06-07 00:00"),
        d(6, 14),
        u("2026-06-13 19:00"),
        id="sunday-only-Kolkata-fires-on-utc-saturday",
    ),
]


@pytest.mark.parametrize(("zone_name", "at", "days", "after", "night", "expected"), WEEKDAY_FILTERS)
def test_weekday_filter_uses_the_local_date(
    zone_name: str, at: time, days: int, after: datetime, night: date, expected: datetime
) -> None:
    fire = next_fire(at, ZoneInfo(zone_name), days, after=after)
    assert fire == Fire(night, expected)
    assert is_allowed(days, fire.local_date.weekday())


# --- strictly later than `after` -----------------------------------------------------------------

# (zone, 21:30 local on Wed 10 Jun 2026 in UTC, 21:30 local on Thu 11 Jun in UTC)
JUNE_NIGHTS = [
    pytest.param(BERLIN, u("2026-06-10 19:30"), u("2026-06-11 19:30"), id="Berlin"),
    pytest.param(NEW_YORK, u("2026-06-11 01:30"), u("2026-06-12 01:30"), id="NewYork"),
    pytest.param(SYDNEY, u("2026-06-10 11:30"), u("2026-06-11 11:30"), id="Sydney"),
    pytest.param(KOLKATA, u("2026-06-10 16:00"), u("2026-06-11 16:00"), id="Kolkata"),
    pytest.param(CHATHAM, u("2026-06-10 08:45"), u("2026-06-11 08:45"), id="Chatham"),
    pytest.param(LORD_HOWE, u("2026-06-10 11:00"), u("2026-06-11 11:00"), id="LordHowe"),
    pytest.param("UTC", u("2026-06-10 21:30"), u("2026-06-11 21:30"), id="UTC"),
]


@pytest.mark.parametrize(("zone_name", "today", "tomorrow"), JUNE_NIGHTS)
def test_after_equal_to_the_fire_time_means_tomorrow(
    zone_name: str, today: datetime, tomorrow: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    assert next_fire(BEDTIME, zone, EVERY_DAY, after=today) == Fire(d(6, 11), tomorrow)
    assert next_fire(BEDTIME, zone, EVERY_DAY, after=today - timedelta(seconds=1)) == Fire(
        d(6, 10), today
    )


@pytest.mark.parametrize(("zone_name", "today", "tomorrow"), JUNE_NIGHTS)
def test_after_may_be_given_in_any_zone(
    zone_name: str, today: datetime, tomorrow: datetime
) -> None:
    """The same instant written in Tokyo time must give the same answer as in UTC."""
    zone = ZoneInfo(zone_name)
    in_tokyo = (today - timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert next_fire(BEDTIME, zone, EVERY_DAY, after=in_tokyo) == Fire(d(6, 10), today)


# --- at most one reminder per local night --------------------------------------------------------


def test_last_sent_today_moves_to_tomorrow_even_if_the_new_time_is_still_ahead() -> None:
    """Sent at 21:30, then the user moves the reminder to 22:30 at 21:45 the same evening."""
    berlin = ZoneInfo(BERLIN)
    after = u("2026-06-10 19:45")  # 21:45 CEST
    later = time(22, 30)

    assert next_fire(later, berlin, EVERY_DAY, after=after) == Fire(d(6, 10), u("2026-06-10 20:30"))
    assert next_fire(later, berlin, EVERY_DAY, after=after, last_sent=d(6, 10)) == Fire(
        d(6, 11), u("2026-06-11 20:30")
    )
    # An older last_sent changes nothing.
    assert next_fire(later, berlin, EVERY_DAY, after=after, last_sent=d(6, 9)) == Fire(
        d(6, 10), u("2026-06-10 20:30")
    )


def test_last_sent_today_with_a_weekday_filter_goes_to_the_next_allowed_night() -> None:
    berlin = ZoneInfo(BERLIN)
    friday_evening = u("2026-06-12 18:00")  # Fri 20:00 CEST, tonight's 21:30 still ahead
    fire = next_fire(BEDTIME, berlin, WEEKDAYS, after=friday_evening, last_sent=d(6, 12))
    assert fire == Fire(d(6, 15), u("2026-06-15 19:30"))


def test_travelling_west_does_not_repeat_tonight() -> None:
    """Reminded at 21:30 in Berlin, then switched to New York, where it is only 15:31."""
    after = u("2026-06-10 19:31")
    new_york = ZoneInfo(NEW_YORK)

    # Without last_sent New York's 21:30 tonight would ring a second time...
    assert next_fire(BEDTIME, new_york, EVERY_DAY, after=after) == Fire(
        d(6, 10), u("2026-06-11 01:30")
    )
    # ...but the Berlin night was 10 June, so the next reminder is tomorrow evening in New York.
    assert next_fire(BEDTIME, new_york, EVERY_DAY, after=after, last_sent=d(6, 10)) == Fire(
        d(6, 11), u("2026-06-12 01:30")
    )


def test_travelling_east_gets_the_next_night() -> None:
    """Reminded at 21:30 in New York (10 June), then switched to Berlin: 03:31 on 11 June."""
    after = u("2026-06-11 01:31")
    fire = next_fire(BEDTIME, ZoneInfo(BERLIN), EVERY_DAY, after=after, last_sent=d(6, 10))
    assert fire == Fire(d(6, 11), u("2026-06-11 19:30"))


# --- skip and snooze -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "after", "last_sent", "expected"),
    [
        pytest.param(
            EVERY_DAY,
            u("2026-06-10 12:00"),
            None,
            Fire(d(6, 11), u("2026-06-11 19:30")),
            id="skip-tonight",
        ),
        pytest.param(
            WEEKDAYS,
            u("2026-06-12 12:00"),
            None,
            Fire(d(6, 15), u("2026-06-15 19:30")),
            id="skip-friday-to-monday",
        ),
        pytest.param(
            EVERY_DAY,
            u("2026-06-10 19:45"),
            d(6, 10),
            Fire(d(6, 12), u("2026-06-12 19:30")),
            id="already-sent-skips-tomorrow",
        ),
        pytest.param(
            EVERY_DAY,
            u("2026-03-28 12:00"),
            None,
            Fire(d(3, 29), u("2026-03-29 19:30")),
            id="skip-into-summer-time",
        ),
    ],
)
def test_skip_next(days: int, after: datetime, last_sent: date | None, expected: Fire) -> None:
    berlin = ZoneInfo(BERLIN)
    assert skip_next(BEDTIME, berlin, days, after=after, last_sent=last_sent) == expected


def test_skip_next_result_stays_put_once_the_skipped_night_is_recorded() -> None:
    berlin = ZoneInfo(BERLIN)
    after = u("2026-06-10 12:00")
    skipped = next_fire(BEDTIME, berlin, EVERY_DAY, after=after)
    planned = skip_next(BEDTIME, berlin, EVERY_DAY, after=after)
    assert (
        next_fire(BEDTIME, berlin, EVERY_DAY, after=after, last_sent=skipped.local_date) == planned
    )


@pytest.mark.parametrize(
    ("now", "minutes", "expected"),
    [
        pytest.param(u("2026-06-10 19:30"), 30, u("2026-06-10 20:00"), id="half-an-hour"),
        pytest.param(u("2026-06-10 23:50"), 15, u("2026-06-11 00:05"), id="across-utc-midnight"),
        # 01:45 CET + 30 min of real time is 03:15 CEST (01:15 UTC), not the nonexistent 02:15.
        pytest.param(
            datetime(2026, 3, 29, 1, 45, tzinfo=ZoneInfo(BERLIN)),
            30,
            u("2026-03-29 01:15"),
            id="Berlin-spring-gap",
        ),
        # 02:45 CEST (first pass) + 30 min is 02:15 CET: still 30 minutes of real time.
        pytest.param(
            datetime(2026, 10, 25, 2, 45, tzinfo=ZoneInfo(BERLIN)),
            30,
            u("2026-10-25 01:15"),
            id="Berlin-autumn-overlap",
        ),
    ],
)
def test_snooze(now: datetime, minutes: int, expected: datetime) -> None:
    result = snooze(now, minutes)
    assert result == expected
    assert result.tzinfo is UTC


def test_snooze_defaults_to_half_an_hour() -> None:
    assert snooze(u("2026-06-10 19:30")) == u("2026-06-10 20:00")


# --- wording -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_date", "today", "expected"),
    [
        pytest.param(d(6, 10), d(6, 10), "today", id="today"),
        pytest.param(d(6, 11), d(6, 10), "tomorrow", id="tomorrow"),
        pytest.param(d(6, 12), d(6, 10), "later", id="day-after-tomorrow"),
        pytest.param(date(2027, 1, 1), date(2026, 12, 31), "tomorrow", id="over-new-year"),
        pytest.param(d(6, 17), d(6, 10), "later", id="next-week"),
    ],
)
def test_relative_day(local_date: date, today: date, expected: str) -> None:
    assert relative_day(local_date, today) == expected


def test_relative_day_words_a_fire_from_next_fire() -> None:
    berlin = ZoneInfo(BERLIN)
    now = u("2026-06-10 12:00")
    today = now.astimezone(berlin).date()
    tonight = next_fire(BEDTIME, berlin, EVERY_DAY, after=now)
    assert relative_day(tonight.local_date, today) == "today"
    assert relative_day(skip_next(BEDTIME, berlin, EVERY_DAY, after=now).local_date, today) == (
        "tomorrow"
    )
    friday_only = next_fire(BEDTIME, berlin, 1 << FRI, after=now)
    assert relative_day(friday_only.local_date, today) == "later"


# --- validation ----------------------------------------------------------------------------------

BERLIN_ZONE = ZoneInfo(BERLIN)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: next_fire(BEDTIME, BERLIN_ZONE, EVERY_DAY, after=datetime(2026, 6, 10, 12)),
            id="naive-after",
        ),
        pytest.param(
            lambda: skip_next(BEDTIME, BERLIN_ZONE, EVERY_DAY, after=datetime(2026, 6, 10, 12)),
            id="naive-after-skip",
        ),
        pytest.param(
            lambda: next_fire(BEDTIME, BERLIN_ZONE, 0, after=u("2026-06-10 00:00")), id="days-0"
        ),
        pytest.param(
            lambda: next_fire(BEDTIME, BERLIN_ZONE, 128, after=u("2026-06-10 00:00")), id="days-128"
        ),
        pytest.param(
            lambda: next_fire(BEDTIME, BERLIN_ZONE, -1, after=u("2026-06-10 00:00")),
            id="days-negative",
        ),
        pytest.param(
            lambda: next_fire(
                time(21, 30, tzinfo=UTC), BERLIN_ZONE, EVERY_DAY, after=u("2026-06-10 00:00")
            ),
            id="aware-wall-time",
        ),
        pytest.param(
            lambda: next_fire(
                time(21, 30, 15), BERLIN_ZONE, EVERY_DAY, after=u("2026-06-10 00:00")
            ),
            id="seconds-in-wall-time",
        ),
        pytest.param(
            lambda: wall_time_to_utc(d(6, 10), time(21, 30, 0, 1), BERLIN_ZONE),
            id="microseconds-in-wall-time",
        ),
        pytest.param(lambda: days_mask([7]), id="weekday-7"),
        pytest.param(lambda: days_mask([MON, -1]), id="weekday-negative"),
        pytest.param(lambda: days_mask([True]), id="weekday-bool"),
        pytest.param(lambda: weekdays_of(128), id="weekdays_of-128"),
        pytest.param(lambda: is_allowed(EVERY_DAY, 7), id="is_allowed-weekday-7"),
        pytest.param(lambda: is_allowed(256, MON), id="is_allowed-days-256"),
        pytest.param(lambda: snooze(datetime(2026, 6, 10, 12)), id="snooze-naive"),
        pytest.param(lambda: snooze(u("2026-06-10 00:00"), 0), id="snooze-zero"),
        pytest.param(lambda: snooze(u("2026-06-10 00:00"), -5), id="snooze-negative"),
        pytest.param(lambda: relative_day(d(6, 9), d(6, 10)), id="relative_day-in-the-past"),
        pytest.param(lambda: Fire(d(6, 10), datetime(2026, 6, 10, 19, 30)), id="Fire-naive"),
        pytest.param(
            lambda: Fire(d(6, 10), datetime(2026, 6, 10, 21, 30, tzinfo=BERLIN_ZONE)),
            id="Fire-not-utc",
        ),
    ],
)
def test_invalid_input_is_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


# --- the clock is never read ---------------------------------------------------------------------


def test_results_depend_only_on_after_not_on_the_real_clock() -> None:
    berlin = ZoneInfo(BERLIN)
    after = u("2026-06-10 12:00")
    expected = Fire(d(6, 10), u("2026-06-10 19:30"))
    for frozen in (u("2026-06-11 23:00"), u("1999-01-01 00:00"), u("2040-03-25 01:30")):
        with time_machine.travel(frozen, tick=False):
            assert next_fire(BEDTIME, berlin, EVERY_DAY, after=after) == expected
            assert skip_next(BEDTIME, berlin, EVERY_DAY, after=after).at == u("2026-06-11 19:30")
            assert snooze(after) == u("2026-06-10 12:30")


# --- property-style: a whole year, every zone ----------------------------------------------------

PROPERTY_TIMES = [
    time(0, 30),
    time(1, 45),
    time(2, 15),
    time(2, 30),
    time(3, 0),
    time(21, 30),
    time(23, 59),
]
# (mask, the weekdays it should allow, stated independently of the mask helpers)
PROPERTY_MASKS = [
    (EVERY_DAY, set(range(7))),
    (WEEKDAYS, {MON, TUE, WED, THU, FRI}),
    (1 << SUN, {SUN}),
]
YEAR_2026 = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]


@pytest.mark.parametrize("at", PROPERTY_TIMES, ids=lambda at: at.strftime("%H:%M"))
@pytest.mark.parametrize("zone_name", ZONES)
def test_a_year_of_reminders(zone_name: str, at: time) -> None:
    """Chaining next_fire as the dispatcher does yields exactly one fire per allowed local date of
    2026, each at the requested wall-clock time when that exists (the first occurrence when it
    exists twice) and otherwise at the first minute after the gap."""
    zone = ZoneInfo(zone_name)
    for days, allowed in PROPERTY_MASKS:
        after = u("2025-12-30 00:00")
        last_sent: date | None = date(2025, 12, 31)
        seen: list[date] = []
        while True:
            fire = next_fire(at, zone, days, after=after, last_sent=last_sent)
            # Losing last_sent must not change the chain either: the fire is strictly after `after`
            # and a repeated hour is never used twice.
            if last_sent != date(2025, 12, 31):
                assert next_fire(at, zone, days, after=after) == fire
            if fire.local_date.year > 2026:
                break
            assert fire.at > after
            assert fire.at.utcoffset() == timedelta(0)
            local = fire.at.astimezone(zone)
            assert local.date() == fire.local_date
            assert fire.local_date.weekday() in allowed

            # PEP 495: the two folds disagree only in a gap (fold 0 offset smaller) or an overlap.
            wall = datetime.combine(fire.local_date, at)
            offset_first = wall.replace(tzinfo=zone, fold=0).utcoffset()
            offset_second = wall.replace(tzinfo=zone, fold=1).utcoffset()
            assert offset_first is not None and offset_second is not None
            if offset_first >= offset_second:  # the time exists (once, or twice: first one)
                assert local.replace(tzinfo=None) == wall
                assert fire.at == (wall - offset_first).replace(tzinfo=UTC)
            else:  # in the gap: fire at the first minute after it
                assert local.replace(tzinfo=None) > wall
                minute_before = (fire.at - timedelta(minutes=1)).astimezone(zone)
                assert minute_before.replace(tzinfo=None) < wall

            seen.append(fire.local_date)
            after, last_sent = fire.at, fire.local_date

        expected = [day for day in YEAR_2026 if day.weekday() in allowed]
        assert seen == expected
