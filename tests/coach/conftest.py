"""Fixtures for the coach tests: the real content, loaded once, and a fresh chat per test."""

from __future__ import annotations

import pytest

from bot.coach import Coach
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Catalog, Content, load_content
from tests.auxil.coach_driver import CoachDriver
from tests.auxil.zones import zone_book


@pytest.fixture(scope="session")
def content() -> Content:
    """The repository's own `content/`, validated once per test session."""
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture(scope="session")
def en(content: Content) -> Catalog:
    return content.catalog("en")


@pytest.fixture
def coach(content: Content) -> Coach:
    """Real time: holds and check-ins last as long as they say."""
    return Coach(content, zones=zone_book(), time_scale=1.0)


@pytest.fixture
def driver(coach: Coach) -> CoachDriver:
    """A new chat; every state passes through the JSON row format, as in production."""
    return CoachDriver(coach, roundtrip=True)
