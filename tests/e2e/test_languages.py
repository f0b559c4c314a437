"""Five languages end to end: the real PTB Application, over HTTP, against the stand-in.

Every update carries the person's Telegram language_code, as Telegram sends it, so these
tests press buttons with the same code they wrote with.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.coach import COMMANDS
from bot.content import Content
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import next_message, settle, texts
from tools.botapi_standin import FakeBotApi

CHAT = 515151


def _plain(text: str) -> str:
    """A catalog text as the app shows it: the HTML tags gone, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def _say(api: FakeBotApi, text: str, code: str, expect: int = 1) -> list[Any]:
    before = len(api.messages(CHAT))
    api.push_text(CHAT, text, language_code=code)
    return (await api.wait_for_messages(CHAT, before + expect))[before:]


async def _press(api: FakeBotApi, code: str, *, label: str = "", verb: str = "") -> None:
    """Press the newest button with this label, or whose callback data ends in `verb`."""
    for message in reversed(api.messages(CHAT)):
        for text, data in message.buttons:
            if data is not None and (text == label if label else data.endswith(verb)):
                before = len(api.messages(CHAT))
                query = api.push_callback(
                    CHAT, data, message_id=message.message_id, language_code=code
                )
                await api.wait_for_callback_answer(query)
                await api.wait_for_messages(CHAT, before + 1)
                return
    raise AssertionError(f"no button {label or verb!r}; sent: {texts(api, CHAT)}")


async def test_a_spanish_calf_routine_in_bed(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    es = content.localized("es")
    catalog = es.catalog("es")
    (welcome,) = await _say(api, "/start", "es")
    assert _plain(catalog.text("welcome")) in welcome.content
    assert _plain(catalog.text("ask_area")) in welcome.content
    await _press(api, "es", label=catalog.button("area_calf"))
    await _press(api, "es", label=catalog.button("pos_bed"))
    step = await settle(api, CHAT)
    first = es.routine_for("relief", "calf", "bed").exercises[0]
    assert es.exercise(first).name in step.content
    assert step.buttons[0][0] == catalog.button("next")

    manual = _plain(catalog.text("hint.manual"))
    feeling = _plain(catalog.text("ask_feeling"))
    for _ in range(80):
        last = await settle(api, CHAT)
        data = [data or "" for _, data in last.buttons]
        if feeling in (last.content or ""):
            await _press(api, "es", verb=".f.gone")
        elif manual in (last.content or "") and any(d.endswith(".n") for d in data):
            await _press(api, "es", verb=".n")
        elif any(d.endswith(".n") for d in data):
            await next_message(api, CHAT)
        else:
            break
    said = "\n".join(texts(api, CHAT))
    wrapup = _plain(catalog.text("wrapup.gone"))
    assert wrapup in said
    english = content.catalog("en")
    for key in ("welcome", "ask_feeling", "better_next"):
        assert _plain(english.text(key)) not in said
    assert api.rejected == []


async def test_a_german_help_after_language(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    (ask,) = await _say(api, "/language", "en")
    assert [label for label, _ in ask.buttons] == [
        "English",
        "Español",
        "Deutsch",
        "Русский",
        "Português (Brasil)",
    ]
    await _press(api, "en", label="Deutsch")
    de = content.catalog("de")
    assert api.messages(CHAT)[-1].content == _plain(de.text("language.chosen"))
    (help_text, *_) = await _say(api, "/help", "en")
    assert help_text.content.startswith(_plain(de.text("help")))
    assert "/language" in help_text.content


async def test_a_russian_start(api: FakeBotApi, bot: RunningBot, content: Content) -> None:
    ru = content.catalog("ru")
    (welcome,) = await _say(api, "/start", "ru")
    assert _plain(ru.text("welcome")) in welcome.content
    assert [label for label, _ in welcome.buttons][2] == ru.button("area_calf")


async def test_an_unsupported_language_is_english(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    (welcome,) = await _say(api, "/start", "ja")
    assert _plain(content.catalog("en").text("welcome")) in welcome.content


async def test_the_command_menu_in_each_language(
    api: FakeBotApi, bot: RunningBot, content: Content
) -> None:
    for language, code in (("en", ""), ("es", "es"), ("de", "de"), ("ru", "ru"), ("pt-BR", "pt")):
        assert api.commands_for(code) == list(COMMANDS), language
        catalog = content.catalog(language)
        assert api.descriptions_for(code) == [catalog.commands[name] for name in COMMANDS]
    assert api.descriptions_for("de")[COMMANDS.index("language")] == "Sprache ändern"


async def test_the_stand_in_takes_two_letter_codes_only(api: FakeBotApi, bot: RunningBot) -> None:
    """As Telegram: setMyCommands' language_code is ISO 639-1, so "pt-BR" is refused."""
    async with Bot(token=api.token, base_url=api.base_url) as ptb:
        with pytest.raises(BadRequest, match=r"(?i)invalid language code"):
            await ptb.set_my_commands([], language_code="pt-BR")
        assert await ptb.set_my_commands([], language_code="pt")
