"""Tests of the Bot API stand-in itself (`tools/botapi_standin/`).

Why: every end-to-end test trusts the stand-in to behave like Telegram. These tests pin that
trust down twice over: with raw HTTP (what goes over the wire, byte for byte) and with a real
``telegram.Bot`` (proof that python-telegram-bot parses every answer and maps every error to the
exception class it would raise against real Telegram).
"""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
)
from telegram.constants import ChatMemberStatus, MessageEntityType
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from tools.botapi_standin import (
    FakeBotApi,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)

CHAT = 4242
OTHER_CHAT = 777
GROUP = -100500


def make_png(width: int, height: int) -> bytes:
    """A real (black) PNG, so the stand-in has genuine dimensions to read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_gif(width: int, height: int) -> bytes:
    """A minimal GIF89a (header, screen descriptor, trailer)."""
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b";"


KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes", callback_data="yes")],
        [InlineKeyboardButton("Docs", url="https://example.com/docs")],
    ]
)


@pytest.fixture
async def stand_in() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.register_chat(CHAT)
        yield api


@pytest.fixture
async def ptb(stand_in: FakeBotApi) -> AsyncIterator[Bot]:
    bot = Bot(stand_in.token, base_url=stand_in.base_url, base_file_url=stand_in.base_file_url)
    async with bot:
        yield bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call_raw(
    http: aiohttp.ClientSession,
    api: FakeBotApi,
    method: str,
    *,
    token: str | None = None,
    **kwargs: Any,
) -> tuple[int, dict[str, Any]]:
    """POST to the stand-in without PTB in between; returns (HTTP status, decoded body)."""
    url = f"{api.base_url}{token or api.token}/{method}"
    async with http.post(url, **kwargs) as response:
        return response.status, await response.json()


def ptb_message(description: str) -> str:
    """What PTB turns a Telegram description into (it strips "Bad Request: ", capitalizes)."""
    stripped = description.removeprefix("Bad Request: ")
    return stripped.capitalize() if stripped != description else description


# --------------------------------------------------------------------------- basics through PTB


async def test_get_me_through_ptb(stand_in: FakeBotApi, ptb: Bot) -> None:
    me = await ptb.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456,
        "crampcoach_test_bot",
        "crampcoach",
        True,
    )
    assert ptb.username == "crampcoach_test_bot"  # set by initialize(), i.e. PTB's own getMe
    assert [r.status for r in stand_in.calls("getMe")] == [200, 200]


async def test_send_message_round_trip_through_ptb(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.push_text(CHAT, "hi")  # the user's message takes id 1 in this chat
    sent = await ptb.send_message(
        CHAT, "Hello <b>there</b> &amp; you", parse_mode="HTML", reply_markup=KEYBOARD
    )

    assert sent.message_id == 2
    assert sent.text == "Hello there & you"
    assert sent.entities == (MessageEntity(MessageEntityType.BOLD, 6, 5),)
    assert sent.reply_markup == KEYBOARD
    assert sent.from_user is not None and sent.from_user.username == "crampcoach_test_bot"
    assert sent.chat.id == CHAT

    (stored,) = stand_in.messages(CHAT)
    assert (stored.kind, stored.text, stored.parse_mode) == ("text", "Hello there & you", "HTML")
    assert stored.source == "Hello <b>there</b> &amp; you"
    assert stored.buttons == [("Yes", "yes"), ("Docs", None)]
    # Without files PTB sends an urlencoded form; nested objects arrive as JSON strings and are
    # decoded by the stand-in.
    request = stand_in.requests[-1]
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.params["chat_id"] == str(CHAT)
    assert request.params["reply_markup"] == KEYBOARD.to_dict()

    stand_in.register_chat(OTHER_CHAT)
    assert (await ptb.send_message(OTHER_CHAT, "first")).message_id == 1  # ids are per chat
    assert stand_in.rejected == []


async def test_wrong_token_and_unknown_method(
    stand_in: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    assert await call_raw(http, stand_in, "GETME") == (200, {"ok": True, "result": ANY_DICT})
    assert await call_raw(http, stand_in, "getMe", token="999:nope") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await call_raw(http, stand_in, "sendTelepathy") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert [(r.method, r.status) for r in stand_in.rejected] == [
        ("getMe", 401),
        ("sendTelepathy", 404),
    ]

    impostor = Bot("999:nope", base_url=stand_in.base_url)
    with pytest.raises(InvalidToken):
        await impostor.initialize()
    await impostor.shutdown()


class _AnyDict:
    """Equal to any dict: lets a tuple comparison ignore a payload."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict)

    __hash__ = None  # type: ignore[assignment]


ANY_DICT = _AnyDict()


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
async def test_every_body_encoding_is_understood(
    stand_in: FakeBotApi, http: aiohttp.ClientSession, encoding: str
) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    fields = {"chat_id": str(CHAT), "text": "Hi *there*", "parse_mode": "MarkdownV2"}
    form_fields = {**fields, "reply_markup": json.dumps(markup)}
    kwargs: dict[str, Any]
    if encoding == "json":
        kwargs = {"json": {**fields, "chat_id": CHAT, "reply_markup": markup}}
        expected_type = "application/json"
    elif encoding == "form":
        kwargs = {"data": form_fields}
        expected_type = "application/x-www-form-urlencoded"
    elif encoding == "multipart":
        form = aiohttp.FormData(default_to_multipart=True)
        for name, value in form_fields.items():
            form.add_field(name, value)
        kwargs = {"data": form}
        expected_type = "multipart/form-data"
    else:
        kwargs = {"params": form_fields}
        expected_type = ""

    status, body = await call_raw(http, stand_in, "sendMessage", **kwargs)

    assert status == 200, body
    assert body["result"]["text"] == "Hi there"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 3, "length": 5}]
    assert body["result"]["reply_markup"] == markup
    request = stand_in.requests[-1]
    assert request.content_type == expected_type
    assert request.params["reply_markup"] == markup
    assert stand_in.messages(CHAT)[0].buttons == [("Go", "go")]


# --------------------------------------------------------------------------- validation


def _long_callback_keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Pick", callback_data=data)]])


BotCall = Callable[[Bot], Awaitable[object]]
TEXT_TOO_LONG = "Bad Request: message is too long"

REJECTED_CALLS: list[tuple[str, BotCall, str]] = [
    ("unknown chat", lambda b: b.send_message(999, "hi"), "Bad Request: chat not found"),
    ("empty text", lambda b: b.send_message(CHAT, ""), "Bad Request: message text is empty"),
    (
        "whitespace text",
        lambda b: b.send_message(CHAT, "  \n "),
        "Bad Request: text must be non-empty",
    ),
    (
        "empty after parsing",
        lambda b: b.send_message(CHAT, "<b> </b>", parse_mode="HTML"),
        "Bad Request: text must be non-empty",
    ),
    (
        "html unclosed tag",
        lambda b: b.send_message(CHAT, "<b>bold", parse_mode="HTML"),
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    ),
    (
        "html unsupported tag",
        lambda b: b.send_message(CHAT, "<foo>x</foo>", parse_mode="HTML"),
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    ),
    (
        "html offsets are utf-8 bytes",
        lambda b: b.send_message(CHAT, "Grüße <br>", parse_mode="HTML"),
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 8',
    ),
    (
        "html bare less-than",
        lambda b: b.send_message(CHAT, "1 < 2", parse_mode="HTML"),
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    ),
    (
        "html misnested",
        lambda b: b.send_message(CHAT, "<b><i>x</b></i>", parse_mode="HTML"),
        "Bad Request: can't parse entities: Unmatched end tag at byte offset 7, "
        'expected "</i>", found "</b>"',
    ),
    (
        "markdownv2 reserved dot",
        lambda b: b.send_message(CHAT, "Done.", parse_mode="MarkdownV2"),
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'",
    ),
    (
        "markdownv2 unclosed bold",
        lambda b: b.send_message(CHAT, "*bold", parse_mode="MarkdownV2"),
        "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    ),
    (
        "explicit entity past the end",
        lambda b: b.send_message(CHAT, "hello", entities=[MessageEntity("bold", 0, 100)]),
        "Bad Request: entity beginning at UTF-16 offset 0 ends after the end of the text at "
        "UTF-16 offset 100",
    ),
    (
        "legacy markdown unclosed",
        lambda b: b.send_message(CHAT, "a *b", parse_mode="Markdown"),
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2",
    ),
    (
        "unsupported parse mode",
        lambda b: b.send_message(CHAT, "x", parse_mode="Markdown3"),
        "Bad Request: unsupported parse_mode",
    ),
    ("text too long", lambda b: b.send_message(CHAT, "x" * 4097), TEXT_TOO_LONG),
    # 2049 characters, but 4098 UTF-16 code units: Telegram counts the latter.
    ("utf-16 length", lambda b: b.send_message(CHAT, "😀" * 2049), TEXT_TOO_LONG),
    (
        "callback data over 64 bytes",
        lambda b: b.send_message(CHAT, "x", reply_markup=_long_callback_keyboard("d" * 65)),
        "Bad Request: BUTTON_DATA_INVALID",
    ),
    (
        "callback data counted in bytes",
        lambda b: b.send_message(CHAT, "x", reply_markup=_long_callback_keyboard("é" * 33)),
        "Bad Request: BUTTON_DATA_INVALID",
    ),
    (
        "caption too long",
        lambda b: b.send_photo(CHAT, make_png(4, 4), caption="c" * 1025),
        "Bad Request: message caption is too long",
    ),
    (
        "unknown file id",
        lambda b: b.send_photo(CHAT, "AgACAgIAAxkBAAIdoesnotexist"),
        "Bad Request: wrong file identifier/HTTP URL specified",
    ),
    (
        "photo that is not an image",
        lambda b: b.send_photo(CHAT, b"just text"),
        "Bad Request: IMAGE_PROCESS_FAILED",
    ),
    (
        "edit unknown message",
        lambda b: b.edit_message_text("x", chat_id=CHAT, message_id=999),
        "Bad Request: message to edit not found",
    ),
    (
        "delete unknown message",
        lambda b: b.delete_message(CHAT, 999),
        "Bad Request: message to delete not found",
    ),
    (
        "unknown callback query",
        lambda b: b.answer_callback_query("123"),
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    ),
    (
        "command with capitals",
        lambda b: b.set_my_commands([BotCommand("Start", "Begin")]),
        "Bad Request: BOT_COMMAND_INVALID",
    ),
    (
        "command too long",
        lambda b: b.set_my_commands([BotCommand("c" * 33, "Begin")]),
        "Bad Request: command length must not exceed 32",
    ),
    (
        "empty command description",
        lambda b: b.set_my_commands([BotCommand("start", " ")]),
        "Bad Request: command description must be non-empty",
    ),
    (
        "too many commands",
        lambda b: b.set_my_commands([BotCommand(f"c{i}", "d") for i in range(101)]),
        "Bad Request: BOT_COMMANDS_TOO_MUCH",
    ),
    (
        "unknown chat action",
        lambda b: b.send_chat_action(CHAT, "dancing"),
        "Bad Request: wrong parameter action in request",
    ),
]


@pytest.mark.parametrize(
    ("call", "description"),
    [pytest.param(call, text, id=name) for name, call, text in REJECTED_CALLS],
)
async def test_invalid_calls_get_telegrams_error(
    stand_in: FakeBotApi, ptb: Bot, call: BotCall, description: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        await call(ptb)
    assert raised.value.message == ptb_message(description)
    (rejected,) = stand_in.rejected
    assert (rejected.status, rejected.description) == (400, description)
    assert rejected.response == {"ok": False, "error_code": 400, "description": description}
    assert stand_in.messages(CHAT) == []


async def test_limits_are_inclusive_and_counted_after_parsing(
    stand_in: FakeBotApi, ptb: Bot
) -> None:
    await ptb.send_message(CHAT, "x" * 4096)
    await ptb.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await ptb.send_message(CHAT, "😀" * 2048)
    await ptb.send_message(CHAT, "x", reply_markup=_long_callback_keyboard("d" * 64))
    await ptb.send_photo(CHAT, make_png(4, 4), caption="c" * 1024)
    await ptb.set_my_commands([BotCommand("c" * 32, "d" * 256)])
    assert len(stand_in.messages(CHAT)) == 5
    assert stand_in.rejected == []


async def test_missing_chat_id_and_bad_keyboards(
    stand_in: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    async def send(**payload: Any) -> str:
        status, body = await call_raw(http, stand_in, "sendMessage", json=payload)
        assert status == 400
        return str(body["description"])

    assert await send(text="hi") == "Bad Request: chat_id is empty"

    def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
        return {"chat_id": CHAT, "text": "x", "reply_markup": {"inline_keyboard": [buttons]}}

    unallowed = (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    assert await send(**keyboard({"text": "no action"})) == unallowed
    assert await send(**keyboard({"text": "empty data", "callback_data": ""})) == unallowed
    assert await send(**keyboard({"callback_data": "x"})) == (
        "Bad Request: can't parse inline keyboard button: Can't find field \"text\""
    )
    assert await send(**keyboard({"text": " ", "callback_data": "x"})) == (
        "Bad Request: BUTTON_TEXT_INVALID"
    )
    assert await send(**keyboard({"text": "l", "url": "not-a-url"})) == (
        "Bad Request: inline keyboard button URL 'not-a-url' is invalid: Wrong HTTP URL"
    )
    assert await send(chat_id=CHAT, text="x", reply_markup={"inline_keyboard": "no"}) == (
        'Bad Request: field "inline_keyboard" must be of type Array'
    )
    assert await send(chat_id=CHAT, text="x", reply_markup="{not json") == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )
    assert len(stand_in.rejected) == 8
    assert stand_in.messages(CHAT) == []


async def test_html_strictness_about_ampersands(stand_in: FakeBotApi, ptb: Bot) -> None:
    with pytest.raises(BadRequest):
        await ptb.send_message(CHAT, "Tom & Jerry", parse_mode="HTML")
    assert str(stand_in.rejected[-1].description).startswith(
        'Bad Request: can\'t parse entities: Unescaped "&" at byte offset 4'
    )
    async with FakeBotApi(strict_html=False) as lenient:
        lenient.register_chat(CHAT)
        async with Bot(lenient.token, base_url=lenient.base_url) as bot:
            sent = await bot.send_message(CHAT, "Tom & Jerry &nbsp;", parse_mode="HTML")
        assert sent.text == "Tom & Jerry &nbsp;"  # what Telegram itself does


def test_html_parser_builds_telegrams_entities() -> None:
    text, entities = parse_html(
        "&lt;b&gt; &quot;q&quot; &#128512; <a href='https://e.com'>e</a> "
        '<pre><code class="language-python">x=1</code></pre>'
        '<blockquote expandable>q</blockquote><span class="tg-spoiler">s</span>'
    )
    assert text == '<b> "q" 😀 e x=1qs'
    assert entities == [
        {"type": "text_link", "offset": 11, "length": 1, "url": "https://e.com"},
        {"type": "pre", "offset": 13, "length": 3, "language": "python"},
        {"type": "expandable_blockquote", "offset": 16, "length": 1},
        {"type": "spoiler", "offset": 17, "length": 1},
    ]
    assert utf16_len(text) == len(text) + 1  # the emoji is a surrogate pair


def test_markdown_v2_parser_pairs_markup() -> None:
    text, entities = parse_markdown_v2(
        "*b* _i_ __u__ ~s~ ||p|| [l](https://e.com) `c` ```py\nx```\n>quote\nend\\."
    )
    assert text == "b i u s p l c x\nquote\nend."
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "blockquote",
    ]
    assert entities[7] == {"type": "pre", "offset": 14, "length": 1, "language": "py"}


def test_legacy_markdown_parser() -> None:
    text, entities = parse_markdown("*b* _i_ [l](http://e.com) `c` \\*")
    assert text == "b i l c *"
    assert [e["type"] for e in entities] == ["bold", "italic", "text_link", "code"]


# --------------------------------------------------------------------------- editing, callbacks


async def test_edits_follow_telegrams_not_modified_rule(stand_in: FakeBotApi, ptb: Bot) -> None:
    sent = await ptb.send_message(CHAT, "Pick one", reply_markup=KEYBOARD)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_text(
            "Pick one", chat_id=CHAT, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    assert stand_in.rejected[-1].description == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )

    # Same text without reply_markup is a real change: Telegram drops the keyboard.
    edited = await ptb.edit_message_text("Pick one", chat_id=CHAT, message_id=sent.message_id)
    assert edited.edit_date is not None and edited.reply_markup is None
    (stored,) = stand_in.messages(CHAT)
    assert stored.buttons == [] and stored.edit_date is not None
    (edit,) = stand_in.edits
    assert (edit.method, edit.old_content, edit.new_content) == (
        "editMessageText",
        "Pick one",
        "Pick one",
    )
    assert edit.old_reply_markup == KEYBOARD.to_dict() and edit.new_reply_markup is None

    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)
    await ptb.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=KEYBOARD)
    assert stand_in.messages(CHAT)[0].buttons == [("Yes", "yes"), ("Docs", None)]

    assert await ptb.delete_message(CHAT, sent.message_id) is True
    assert stand_in.messages(CHAT)[0].deleted
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb.edit_message_text("again", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await ptb.delete_message(CHAT, sent.message_id)


async def test_callback_query_round_trip(stand_in: FakeBotApi, ptb: Bot) -> None:
    sent = await ptb.send_message(CHAT, "Pick one", reply_markup=KEYBOARD)
    query_id = stand_in.push_callback(CHAT, "yes")

    (update,) = await ptb.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "yes"
    assert query.from_user.id == CHAT
    assert query.message is not None and query.message.message_id == sent.message_id

    with pytest.raises(BadRequest, match="Message_too_long"):
        await ptb.answer_callback_query(query_id, text="x" * 201)
    assert await ptb.answer_callback_query(query_id, text="Noted") is True
    answer = await stand_in.wait_for_callback_answer(query_id)
    assert answer == {"callback_query_id": query_id, "text": "Noted"}
    with pytest.raises(BadRequest, match="Query is too old"):
        await ptb.answer_callback_query(query_id)

    with pytest.raises(ValueError, match="no button"):
        stand_in.push_callback(CHAT, "nope", require_button=True)


async def test_commands_are_stored_per_scope(stand_in: FakeBotApi, ptb: Bot) -> None:
    assert await ptb.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    assert stand_in.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "help", "description": "Help"},
    ]
    assert [c.command for c in await ptb.get_my_commands()] == ["start", "help"]
    assert await ptb.get_my_commands(language_code="de") == ()
    assert await ptb.delete_my_commands()
    assert stand_in.commands == [] and await ptb.get_my_commands() == ()


async def test_housekeeping_methods(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.push_text(CHAT, "queued while offline")
    assert (await ptb.get_webhook_info()).pending_update_count == 1
    assert await ptb.delete_webhook(drop_pending_updates=True) is True
    assert stand_in.pending_updates == []
    assert stand_in.requests[-1].response["description"] == "Webhook is already deleted"
    assert await ptb.send_chat_action(CHAT, "typing") is True
    assert stand_in.chat_actions == [(CHAT, "typing")]
    assert await ptb.log_out() is True
    assert await ptb.close() is True
    assert stand_in.rejected == []


# --------------------------------------------------------------------------- updates


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    stand_in: FakeBotApi, ptb: Bot
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(ptb.get_updates(timeout=5))
    await stand_in.wait_for_long_poll()
    started = loop.time()
    update_id = stand_in.push_text(CHAT, "/start now")
    (update,) = await poll
    assert loop.time() - started < 1.0
    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "/start now"
    assert update.message.entities == (MessageEntity(MessageEntityType.BOT_COMMAND, 0, 6),)
    await stand_in.wait_until_delivered(update_id)

    # Not confirmed yet, so it is offered again; an offset past it confirms it.
    assert [u.update_id for u in await ptb.get_updates()] == [update_id]
    assert await ptb.get_updates(offset=update_id + 1) == ()
    assert stand_in.pending_updates == []


async def test_long_poll_times_out_empty(stand_in: FakeBotApi, ptb: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await ptb.get_updates(timeout=timedelta(seconds=0.3)) == ()
    assert 0.25 <= loop.time() - started < 2.0
    assert stand_in.long_polls_waiting == 0


async def test_stop_releases_a_parked_long_poll(
    stand_in: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(call_raw(http, stand_in, "getUpdates", data={"timeout": "30"}))
    await stand_in.wait_for_long_poll()
    await stand_in.stop()
    async with asyncio.timeout(3):
        status, body = await poll
    assert (status, body) == (200, {"ok": True, "result": []})


async def test_allowed_updates_filter(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.push_my_chat_member(CHAT, "member", "kicked")
    text_id = stand_in.push_text(CHAT, "hello")
    updates = await ptb.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in updates] == [text_id]


async def test_pushed_updates_parse_in_ptb(
    stand_in: FakeBotApi, ptb: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # durations as timedelta, without warnings
    stand_in.push_sticker(CHAT, emoji="🦵")
    stand_in.push_photo(CHAT, caption="my calf", width=1600, height=1200)
    stand_in.push_voice(CHAT, duration=7)
    stand_in.push_document(CHAT, file_name="log.pdf")
    stand_in.push_location(CHAT, 48.1, 11.6)
    stand_in.push_group_text(GROUP, "/start@crampcoach_test_bot")
    for old, new in [("member", "administrator"), ("administrator", "restricted")]:
        stand_in.push_my_chat_member(GROUP, old, new)
    stand_in.push_my_chat_member(CHAT, "member", "kicked")

    updates = await ptb.get_updates()
    messages = [u.message for u in updates if u.message is not None]
    sticker, photo, voice, document, location, group_text = messages
    assert sticker.sticker is not None and sticker.sticker.emoji == "🦵"
    assert [(p.width, p.height) for p in photo.photo][-1] == (1600, 1200)
    assert photo.caption == "my calf"
    assert voice.voice is not None and voice.voice.duration == timedelta(seconds=7)
    assert document.document is not None and document.document.file_name == "log.pdf"
    assert location.location is not None and location.location.latitude == 48.1
    assert (group_text.chat.type, group_text.chat.id) == ("group", GROUP)
    assert group_text.from_user is not None and group_text.from_user.id == 1001
    assert group_text.entities[0].length == len("/start@crampcoach_test_bot")
    # Message ids are per chat and shared between the user and the bot.
    assert [m.message_id for m in messages] == [1, 2, 3, 4, 5, 1]

    members = [u.my_chat_member for u in updates if u.my_chat_member is not None]
    assert all(isinstance(m, ChatMemberUpdated) for m in members)
    assert [m.new_chat_member.status for m in members] == [
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.RESTRICTED,
        ChatMemberStatus.BANNED,
    ]
    # A private "kicked" means the user blocked the bot, with the consequence that has.
    with pytest.raises(Forbidden):
        await ptb.send_message(CHAT, "still there?")


async def test_replies_must_point_at_existing_messages(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.push_text(CHAT, "my question")
    reply = await ptb.send_message(CHAT, "answer", reply_to_message_id=1)
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "my question"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await ptb.send_message(CHAT, "answer", reply_to_message_id=99)
    sent = await ptb.send_message(
        CHAT, "answer", reply_to_message_id=99, allow_sending_without_reply=True
    )
    assert sent.reply_to_message is None


# --------------------------------------------------------------------------- files


async def test_photo_upload_returns_reusable_file_ids(stand_in: FakeBotApi, ptb: Bot) -> None:
    png = make_png(1000, 500)
    first = await ptb.send_photo(CHAT, png, caption="<i>stretch</i>", parse_mode="HTML")
    assert stand_in.requests[-1].content_type == "multipart/form-data"
    assert [(p.width, p.height) for p in first.photo] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1000, 500),
    ]
    assert first.caption == "stretch"
    assert first.caption_entities == (MessageEntity(MessageEntityType.ITALIC, 0, 7),)

    again = await ptb.send_photo(CHAT, first.photo[-1].file_id)
    thumb = await ptb.send_photo(CHAT, first.photo[0].file_id)
    assert stand_in.requests[-1].content_type == "application/x-www-form-urlencoded"
    assert [p.file_unique_id for p in again.photo] == [p.file_unique_id for p in first.photo]
    assert [p.file_id for p in thumb.photo] == [p.file_id for p in first.photo]
    assert [m.kind for m in stand_in.messages(CHAT)] == ["photo", "photo", "photo"]
    assert stand_in.messages(CHAT)[0].file_id == first.photo[-1].file_id

    downloaded = await (await ptb.get_file(first.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == png
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await ptb.send_document(CHAT, first.photo[-1].file_id)
    assert len(stand_in.rejected) == 1


async def test_document_and_animation_uploads(stand_in: FakeBotApi, ptb: Bot) -> None:
    document = await ptb.send_document(CHAT, b"hello", filename="notes.txt", caption="log")
    assert document.document is not None
    assert (document.document.file_name, document.document.mime_type) == (
        "notes.txt",
        "text/plain",
    )
    assert document.document.file_size == 5
    resent = await ptb.send_document(CHAT, document.document.file_id)
    assert resent.document is not None
    assert resent.document.file_unique_id == document.document.file_unique_id

    animation = await ptb.send_animation(CHAT, make_gif(40, 30), filename="stretch.gif")
    assert animation.animation is not None
    assert (animation.animation.width, animation.animation.height) == (40, 30)
    assert animation.animation.mime_type == "video/mp4"
    assert animation.document is not None  # Telegram sets both, for older clients
    assert [m.kind for m in stand_in.messages(CHAT)] == ["document", "document", "animation"]
    assert stand_in.rejected == []


# --------------------------------------------------------------------------- failures, blocking


async def test_injected_flood_wait(
    stand_in: FakeBotApi,
    ptb: Bot,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    stand_in.fail_next("SENDMESSAGE", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await ptb.send_message(CHAT, "hi")
    assert raised.value.retry_after == timedelta(seconds=3)

    stand_in.fail_next("sendMessage", status=429, retry_after=3)
    assert await call_raw(http, stand_in, "sendMessage", data={"chat_id": CHAT, "text": "hi"}) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert stand_in.messages(CHAT) == []
    assert stand_in.rejected == []
    assert [r.injected for r in stand_in.calls("sendMessage")] == [True, True]
    await ptb.send_message(CHAT, "hi")
    assert len(stand_in.messages(CHAT)) == 1


async def test_injected_server_errors_then_recovery(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await ptb.send_message(CHAT, "hi")
    await ptb.send_message(CHAT, "hi")
    assert [r.status for r in stand_in.calls("sendMessage")] == [502, 502, 200]
    assert [m.text for m in stand_in.messages(CHAT)] == ["hi"]
    assert stand_in.rejected == []


async def test_blocked_chats_answer_403(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.block_chat(CHAT)
    with pytest.raises(Forbidden) as raised:
        await ptb.send_message(CHAT, "hi")
    assert raised.value.message == "Forbidden: bot was blocked by the user"
    assert stand_in.requests[-1].response == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    stand_in.block_chat(GROUP)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await ptb.send_chat_action(GROUP, "typing")
    assert stand_in.rejected == []  # a user blocking the bot is not the bot's mistake

    stand_in.unblock_chat(CHAT)
    await ptb.send_message(CHAT, "welcome back")
    assert [m.text for m in stand_in.messages(CHAT)] == ["welcome back"]


# --------------------------------------------------------------------------- bookkeeping, waiting


async def test_rejected_lists_only_the_bots_mistakes(
    stand_in: FakeBotApi, ptb: Bot, http: aiohttp.ClientSession
) -> None:
    await ptb.send_message(CHAT, "fine")
    stand_in.assert_no_rejections()
    with pytest.raises(BadRequest):
        await ptb.send_message(CHAT, "bad.", parse_mode="MarkdownV2")
    stand_in.fail_next("sendMessage", status=400, description="Bad Request: injected")
    with pytest.raises(BadRequest):
        await ptb.send_message(CHAT, "injected")
    await call_raw(http, stand_in, "getMe", token="1:wrong")
    await call_raw(http, stand_in, "noSuchMethod")

    assert [(r.method, r.status) for r in stand_in.rejected] == [
        ("sendMessage", 400),
        ("getMe", 401),
        ("noSuchMethod", 404),
    ]
    assert stand_in.rejected[0].params["text"] == "bad."
    with pytest.raises(AssertionError, match="reserved and must be escaped"):
        stand_in.assert_no_rejections()


async def test_waiting_helpers_wake_on_events_and_explain_timeouts(
    stand_in: FakeBotApi, ptb: Bot
) -> None:
    waiter = asyncio.create_task(stand_in.wait_for_messages(CHAT, 2))
    mark = len(stand_in.requests)
    await ptb.send_message(CHAT, "one")
    await ptb.send_message(CHAT, "two")
    assert [m.text for m in await waiter] == ["one", "two"]
    request = await stand_in.wait_for_request(
        "sendmessage", lambda r: r.params.get("text") == "two", start=mark
    )
    assert request.ok

    with pytest.raises(BadRequest):
        await ptb.send_message(CHAT, "<b>oops", parse_mode="HTML")
    with pytest.raises(TimeoutError) as raised:
        await stand_in.wait_for_messages(CHAT, 3, timeout=0.05)
    dump = str(raised.value)
    assert "expected 3 bot message(s) in chat 4242" in dump
    assert "'two'" in dump
    assert 'start tag "b"' in dump  # the rejected request that explains the missing message
    with pytest.raises(TimeoutError, match="was not answered"):
        await stand_in.wait_for_callback_answer("nope", timeout=0.05)


# --------------------------------------------------------------------------- flood control


async def test_flood_limit_refuses_the_message_over_the_cap(
    stand_in: FakeBotApi, ptb: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the cap within one second: a 429 with retry_after, nothing delivered; answers to
    button presses are not messages and do not count."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    stand_in.flood_limit = 3
    seen: list[str] = []
    stand_in.listeners.append(lambda record: seen.append(f"{record.method}:{record.status}"))
    for number in range(3):
        await ptb.send_message(CHAT, f"message {number}")
    with pytest.raises(RetryAfter) as raised:
        await ptb.send_message(CHAT, "one too many")
    assert raised.value.retry_after == timedelta(seconds=1)
    assert [m.text for m in stand_in.messages(CHAT)] == ["message 0", "message 1", "message 2"]
    assert stand_in.flood_refusals == 1
    assert seen == ["sendMessage:200"] * 3 + ["sendMessage:429"]
    assert stand_in.rejected == []  # a flood refusal is Telegram's limit, not the bot's mistake


async def test_flood_limit_is_a_rolling_second(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.flood_limit = 2
    await ptb.send_message(CHAT, "a")
    await ptb.send_message(CHAT, "b")
    await asyncio.sleep(1.05)
    await ptb.send_message(CHAT, "c")
    assert stand_in.flood_refusals == 0


async def test_flood_limit_counts_bulk_messages_only(stand_in: FakeBotApi, ptb: Bot) -> None:
    """A chat that wrote to the bot lately gets its answers whatever the bulk count; paid
    broadcasts count against Telegram's paid limit instead."""
    stand_in.flood_limit = 1
    stand_in.register_chat(OTHER_CHAT)
    stand_in.push_text(OTHER_CHAT, "hello")
    await ptb.send_message(CHAT, "bulk")
    for number in range(3):
        await ptb.send_message(OTHER_CHAT, f"answer {number}")
    await ptb.send_message(CHAT, "paid", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await ptb.send_message(CHAT, "bulk again")
    assert stand_in.flood_refusals == 1


async def test_an_injected_failure_can_name_its_chat(stand_in: FakeBotApi, ptb: Bot) -> None:
    stand_in.register_chat(OTHER_CHAT)
    stand_in.fail_next("sendMessage", status=429, retry_after=5, chat_id=OTHER_CHAT)
    await ptb.send_message(CHAT, "through")
    with pytest.raises(RetryAfter):
        await ptb.send_message(OTHER_CHAT, "refused")
    await ptb.send_message(OTHER_CHAT, "through now")
    assert [m.text for m in stand_in.messages(OTHER_CHAT)] == ["through now"]
