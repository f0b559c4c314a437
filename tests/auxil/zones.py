"""One zone book for the whole test session: loading it reads the map and city data (about a
second), which every test that builds a coach would otherwise repeat."""

from __future__ import annotations

from functools import cache

from bot.reminders.zone_data import load_zone_book
from bot.reminders.zones import ZoneBook


@cache
def zone_book() -> ZoneBook:
    """The session's book, loaded on first use (tests only: the bot loads it at start-up)."""
    return load_zone_book()
