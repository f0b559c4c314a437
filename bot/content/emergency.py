"""Which number to call: the emergency and urgent lines of the country a time zone belongs to.

"Call emergency services" is no help to someone frightened at night; a number is. The numbers
live in `content/emergency_numbers.yaml`, each with its source. A time zone names no country by
itself, so the zone-to-country table that `tzdata` ships (`zone.tab`, plus the link names in
`tzdata.zi`, such as Asia/Calcutta for Asia/Kolkata) is read once, at start-up, with the rest of
the content: the coach only looks things up and never reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NumberSource(_Frozen):
    organisation: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://\S+$")


class UrgentLine(_Frozen):
    """A national line for urgent problems that are not emergencies (NHS 111, 116117)."""

    number: str = Field(pattern=r"^[0-9 ]{2,12}$")
    name: str = Field(min_length=1, max_length=80)


class CountryNumbers(_Frozen):
    emergency: str = Field(pattern=r"^[0-9]{2,4}$")
    urgent: UrgentLine | None = None
    source: str


class NoZone(_Frozen):
    """What to say when the person's time zone, and so their country, is unknown."""

    mobile: str = Field(pattern=r"^[0-9]{2,4}$")
    source: str | None = None


class EmergencyFile(_Frozen):
    sources: dict[str, NumberSource] = Field(min_length=1)
    countries: dict[str, CountryNumbers] = Field(min_length=40)
    no_zone: NoZone


@dataclass(frozen=True, slots=True)
class LocalNumbers:
    """The numbers for one person's country, with its name in each of the bot's languages."""

    country: str  # ISO 3166-1 alpha-2
    names: Mapping[str, str]
    emergency: str
    urgent: UrgentLine | None
    source: NumberSource

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.country


@dataclass(frozen=True, slots=True)
class EmergencyNumbers:
    """Country numbers, and the zone-to-country table they are found through."""

    by_country: Mapping[str, LocalNumbers]
    zone_country: Mapping[str, str]
    mobile_fallback: str

    def for_zone(self, zone: str | None) -> LocalNumbers | None:
        """The numbers for the country of `zone`; None for no zone, UTC, or a country not listed."""
        if not zone:
            return None
        country = self.zone_country.get(zone)
        return self.by_country.get(country) if country else None


def zone_countries() -> dict[str, str]:
    """IANA zone name -> ISO country code, from the tables `tzdata` ships; links included."""
    folder = resources.files("tzdata") / "zoneinfo"
    table: dict[str, str] = {}
    for line in (folder / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_ = line.split("\t")
            table[zone] = country
    for line in (folder / "tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("L "):
            _, target, link = line.split()
            if target in table and link not in table:
                table[link] = table[target]
    return table


def _country_names(country: str, languages: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for language in languages:
        try:
            name = Locale.parse(language.replace("-", "_")).territories.get(country)
        except (UnknownLocaleError, ValueError):
            name = None
        if name:
            names[language] = name
    return names


def build(parsed: EmergencyFile, languages: Iterable[str]) -> EmergencyNumbers:
    """Check every entry names a known source and a real country; attach localized names."""
    languages = tuple(languages)
    by_country: dict[str, LocalNumbers] = {}
    for country, numbers in parsed.countries.items():
        if numbers.source not in parsed.sources:
            raise ValueError(f"countries.{country}.source: unknown source {numbers.source!r}")
        names = _country_names(country, languages)
        if not names:
            raise ValueError(f"countries.{country}: not a country code Babel knows")
        by_country[country] = LocalNumbers(
            country=country,
            names=MappingProxyType(names),
            emergency=numbers.emergency,
            urgent=numbers.urgent,
            source=parsed.sources[numbers.source],
        )
    if parsed.no_zone.source is not None and parsed.no_zone.source not in parsed.sources:
        raise ValueError(f"no_zone.source: unknown source {parsed.no_zone.source!r}")
    return EmergencyNumbers(
        by_country=MappingProxyType(by_country),
        zone_country=MappingProxyType(zone_countries()),
        mobile_fallback=parsed.no_zone.mobile,
    )
