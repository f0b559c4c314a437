"""A local stand-in for the Telegram Bot API, for crampcoach's end-to-end tests and benchmarks.

Why this exists: the bot must be exercised end to end (python-telegram-bot's real HTTP stack,
real update parsing, real error classes) without a network, a real token or Telegram's rate
limits. A mock of ``telegram.Bot`` would only prove that the bot calls the mock the way the mock
expects; this server instead answers the way Telegram answers, including Telegram's *rejections*,
so a test can assert that the bot never sends a request real Telegram would refuse
(see :attr:`FakeBotApi.rejected`).

The validation rules and error descriptions follow the real Bot API (tdlib's ``MessageEntity.cpp``
HTML/MarkdownV2 parsers, ``BotCommand.cpp`` and error texts captured from live calls). Where the
stand-in is deliberately *stricter* than Telegram it says so in the description:

* a bare ``&`` (or an unknown entity such as ``&nbsp;``) in HTML text: Telegram shows it literally,
  the Bot API documentation says it must be escaped; ``strict_html=False`` restores the lenient
  behaviour;
* an inline button with more than one action field: Telegram silently picks one.

All public methods must be called from the event loop that runs the server (pytest-asyncio's
loop); nothing here is thread-safe, and nothing needs to be.

The modules: `server` (:class:`FakeBotApi`, the aiohttp server and every method handler),
`entities` (UTF-16 lengths and the HTML/Markdown parsers), `params` (reading and checking
request parameters and reply markup), `state` (error answers and the server's internal records),
`records` (what tests read back), `webhook` (webhook delivery: after setWebhook the stand-in
POSTs updates to the bot as Telegram does), `images` (image sniffing for upload sizes) and
`constants` (limits, method names and Telegram's error descriptions).
"""

from __future__ import annotations

from tools.botapi_standin.constants import DEFAULT_TOKEN
from tools.botapi_standin.entities import (
    EntityParseError,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)
from tools.botapi_standin.records import BotMessage, EditRecord, RecordedRequest, UploadedFile
from tools.botapi_standin.server import FakeBotApi
from tools.botapi_standin.webhook import SECRET_HEADER, WebhookConfig, WebhookPost

__all__ = [
    "DEFAULT_TOKEN",
    "SECRET_HEADER",
    "BotMessage",
    "EditRecord",
    "EntityParseError",
    "FakeBotApi",
    "RecordedRequest",
    "UploadedFile",
    "WebhookConfig",
    "WebhookPost",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]
