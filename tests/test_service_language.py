"""The language chosen with /language, through the service: stored, used, exported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import Attach, Coach, Command, Event, Result, Say
from bot.coach.events import ButtonPress
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.service import ChatService
from bot.storage import User
from tests.auxil.clock import ShiftedClock
from tests.auxil.zones import zone_book

Factory = async_sessionmaker[AsyncSession]
USER = 778


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture
def service(content: Content, session_factory: Factory) -> ChatService:
    return ChatService(Coach(content, zones=zone_book()), session_factory, clock=ShiftedClock())


async def _send(service: ChatService, event: Event, language: str | None = "de") -> Result:
    return await service.handle(USER, event, user_id=USER, language=language)


def _text(result: Result) -> str:
    return "\n".join(a.text for a in result.outbox if isinstance(a, Say))


async def test_a_chosen_language_is_stored_and_wins_over_telegram(
    service: ChatService, session_factory: Factory, content: Content
) -> None:
    de, es = content.catalog("de"), content.catalog("es")
    shown = await _send(service, Command("help"))
    assert _text(shown).startswith(de.text("help"))  # Telegram's language first

    shown = await _send(service, Command("language"))
    [ask] = [a for a in shown.outbox if isinstance(a, Say)]
    [spanish] = [b for row in ask.buttons for b in row if b.label == "Español"]
    chosen = await _send(service, ButtonPress(spanish.data))
    assert _text(chosen) == es.text("language.chosen")
    async with session_factory() as session:
        user = await session.get(User, USER)
        assert user is not None
        assert (user.language, user.chosen_language) == ("de", "es")

    # The app still says German; the person said Spanish.
    assert _text(await _send(service, Command("help"))).startswith(es.text("help"))
    assert _text(await _send(service, Command("help"), None)).startswith(es.text("help"))

    export = await _send(service, Command("export"))
    [document] = [a for a in export.outbox if isinstance(a, Attach)]
    [row] = json.loads(document.data)["tables"]["users"]
    assert row["chosen_language"] == "es"
    assert row["language"] == "de"
