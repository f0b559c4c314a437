"""How people name their time zone, turned into one IANA zone name (or a short list to pick from).

Telegram never tells a bot where its user is, so the bot asks once and accepts whatever is easiest
to type: an IANA name, ``UTC``, a city, a UTC offset, the time on their clock, or a shared location.
Whatever comes in, what goes out is a real *location* zone from the tz database (``Asia/Kolkata``,
never ``Etc/GMT-5`` or ``+05:30``), or ``UTC`` when the user asked for exactly that: a fixed offset
would silently be an hour off after the next daylight-saving change.

The look-ups are methods of a :class:`ZoneBook`, which holds the data they need: the tz database's
zones and names, a city index and a location finder. The book is built once at start-up by
``bot.reminders.zone_data.load_zone_book`` (it reads files for about a second, so a runtime does
that in a worker thread) and handed to the coach; nothing here reads a file or keeps a global.
Everything is pure given its arguments: the current instant is always passed in as ``now`` (aware;
a naive value is refused, as the storage layer does, because it could be local time).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from bot.reminders.zone_names import zone_label

__all__ = [
    "COMMON_ZONES",
    "MAX_CANDIDATES",
    "UTC_ZONE",
    "LocationFinder",
    "Place",
    "ZoneBook",
    "ZoneMatch",
    "city_key",
    "name_key",
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

UTC_ZONE = "UTC"
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


def city_key(text: str) -> str:
    """A city name as a look-up key: folded and without spaces, underscores, hyphens or
    punctuation, so ``New York``, ``new_york``, ``New-York`` and ``newyork`` are one key."""
    return _NON_WORD.sub("", _fold(text))


def name_key(name: str) -> str:
    """A tz database name as a look-up key: folded, without spaces, underscores, hyphens,
    apostrophes or dots (``america/new york`` meets ``America/New_York``)."""
    return _NAME_NOISE.sub("", _fold(name))


# (weight, canonical zone): the population, or a fraction of it for an alternate-name match
Place = tuple[int, str]


class LocationFinder(Protocol):
    """What the book needs of ``timezonefinder.TimezoneFinder``: a zone name for coordinates."""

    def timezone_at(self, *, lng: float, lat: float) -> str | None: ...


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise ValueError(f"naive datetime {now.isoformat()} given as now; pass an aware datetime")
    return now.astimezone(UTC)


_COMMON_RANK: Mapping[str, int] = {zone: rank for rank, zone in enumerate(COMMON_ZONES)}


def _rank(zone: str) -> tuple[int, str]:
    return _COMMON_RANK.get(zone, len(COMMON_ZONES)), zone


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


@dataclass(frozen=True, slots=True, eq=False)
class ZoneBook:
    """The zones people may name and where to find them, loaded once; the look-ups are methods.

    Not safe to share between threads: ``timezonefinder`` instances are not, and the bot calls
    the book from the coach on the event loop's thread only.
    """

    #: The location zones handed out (``UTC`` aside), each loaded once: zoneinfo's own cache holds
    #: only a few zones strongly, and offset look-ups walk all ~420 of them.
    zones: Mapping[str, zoneinfo.ZoneInfo]
    #: :func:`name_key` of an IANA name (canonical or legacy link) -> canonical zone
    by_name: Mapping[str, str]
    #: :func:`city_key` of a city in a zone's name, e.g. "newyork" -> ("America/New_York",)
    by_city: Mapping[str, tuple[str, ...]]
    #: :func:`city_key` of a city of 15 000+ people -> its places, largest first
    cities: Mapping[str, tuple[Place, ...]]
    #: Coordinates -> tz database name (``timezonefinder``), offline.
    finder: LocationFinder

    # -- public API -------------------------------------------------------------------------------
    def find_zone(self, text: str, now: datetime) -> ZoneMatch:
        """Understand what a user typed when asked for their time zone.

        Accepted, in this order: ``UTC`` (also ``GMT``, ``Z``, ``Etc/UTC``...) which gives
        ``UTC``; a UTC offset with a sign (``UTC+5:30``, ``GMT-3``, ``+1``, ``utc -8``,
        ``UTC−5``, ``UTC+0530``), answered with the location zones that have that offset at
        ``now``; an IANA name in any case, legacy names mapped to their current zone
        (``asia/calcutta`` -> ``Asia/Kolkata``); a city named in a zone (``new york``,
        ``São Paulo``); any other city of 15 000+ people (``Munich`` -> ``Europe/Berlin``), in
        any of the bot's languages (``Москва``, ``Nova York``, ``Казань``); and, if
        all that fails, the part before a comma (``Portland, Oregon``). Offsets must be on a
        quarter hour within -12:00..+14:00.
        """
        now = _utc(now)
        if len(text) > _MAX_INPUT_CHARS:
            return ZoneMatch(None)
        cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
        if not cleaned:
            return ZoneMatch(None)
        folded = cleaned.casefold()
        if folded in _UTC_WORDS:
            return ZoneMatch(UTC_ZONE)
        is_offset, offset = _parse_offset(folded)
        if is_offset:
            if offset is None:
                return ZoneMatch(None)
            return _match_from(self._zones_with_offsets((offset,), now))
        match = self._find_named(cleaned)
        if match.zone is None and not match.candidates and "," in cleaned:
            head = cleaned.split(",", 1)[0].strip()
            if head:
                match = self._find_named(head)
        return match

    def zones_for_local_time(self, local: time, now: datetime) -> tuple[str, ...]:
        """Zones where the clock shows ``local`` at ``now``, for users who answer "what time is it
        for you?" rather than name a place.

        The difference is rounded to the nearest 15 minutes (people glance at a clock; every
        offset in use is a multiple of 15 minutes) and taken modulo a day into -12:00..+14:00.
        Where that range overlaps itself (a clock reading can mean -11:00 or +13:00) both are
        offered. At most :data:`MAX_CANDIDATES` zones, one per distinct behaviour, most common
        first; empty if none.
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
        return self._zones_with_offsets(offsets, now)[:MAX_CANDIDATES]

    def zone_at(self, latitude: float, longitude: float) -> str | None:
        """The zone of a shared location, looked up offline with ``timezonefinder``.

        ``None`` for coordinates outside the globe (or not finite) and for the open sea, where
        timezonefinder answers a fixed-offset ``Etc/GMT±N`` zone we must never store.
        """
        try:
            latitude, longitude = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        try:
            found = self.finder.timezone_at(lng=longitude, lat=latitude)
        except ValueError:
            return None
        if not isinstance(found, str) or found.startswith("Etc/"):
            return None
        zone = self.canonical(found)
        return None if zone == UTC_ZONE else zone

    def is_valid_zone(self, name: str) -> bool:
        """True when ``name`` is exactly a zone the book hands out: a canonical location zone
        zoneinfo can load, or ``UTC``. Legacy spellings (``Asia/Calcutta``) and fixed offsets
        (``Etc/GMT-5``) are False: :meth:`find_zone` accepts them as input but never returns
        them."""
        return name == UTC_ZONE or name in self.zones

    def zone_label(self, zone: str, language: str | None) -> str:
        """How to show ``zone`` to a person who reads ``language`` (a chat's language code):
        the city in their language (``Москва``, ``Nueva York``), in English the tz database name
        with spaces (``America/New York``). See :mod:`bot.reminders.zone_names`."""
        return zone_label(zone, language)

    # -- the parts -------------------------------------------------------------------------------
    def canonical(self, name: str) -> str | None:
        """The location zone (or ``UTC``) a tz database name stands for, exactly as spelled."""
        if name.casefold() in _UTC_WORDS:
            return UTC_ZONE
        if name in self.zones:
            return name
        return self.by_name.get(name_key(name))

    def _offset_minutes(self, zone: str, now: datetime) -> int:
        offset = now.astimezone(self.zones[zone]).utcoffset()
        assert offset is not None  # a ZoneInfo always knows its offset for an aware instant
        return round(offset.total_seconds() / 60)

    def _fingerprint(self, zone: str, now: datetime) -> tuple[int, ...]:
        """The zone's offset every two weeks for the coming year: zones with equal fingerprints
        keep the same time all year (sampling every two weeks still sees a month-long Ramadan
        switch). Computed per look-up, not at load: "the coming year" moves with ``now``."""
        weeks = range(0, 54, 2)
        return tuple(self._offset_minutes(zone, now + timedelta(weeks=week)) for week in weeks)

    def _zones_with_offsets(self, offsets: Iterable[int], now: datetime) -> tuple[str, ...]:
        """Location zones whose offset at ``now`` is one of ``offsets``, ordered for buttons.

        First the most common zone of each distinct behaviour (zones that will keep different
        time later in the year, e.g. Lagos and Berlin at UTC+1 in January), then the remaining
        zones, each part most common first; so even when six same-rule zones would fill the
        buttons, a user whose country changes its clocks differently still finds one. Antarctic
        stations are left out: nobody reaches them by typing an offset, and they would crowd the
        buttons.
        """
        wanted = set(offsets)
        matching = sorted(
            (
                zone
                for zone in self.zones
                if not zone.startswith("Antarctica/") and self._offset_minutes(zone, now) in wanted
            ),
            key=_rank,
        )
        seen: set[tuple[int, ...]] = set()
        distinct: list[str] = []
        others: list[str] = []
        for zone in matching:
            fingerprint = self._fingerprint(zone, now)
            if fingerprint in seen:
                others.append(zone)
            else:
                seen.add(fingerprint)
                distinct.append(zone)
        return (*distinct, *others)

    def _match_places(self, places: Iterable[Place]) -> ZoneMatch:
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

    def _find_named(self, text: str) -> ZoneMatch:
        named = self.by_name.get(name_key(text))
        if named is not None:
            return ZoneMatch(named)
        key = city_key(text)
        if not key:
            return ZoneMatch(None)
        zones = self.by_city.get(key)
        if zones:
            return _match_from(tuple(sorted(zones, key=_rank)))
        return self._match_places(self.cities.get(key, ()))
