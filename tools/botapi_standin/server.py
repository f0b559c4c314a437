"""The stand-in itself: an aiohttp server on 127.0.0.1 answering Bot API calls as Telegram does.

The package's docstring says what it checks, and where it is stricter than Telegram.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import mimetypes
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from tools.botapi_standin.constants import (
    _CHAT_ACTIONS,
    _DEFAULT_DESCRIPTIONS,
    _FILE_DIRS,
    _FILE_ID_PREFIX,
    _FILE_KIND_COMPAT,
    _JSON_PARAMS,
    _METHODS_BY_LOWER,
    _NOT_DELIVERED_BY_DEFAULT,
    _PHOTO_SIDES,
    _SENDING_METHODS,
    BLOCKED_BY_USER,
    BOT_COMMAND_INVALID,
    BOT_COMMANDS_TOO_MUCH,
    CALLBACK_ANSWER_TOO_LONG,
    CANT_PARSE_ENTITIES,
    CAPTION_TOO_LONG,
    CHAT_ID_EMPTY,
    CHAT_NOT_FOUND,
    DEFAULT_TOKEN,
    FILE_EMPTY,
    FILE_TYPE_MISMATCH,
    IMAGE_PROCESS_FAILED,
    INVALID_FILE_ID,
    KICKED_FROM_GROUP,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CAPTION_LENGTH,
    MAX_COMMAND_DESCRIPTION_LENGTH,
    MAX_COMMAND_LENGTH,
    MAX_COMMANDS,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    MESSAGE_CANT_BE_EDITED,
    MESSAGE_ID_NOT_SPECIFIED,
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    NO_CAPTION_TO_EDIT,
    NO_TEXT_TO_EDIT,
    NOT_FOUND,
    PAID_FLOOD_LIMIT,
    QUERY_TOO_OLD,
    REPLY_NOT_FOUND,
    TEXT_EMPTY,
    TEXT_MUST_BE_NON_EMPTY,
    TEXT_TOO_LONG,
    UNAUTHORIZED,
    UNSUPPORTED_PARSE_MODE,
    WRONG_CHAT_ACTION,
    WRONG_FILE_ID,
    JSONDict,
)
from tools.botapi_standin.entities import (
    EntityParseError,
    _trim,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)
from tools.botapi_standin.images import _image_format, _image_size
from tools.botapi_standin.params import (
    _markup_key,
    _param_bool,
    _param_int,
    _param_json,
    _param_str,
    _parse_reply_markup,
    _validate_explicit_entities,
)
from tools.botapi_standin.records import BotMessage, EditRecord, RecordedRequest, UploadedFile
from tools.botapi_standin.state import (
    _ApiError,
    _bad,
    _CallbackQuery,
    _Chat,
    _chat_member,
    _Failure,
    _StoredFile,
    _update_chat_id,
    _update_type,
    _WithDescription,
)
from tools.botapi_standin.webhook import (
    DEFAULT_MAX_CONNECTIONS,
    GET_UPDATES_CONFLICT,
    WebhookConfig,
    WebhookDelivery,
    WebhookPost,
    check_secret_token,
    check_webhook_url,
)

T = TypeVar("T")


class FakeBotApi:
    """An aiohttp server on 127.0.0.1 that answers Bot API calls the way Telegram does.

    Point PTB at it with ``Bot(api.token, base_url=api.base_url,
    base_file_url=api.base_file_url)`` (or the same on ``ApplicationBuilder``). Tests play the
    user with the ``push_*`` methods, read what the bot did with :meth:`messages`,
    :attr:`requests`, :attr:`edits`, :attr:`callback_answers`, and wait for it with the
    ``wait_for_*`` methods (event driven: they wake on every state change, never sleep-poll).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_id: int = 123456,
        username: str = "crampcoach_test_bot",
        first_name: str = "crampcoach",
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
        flood_limit: int | None = None,
        bulk_after: float = 300.0,
        webhook_retry_base: float = 0.05,
        webhook_retry_max: float = 2.0,
        webhook_timeout: float = 10.0,
    ) -> None:
        """``flood_limit``: at most this many *bulk* messages in any one second over all
        chats; the next gets a 429 with ``retry_after`` 1, as Telegram's flood control does.
        None: no limit. Bulk, as in Telegram's Bot FAQ, means a message to someone who has not
        written to the bot (no update from that chat) in the last ``bulk_after`` seconds; answers
        to people talking to the bot are not held to it. Messages sent with
        ``allow_paid_broadcast`` count against Telegram's paid limit (1,000 a second) instead.

        ``webhook_*``: once ``setWebhook`` is called, updates are POSTed to the bot
        (tools/botapi_standin/webhook.py); a failed post is retried after ``webhook_retry_base``
        seconds, doubling up to ``webhook_retry_max``; a post unanswered after
        ``webhook_timeout`` seconds has failed.
        """
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.strict_html = strict_html
        self.callback_query_timeout = callback_query_timeout
        self.flood_limit = flood_limit
        self.bulk_after = bulk_after
        # Messages refused by the flood limit (also recorded in `requests`, with status 429).
        self.flood_refusals = 0
        # Called with every request once it is answered (benchmarks time replies with this).
        self.listeners: list[Callable[[RecordedRequest], None]] = []
        self._recent_sends: deque[float] = deque()
        self._recent_paid: deque[float] = deque()
        # When each chat last wrote to the bot (an update from it was queued), monotonic.
        self._heard_from: dict[int, float] = {}

        self.requests: list[RecordedRequest] = []
        self.rejected: list[RecordedRequest] = []
        self.edits: list[EditRecord] = []
        self.deletions: list[tuple[int, int]] = []
        self.callback_answers: dict[str, JSONDict] = {}
        self.commands: list[JSONDict] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.updates: list[JSONDict] = []

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._stopping = False
        self._changed = asyncio.Event()
        self._chats: dict[int, _Chat] = {}
        self._messages: dict[int, list[BotMessage]] = {}
        self._by_id: dict[tuple[int, int], BotMessage] = {}
        self._user_messages: dict[tuple[int, int], JSONDict] = {}
        self._pending: list[JSONDict] = []
        self._delivered_update_ids: set[int] = set()
        self._next_update_id = 10_000
        self._poll_generation = 0
        self._polls_waiting = 0
        self._allowed_updates: list[str] | None = None
        self._failures: dict[str, deque[_Failure]] = {}
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._next_query_id = 4_242_000_000_000_000_000
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._commands_by_scope: dict[tuple[str, str], list[JSONDict]] = {}
        self._webhook = WebhookDelivery(
            pending=lambda: self._deliverable(len(self._pending)),
            delivered=self._webhook_delivered,
            changed=lambda: self._changed,
            notify=self._notify,
            retry_base=webhook_retry_base,
            retry_max=webhook_retry_max,
            timeout=webhook_timeout,
        )
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "logOut": lambda _params: True,
            "close": lambda _params: True,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": lambda params: self._send_media(params, "photo"),
            "sendAnimation": lambda params: self._send_media(params, "animation"),
            "sendDocument": lambda params: self._send_media(params, "document"),
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getFile": self._get_file,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind to a random free port on 127.0.0.1 and start answering."""
        if self._runner is not None:
            return
        self._stopping = False
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Release pending long polls (so PTB shuts down promptly) and close the server."""
        self._stopping = True
        self._notify()
        await self._webhook.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port; only valid after :meth:`start`."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` expects: it appends ``{token}/{method}`` itself."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What PTB's ``base_file_url`` expects for downloads via getFile's file_path."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's User object, as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ test controls

    def register_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        first_name: str = "Alex",
        title: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """Make a chat known (Telegram only lets a bot write to chats it has met).

        Pushing any update from a chat registers it too. Negative ids default to groups.
        """
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            if kind == "private" and chat_id <= 0:
                raise ValueError("private chat ids are positive (they are the user's id)")
            chat = _Chat(
                id=chat_id, type=kind, first_name=first_name, title=title, username=username
            )
            self._chats[chat_id] = chat
        return chat.to_json()

    def block_chat(self, chat_id: int) -> None:
        """From now on sends to this chat answer 403, as when the user blocks the bot.

        These 403s are a scenario, not a bot mistake, so they stay out of :attr:`rejected`.
        """
        self.register_chat(chat_id)
        chat = self._chats[chat_id]
        chat.blocked_reason = BLOCKED_BY_USER if chat.type == "private" else KICKED_FROM_GROUP

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        chat = self._chats.get(chat_id)
        if chat is not None:
            chat.blocked_reason = None

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error instead of running
        (with ``chat_id``: the next calls for that chat; calls for other chats go through).

        429 answers carry ``parameters.retry_after`` (default 1 s) and the description
        "Too Many Requests: retry after N"; other statuses default to the HTTP reason phrase
        ("Bad Gateway" for 502). Injected failures never deliver anything and are kept out of
        :attr:`rejected`.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        queue = self._failures.setdefault(method.lower(), deque())
        for _ in range(times):
            queue.append(_Failure(status, description, retry_after, chat_id))

    # ------------------------------------------------------------------ pushing updates

    def push_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` is assigned here) and wake long polls."""
        update_id = self._next_update_id
        self._next_update_id += 1
        full = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        chat_id = _update_chat_id(full)
        if chat_id is not None:
            self._heard_from[chat_id] = time.monotonic()
        self._pending.append(full)
        self.updates.append(full)
        self._notify()
        return update_id

    def _user(self, user_id: int, first_name: str, language_code: str | None = "en") -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _user_message(
        self,
        chat_id: int,
        *,
        user_id: int | None,
        first_name: str,
        language_code: str | None,
        chat_type: str | None,
        content: JSONDict,
    ) -> JSONDict:
        self.register_chat(chat_id, chat_type=chat_type, first_name=first_name)
        chat = self._chats[chat_id]
        if user_id is None:
            user_id = chat_id if chat.type == "private" else 1001
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message: JSONDict = {
            "message_id": message_id,
            "from": self._user(user_id, first_name, language_code),
            "chat": chat.to_json(),
            "date": int(time.time()),
            **content,
        }
        self._user_messages[(chat_id, message_id)] = message
        return message

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Alex",
        language_code: str = "en",
        chat_type: str = "private",
    ) -> int:
        """The user sends ``text``; a leading ``/command`` gets a bot_command entity.

        Returns the update id.
        """
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"offset": 0, "length": utf16_len(command), "type": "bot_command"}
            ]
        message = self._user_message(
            chat_id,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            content=content,
        )
        return self.push_update({"message": message})

    def push_group_text(
        self,
        group_chat_id: int,
        text: str,
        *,
        user_id: int = 1001,
        first_name: str = "Alex",
        language_code: str = "en",
    ) -> int:
        """A member of a group (negative id) writes ``text`` there."""
        if group_chat_id >= 0:
            raise ValueError("group chat ids are negative")
        return self.push_text(
            group_chat_id,
            text,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type="group",
        )

    def push_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int | None = None,
        user_id: int | None = None,
        first_name: str = "Alex",
        language_code: str = "en",
        require_button: bool = False,
    ) -> str:
        """The user presses an inline button; returns the callback query id.

        The button is on the bot message ``message_id`` (default: the bot's latest message in the
        chat), which is included in the update like Telegram does. Arbitrary ``data`` is allowed
        (a modified client can send anything, and bots must cope); pass ``require_button=True``
        to assert that ``data`` really belongs to one of the message's buttons.
        """
        if message_id is None:
            live = [m for m in self._messages.get(chat_id, []) if not m.deleted]
            if not live:
                raise LookupError(f"the bot has no message in chat {chat_id} to press a button on")
            message = live[-1]
        else:
            found = self._by_id.get((chat_id, message_id))
            if found is None or found.deleted:
                raise LookupError(f"no bot message {message_id} in chat {chat_id}")
            message = found
        if require_button and data not in {cb for _label, cb in message.buttons}:
            raise ValueError(
                f"message {message.message_id} has no button with callback_data {data!r}; "
                f"its buttons are {message.buttons!r}"
            )
        chat = self._chats[chat_id]
        if user_id is None:
            user_id = chat_id if chat.type == "private" else 1001
        query_id = str(self._next_query_id)
        self._next_query_id += 1
        self._callback_queries[query_id] = _CallbackQuery(
            query_id=query_id,
            chat_id=chat_id,
            message_id=message.message_id,
            data=data,
            created=time.monotonic(),
        )
        chat_instance = str(int(hashlib.sha256(f"{chat_id}".encode()).hexdigest()[:15], 16))
        self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id, first_name, language_code),
                    "message": message.raw,
                    "chat_instance": chat_instance,
                    "data": data,
                }
            }
        )
        return query_id

    def _user_file(self, kind: str, fields: JSONDict, content: bytes) -> JSONDict:
        stored = self._store_file(kind, content, fields)
        return {**stored.message_fields}

    def _push_content(
        self, chat_id: int, content: JSONDict, *, user_id: int | None, first_name: str
    ) -> int:
        """Queue a private message with this content from the chat's user."""
        message = self._user_message(
            chat_id,
            user_id=user_id,
            first_name=first_name,
            language_code="en",
            chat_type=None,
            content=content,
        )
        return self.push_update({"message": message})

    def push_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        set_name: str = "crampcoach_test",
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The user sends a (static WebP) sticker."""
        sticker = self._user_file(
            "sticker",
            {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "set_name": set_name,
            },
            b"RIFF\x00\x00\x00\x00WEBPVP8 fake sticker",
        )
        return self._push_content(
            chat_id, {"sticker": sticker}, user_id=user_id, first_name=first_name
        )

    def push_photo(
        self,
        chat_id: int,
        *,
        caption: str | None = None,
        width: int = 1280,
        height: int = 960,
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The user sends a photo (several PhotoSizes, like Telegram's thumbnails)."""
        sizes = self._photo_sizes(width, height, b"\xff\xd8\xff\xe0 fake jpeg")
        content: JSONDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._push_content(chat_id, content, user_id=user_id, first_name=first_name)

    def push_voice(
        self,
        chat_id: int,
        *,
        duration: int = 3,
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The user sends a voice note."""
        voice = self._user_file(
            "voice", {"duration": duration, "mime_type": "audio/ogg"}, b"OggS fake voice"
        )
        return self._push_content(chat_id, {"voice": voice}, user_id=user_id, first_name=first_name)

    def push_document(
        self,
        chat_id: int,
        *,
        file_name: str = "notes.pdf",
        mime_type: str = "application/pdf",
        content: bytes = b"%PDF-1.4 fake",
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The user sends a file."""
        document = self._user_file(
            "document", {"file_name": file_name, "mime_type": mime_type}, content
        )
        fields: JSONDict = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return self._push_content(chat_id, fields, user_id=user_id, first_name=first_name)

    def push_location(
        self,
        chat_id: int,
        latitude: float = 52.52,
        longitude: float = 13.405,
        *,
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The user shares a location."""
        return self._push_content(
            chat_id,
            {"location": {"latitude": latitude, "longitude": longitude}},
            user_id=user_id,
            first_name=first_name,
        )

    def push_my_chat_member(
        self,
        chat_id: int,
        old_status: str,
        new_status: str,
        *,
        user_id: int | None = None,
        first_name: str = "Alex",
    ) -> int:
        """The bot's membership changes (in private chats: the user blocks/unblocks the bot).

        Like Telegram, the change has consequences: ``kicked``/``left`` makes later sends to
        the chat answer 403, ``member``/``administrator`` lifts that.
        """
        self.register_chat(chat_id, first_name=first_name)
        chat = self._chats[chat_id]
        if user_id is None:
            user_id = chat_id if chat.type == "private" else 1001
        bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        update = {
            "my_chat_member": {
                "chat": chat.to_json(),
                "from": self._user(user_id, first_name),
                "date": int(time.time()),
                "old_chat_member": _chat_member(bot, old_status),
                "new_chat_member": _chat_member(bot, new_status),
            }
        }
        if new_status in ("kicked", "left"):
            self.block_chat(chat_id)
        elif new_status in ("member", "administrator", "creator"):
            self.unblock_chat(chat_id)
        return self.push_update(update)

    # ------------------------------------------------------------------ bookkeeping views

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[BotMessage]:
        """Bot messages delivered to ``chat_id``, oldest first, in their current state."""
        found = self._messages.get(chat_id, [])
        return list(found) if include_deleted else [m for m in found if not m.deleted]

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        """One delivered bot message (KeyError if there is none)."""
        return self._by_id[(chat_id, message_id)]

    def calls(self, method: str) -> list[RecordedRequest]:
        """Recorded calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [r for r in self.requests if r.method.lower() == wanted]

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates calls currently parked waiting for an update (0 or 1 for a sane bot)."""
        return self._polls_waiting

    @property
    def webhook(self) -> WebhookConfig | None:
        """The webhook set with setWebhook, or None while the bot polls."""
        return self._webhook.config

    @property
    def webhook_posts(self) -> list[WebhookPost]:
        """Every answered (or failed) webhook POST, in the order they finished."""
        return list(self._webhook.posts)

    @property
    def webhook_starts(self) -> list[tuple[int, int]]:
        """(update_id, attempt) of every webhook POST, in the order they were started."""
        return list(self._webhook.started)

    @property
    def webhook_max_in_flight(self) -> int:
        """The most webhook POSTs that were open at the same time."""
        return self._webhook.max_in_flight

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Pushed updates the bot has not confirmed yet (via getUpdates' offset)."""
        return list(self._pending)

    def describe(self, chat_id: int | None = None) -> str:
        """Human-readable dump of what happened, for assertion and timeout messages."""
        lines: list[str] = []
        if chat_id is not None:
            delivered = self._messages.get(chat_id, [])
            lines.append(f"bot messages in chat {chat_id}: {len(delivered)}")
            for msg in delivered:
                flag = " (deleted)" if msg.deleted else ""
                lines.append(
                    f"  #{msg.message_id} {msg.kind}{flag}: {msg.content!r} buttons={msg.buttons}"
                )
        lines.append(f"last requests (of {len(self.requests)}):")
        for rec in self.requests[-15:]:
            note = f" {rec.description}" if rec.description else ""
            lines.append(f"  {rec.method} -> {rec.status}{note}")
        if self.rejected:
            lines.append("rejected requests:")
            for rec in self.rejected:
                lines.append(f"  {rec.method} {rec.status} {rec.description} params={rec.params}")
        return "\n".join(lines)

    def assert_no_rejections(self) -> None:
        """Fail with the offending requests if the bot ever made a call Telegram refuses."""
        if self.rejected:
            raise AssertionError("the bot made requests Telegram rejects:\n" + self.describe())

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        """Wake everything waiting on a state change (long polls and wait_for_* helpers)."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
        describe: Callable[[], str] | None = None,
    ) -> T:
        """Wait until ``predicate()`` returns something truthy, re-checking on every change."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    event = self._changed
                    value = predicate()
                    if value:
                        return value
                    await event.wait()
        except TimeoutError:
            detail = describe() if describe is not None else self.describe()
            raise TimeoutError(f"timed out after {timeout} s\n{detail}") from None

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
    ) -> list[BotMessage]:
        """All bot messages of the chat, once at least ``count`` were delivered there."""

        def enough() -> list[BotMessage] | None:
            found = self.messages(chat_id)
            return found if len(found) >= count else None

        return await self.wait_for(
            enough,
            timeout=timeout,
            describe=lambda: (
                f"expected {count} bot message(s) in chat {chat_id}\n" + self.describe(chat_id)
            ),
        )

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
    ) -> JSONDict:
        """The answerCallbackQuery parameters for ``query_id``, once the bot answered it."""
        return await self.wait_for(
            lambda: self.callback_answers.get(query_id),
            timeout=timeout,
            describe=lambda: f"callback query {query_id} was not answered\n" + self.describe(),
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
        *,
        start: int = 0,
    ) -> RecordedRequest:
        """The first call of ``method`` in ``requests[start:]`` matching ``predicate``."""
        wanted = method.lower()

        def find() -> RecordedRequest | None:
            for rec in self.requests[start:]:
                if rec.method.lower() == wanted and (predicate is None or predicate(rec)):
                    return rec
            return None

        return await self.wait_for(
            find,
            timeout=timeout,
            describe=lambda: f"no matching {method} request\n" + self.describe(),
        )

    async def wait_for_long_poll(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
    ) -> None:
        """Wait until a getUpdates call is parked here, i.e. the bot is polling and idle."""
        await self.wait_for(
            lambda: self._polls_waiting > 0,
            timeout=timeout,
            describe=lambda: "no getUpdates long poll arrived\n" + self.describe(),
        )

    async def wait_until_delivered(
        self,
        update_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing API is a plain timeout
    ) -> None:
        """Wait until a getUpdates answer has handed ``update_id`` to the bot."""
        await self.wait_for(
            lambda: update_id in self._delivered_update_ids,
            timeout=timeout,
            describe=lambda: f"update {update_id} was never fetched\n" + self.describe(),
        )

    # ------------------------------------------------------------------ HTTP layer

    async def _read_params(self, request: web.Request) -> JSONDict:
        """Merge query string and body (JSON, urlencoded or multipart) into one dict."""
        params: JSONDict = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                raw = await request.read()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        raise _bad("Bad Request: can't parse JSON object") from None
                    if not isinstance(body, dict):
                        raise _bad("Bad Request: JSON object expected")
                    params.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        params[name] = UploadedFile(
                            field_name=name,
                            filename=value.filename,
                            content_type=value.content_type,
                            data=value.file.read(),
                        )
                    elif isinstance(value, bytes | bytearray):
                        params[name] = bytes(value).decode("utf-8", "replace")
                    else:
                        params[name] = value
        for name in _JSON_PARAMS & params.keys():
            value = params[name]
            if isinstance(value, str) and value.strip()[:1] in ("{", "["):
                # Left as sent when invalid; the method's validation reports it like Telegram.
                with contextlib.suppress(ValueError):
                    params[name] = json.loads(value)
        return params

    async def _handle_api(self, request: web.Request) -> web.Response:
        method_raw = request.match_info["method"]
        canonical = _METHODS_BY_LOWER.get(method_raw.lower())
        # Read before the body is consumed (can_read_body turns False afterwards).
        content_type = request.content_type if request.body_exists else ""
        params: JSONDict = {}
        error: _ApiError | None = None
        result: Any = None
        try:
            params = await self._read_params(request)
            if request.match_info["token"] != self.token:
                raise _ApiError(401, UNAUTHORIZED)
            if canonical is None:
                raise _ApiError(404, NOT_FOUND)
            self._raise_injected(canonical, params)
            if canonical in _SENDING_METHODS:
                self._check_flood(params)
            if canonical == "getUpdates":
                result = await self._get_updates(params)
            else:
                result = self._handlers[canonical](params)
        except _ApiError as exc:
            error = exc
        if error is None:
            status = 200
            body: JSONDict = {"ok": True, "result": result}
            if isinstance(result, _WithDescription):
                body = {"ok": True, "result": result.result, "description": result.description}
        else:
            status = error.status
            body = error.payload()
        record = RecordedRequest(
            method=canonical or method_raw,
            params=params,
            status=status,
            time=time.monotonic(),
            response=body,
            http_method=request.method,
            content_type=content_type,
            injected=error is not None and error.injected,
        )
        self.requests.append(record)
        if error is not None and error.rejection and 400 <= status < 500 and status != 429:
            self.rejected.append(record)
        for listener in self.listeners:
            listener(record)
        self._notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": UNAUTHORIZED}, status=401
            )
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404
            )
        return web.Response(body=stored.content or b"", content_type="application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404
        )

    def _raise_injected(self, method: str, params: JSONDict) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        chat_id = _param_int(params, "chat_id")
        failure = next((f for f in queue if f.chat_id is None or f.chat_id == chat_id), None)
        if failure is None:
            return
        queue.remove(failure)
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise _ApiError(
            failure.status,
            failure.description,
            parameters=parameters,
            rejection=False,
            injected=True,
        )

    def _check_flood(self, params: JSONDict) -> None:
        if self.flood_limit is None:
            return
        now = time.monotonic()
        paid = _param_bool(params, "allow_paid_broadcast")
        if not paid:
            chat_id = _param_int(params, "chat_id")
            heard = self._heard_from.get(chat_id) if chat_id is not None else None
            if heard is not None and now - heard < self.bulk_after:
                return  # an answer to someone talking to the bot: not bulk
        recent = self._recent_paid if paid else self._recent_sends
        limit = PAID_FLOOD_LIMIT if paid else self.flood_limit
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= limit:
            self.flood_refusals += 1
            raise _ApiError(
                429,
                "Too Many Requests: retry after 1",
                parameters={"retry_after": 1},
                rejection=False,
            )
        recent.append(now)

    # ------------------------------------------------------------------ shared validation

    def _chat_from_params(self, params: JSONDict) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad(CHAT_ID_EMPTY)
        return self._lookup_chat(raw)

    def _require_chat_id(self, params: JSONDict) -> None:
        if params.get("chat_id") is None or params.get("chat_id") == "":
            raise _bad(CHAT_ID_EMPTY)

    def _lookup_chat(self, raw: Any) -> _Chat:
        if isinstance(raw, str) and raw.startswith("@"):
            wanted = raw[1:].lower()
            for chat in self._chats.values():
                if chat.type != "private" and (chat.username or "").lower() == wanted:
                    return chat
            raise _bad(CHAT_NOT_FOUND)
        chat_id = _param_int({"chat_id": raw}, "chat_id")
        found = self._chats.get(chat_id) if chat_id is not None else None
        if found is None:
            raise _bad(CHAT_NOT_FOUND)
        return found

    @staticmethod
    def _check_reachable(chat: _Chat) -> None:
        if chat.blocked_reason is not None:
            raise _ApiError(403, chat.blocked_reason, rejection=False)

    @staticmethod
    def _parse_mode(params: JSONDict) -> str | None:
        mode = _param_str(params, "parse_mode")
        if not mode:
            return None
        canonical = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}.get(
            mode.lower()
        )
        if canonical is None:
            raise _bad(UNSUPPORTED_PARSE_MODE)
        return canonical

    def _format(
        self, raw: str, parse_mode: str | None, explicit: Any, entities_name: str
    ) -> tuple[str, list[JSONDict]]:
        """Apply parse_mode (or validate explicit entities), then trim like Telegram."""
        try:
            if parse_mode == "HTML":
                text, entities = parse_html(raw, strict=self.strict_html)
            elif parse_mode == "MarkdownV2":
                text, entities = parse_markdown_v2(raw)
            elif parse_mode == "Markdown":
                text, entities = parse_markdown(raw)
            else:
                text, entities = raw, _validate_explicit_entities(explicit, raw, entities_name)
        except EntityParseError as exc:
            raise _bad(CANT_PARSE_ENTITIES + str(exc)) from None
        return _trim(text, entities)

    def _reply_to(self, chat: _Chat, params: JSONDict) -> JSONDict | None:
        reply = _param_json(
            params, "reply_parameters", "Bad Request: can't parse reply parameters JSON object"
        )
        allow_missing = _param_bool(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            target = reply.get("message_id")
            if not isinstance(target, int):
                raise _bad('Bad Request: can\'t find field "message_id"')
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        else:
            target = _param_int(params, "reply_to_message_id")
            if target is None:
                return None
        bot_message = self._by_id.get((chat.id, target))
        if bot_message is not None and not bot_message.deleted:
            return bot_message.raw
        user_message = self._user_messages.get((chat.id, target))
        if user_message is not None:
            return user_message
        if allow_missing:
            return None
        raise _bad(REPLY_NOT_FOUND)

    def _store_message(
        self,
        chat: _Chat,
        *,
        kind: str,
        text: str | None,
        caption: str | None,
        source: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        reply_markup: JSONDict | None,
        media: JSONDict,
        file_id: str | None,
        reply_to: JSONDict | None,
    ) -> BotMessage:
        message = BotMessage(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            kind=kind,
            text=text,
            caption=caption,
            source=source,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=reply_markup,
            date=int(time.time()),
            file_id=file_id,
            media=media,
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
        )
        chat.next_message_id += 1
        self._render(message, reply_to)
        self._messages.setdefault(chat.id, []).append(message)
        self._by_id[(chat.id, message.message_id)] = message
        return message

    def _render(self, message: BotMessage, reply_to: JSONDict | None = None) -> None:
        """(Re)build the Message object Telegram returns for this bot message."""
        chat = self._chats[message.chat_id]
        data: JSONDict = {
            "message_id": message.message_id,
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": chat.to_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        elif "reply_to_message" in message.raw:
            data["reply_to_message"] = message.raw["reply_to_message"]
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        else:
            data.update(message.media)
            if message.caption:
                data["caption"] = message.caption
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        message.raw = data

    # ------------------------------------------------------------------ files

    def _new_file_ids(self, kind: str) -> tuple[str, str]:
        self._file_counter += 1
        seed = f"{self.bot_id}:{kind}:{self._file_counter}".encode()
        digest = hashlib.sha256(seed).digest()
        file_id = _FILE_ID_PREFIX[kind] + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        unique = "AQAD" + base64.urlsafe_b64encode(digest[:9]).decode()
        return file_id, unique

    def _store_file(self, kind: str, content: bytes | None, fields: JSONDict) -> _StoredFile:
        file_id, unique = self._new_file_ids(kind)
        folder, extension = _FILE_DIRS[kind]
        name = fields.get("file_name")
        if kind == "document" and isinstance(name, str) and "." in name:
            extension = "." + name.rsplit(".", 1)[1]
        path = f"{folder}/file_{self._file_counter}{extension}"
        size = len(content) if content is not None else int(fields.get("file_size", 1024))
        message_fields = {
            "file_id": file_id,
            "file_unique_id": unique,
            **{k: v for k, v in fields.items() if k != "file_size"},
            "file_size": size,
        }
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind=kind,
            content=content,
            file_path=path,
            size=size,
            message_fields=message_fields,
        )
        self._files[file_id] = stored
        self._files_by_path[path] = stored
        return stored

    def _photo_sizes(self, width: int, height: int, content: bytes) -> list[JSONDict]:
        """Telegram's set of downscaled copies (90/320/800/1280/2560 px on the long side)."""
        longest = max(width, height, 1)
        stored_files: list[_StoredFile] = []
        for side in _PHOTO_SIDES:
            if side < longest:
                scale = side / longest
                w, h = max(round(width * scale), 1), max(round(height * scale), 1)
                size = max(len(content) * w * h // max(width * height, 1), 1)
            else:
                w, h, size = width, height, len(content)
            stored = self._store_file("photo", content, {"width": w, "height": h})
            stored.size = size
            stored.message_fields["file_size"] = size
            stored_files.append(stored)
            if side >= longest:
                break
        sizes = [dict(stored.message_fields) for stored in stored_files]
        for stored in stored_files:
            stored.photo_sizes = sizes
        return [dict(s) for s in sizes]

    def _resolve_media(self, kind: str, value: Any, params: JSONDict) -> tuple[str, JSONDict, str]:
        """Turn an upload / file_id / URL into (message kind, message fields, main file_id)."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
            if not isinstance(value, UploadedFile):
                raise _bad(WRONG_FILE_ID)
        if isinstance(value, UploadedFile):
            return self._from_upload(kind, value)
        if not isinstance(value, str) or not value.strip():
            raise _bad(f"Bad Request: there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            return self._from_upload(
                kind,
                UploadedFile(kind, value.rsplit("/", 1)[-1] or kind, "", _placeholder(kind)),
            )
        stored = self._files.get(value)
        if stored is None:
            raise _bad(WRONG_FILE_ID)
        if stored.kind not in _FILE_KIND_COMPAT[kind]:
            raise _bad(FILE_TYPE_MISMATCH)
        if stored.photo_sizes is not None:
            sizes = [dict(s) for s in stored.photo_sizes]
            return "photo", {"photo": sizes}, sizes[-1]["file_id"]
        fields = dict(stored.message_fields)
        if stored.kind == "animation":
            return "animation", _animation_fields(fields), stored.file_id
        return "document", {"document": fields}, stored.file_id

    def _from_upload(self, kind: str, upload: UploadedFile) -> tuple[str, JSONDict, str]:
        data = upload.data
        if not data:
            raise _bad(FILE_EMPTY)
        fmt = _image_format(data)
        if kind == "photo":
            if fmt is None or fmt == "webm":
                raise _bad(IMAGE_PROCESS_FAILED)
            width, height = _image_size(data) or (1280, 960)
            scale = min(1.0, 2560 / max(width, height, 1))
            sizes = self._photo_sizes(round(width * scale), round(height * scale), data)
            return "photo", {"photo": sizes}, sizes[-1]["file_id"]
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        if kind == "animation" and fmt in ("gif", "isobmff", "webm"):
            width, height = (_image_size(data) if fmt == "gif" else None) or (320, 240)
            file_name = upload.filename + (".mp4" if fmt == "gif" else "")
            stored = self._store_file(
                "animation",
                data,
                {
                    "width": width,
                    "height": height,
                    "duration": 1,
                    "file_name": file_name,
                    "mime_type": "video/mp4",
                },
            )
            return "animation", _animation_fields(dict(stored.message_fields)), stored.file_id
        stored = self._store_file(
            "document", data, {"file_name": upload.filename, "mime_type": mime}
        )
        return "document", {"document": dict(stored.message_fields)}, stored.file_id

    # ------------------------------------------------------------------ method handlers

    def _get_me(self, params: JSONDict) -> JSONDict:
        return self.bot_user

    def _set_webhook(self, params: JSONDict) -> _WithDescription:
        url = (_param_str(params, "url") or "").strip()
        if not url:
            return self._delete_webhook(params)
        check_webhook_url(url)
        secret = _param_str(params, "secret_token")
        check_secret_token(secret)
        self._set_allowed_updates(params)
        # Telegram clamps max_connections to 1-100 rather than refusing it.
        wanted = _param_int(params, "max_connections") or DEFAULT_MAX_CONNECTIONS
        config = WebhookConfig(
            url=url,
            secret_token=secret or None,
            max_connections=min(max(wanted, 1), 100),
            ip_address=_param_str(params, "ip_address") or None,
        )
        self._drop_pending_if_asked(params)
        if config == self._webhook.config:
            return _WithDescription(True, "Webhook is already set")
        self._webhook.configure(config)
        return _WithDescription(True, "Webhook was set")

    def _delete_webhook(self, params: JSONDict) -> _WithDescription:
        self._drop_pending_if_asked(params)
        if self._webhook.config is None:
            return _WithDescription(True, "Webhook is already deleted")
        self._webhook.configure(None)
        return _WithDescription(True, "Webhook was deleted")

    def _drop_pending_if_asked(self, params: JSONDict) -> None:
        if _param_bool(params, "drop_pending_updates"):
            self._webhook.forget({u["update_id"] for u in self._pending})
            self._pending.clear()

    def _set_allowed_updates(self, params: JSONDict) -> None:
        """Telegram keeps the previous choice when allowed_updates is not given."""
        allowed = _param_json(
            params, "allowed_updates", "Bad Request: can't parse allowed updates JSON object"
        )
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]

    def _webhook_delivered(self, update: JSONDict) -> None:
        update_id = int(update["update_id"])
        self._pending = [u for u in self._pending if u["update_id"] != update_id]
        self._delivered_update_ids.add(update_id)

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        config = self._webhook.config
        info: JSONDict = {
            "url": config.url if config else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if config is None:
            return info
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if self._webhook.last_error_date is not None:
            info["last_error_date"] = self._webhook.last_error_date
            info["last_error_message"] = self._webhook.last_error_message
        info["max_connections"] = config.max_connections
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook.config is not None:
            raise _ApiError(409, GET_UPDATES_CONFLICT)
        offset = _param_int(params, "offset") or 0
        limit = min(max(_param_int(params, "limit") or 100, 1), 100)
        try:
            timeout = max(float(_param_str(params, "timeout") or 0), 0.0)
        except ValueError:
            timeout = 0.0
        self._set_allowed_updates(params)
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        # A newer getUpdates supersedes an older one that is still waiting.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        ready = self._deliverable(limit)
        if ready or timeout <= 0:
            self._delivered_update_ids.update(u["update_id"] for u in ready)
            return ready
        self._polls_waiting += 1
        self._notify()
        try:
            while True:
                ready = self._deliverable(limit)
                if ready or self._stopping or generation != self._poll_generation:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                event = self._changed
                try:
                    async with asyncio.timeout(remaining):
                        await event.wait()
                except TimeoutError:
                    break
        finally:
            self._polls_waiting -= 1
            self._notify()
        self._delivered_update_ids.update(u["update_id"] for u in ready)
        return ready

    def _deliverable(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        kept: list[JSONDict] = []
        for update in self._pending:
            kind = _update_type(update)
            wanted = kind in allowed if allowed else kind not in _NOT_DELIVERED_BY_DEFAULT
            if wanted:
                kept.append(update)
        self._pending = kept  # Telegram never produces filtered-out update types at all
        return kept[:limit]

    def _send_message(self, params: JSONDict) -> JSONDict:
        self._require_chat_id(params)
        raw = _param_str(params, "text")
        if not raw:
            raise _bad(TEXT_EMPTY)
        parse_mode = self._parse_mode(params)
        text, entities = self._format(raw, parse_mode, params.get("entities"), "entities")
        markup = _parse_reply_markup(params.get("reply_markup"))
        chat = self._chat_from_params(params)
        self._check_reachable(chat)
        if not text:
            raise _bad(TEXT_MUST_BE_NON_EMPTY)
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise _bad(TEXT_TOO_LONG)
        reply_to = self._reply_to(chat, params)
        message = self._store_message(
            chat,
            kind="text",
            text=text,
            caption=None,
            source=raw,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            media={},
            file_id=None,
            reply_to=reply_to,
        )
        return message.raw

    def _send_media(self, params: JSONDict, kind: str) -> JSONDict:
        self._require_chat_id(params)
        value = params.get(kind)
        if value is None or value == "":
            raise _bad(f"Bad Request: there is no {kind} in the request")
        raw_caption = _param_str(params, "caption") or ""
        parse_mode = self._parse_mode(params)
        caption, entities = (
            self._format(
                raw_caption, parse_mode, params.get("caption_entities"), "caption_entities"
            )
            if raw_caption
            else ("", [])
        )
        markup = _parse_reply_markup(params.get("reply_markup"))
        chat = self._chat_from_params(params)
        self._check_reachable(chat)
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise _bad(CAPTION_TOO_LONG)
        message_kind, media, file_id = self._resolve_media(kind, value, params)
        reply_to = self._reply_to(chat, params)
        message = self._store_message(
            chat,
            kind=message_kind,
            text=None,
            caption=caption or None,
            source=raw_caption or None,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            media=media,
            file_id=file_id,
            reply_to=reply_to,
        )
        return message.raw

    def _send_chat_action(self, params: JSONDict) -> bool:
        chat = self._chat_from_params(params)
        action = _param_str(params, "action")
        if action not in _CHAT_ACTIONS:
            raise _bad(WRONG_CHAT_ACTION)
        self._check_reachable(chat)
        self.chat_actions.append((chat.id, action))
        return True

    def _edit_target(self, params: JSONDict) -> BotMessage:
        if params.get("inline_message_id"):
            raise _bad("Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_from_params(params)
        self._check_reachable(chat)
        message_id = _param_int(params, "message_id")
        if message_id is None:
            raise _bad(MESSAGE_ID_NOT_SPECIFIED)
        message = self._by_id.get((chat.id, message_id))
        if message is None or message.deleted:
            if (chat.id, message_id) in self._user_messages:
                raise _bad(MESSAGE_CANT_BE_EDITED)
            raise _bad(MESSAGE_TO_EDIT_NOT_FOUND)
        return message

    @staticmethod
    def _edit_markup(params: JSONDict) -> JSONDict | None:
        markup = _parse_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("Bad Request: inline keyboard expected")
        return markup

    def _apply_edit(
        self,
        method: str,
        message: BotMessage,
        *,
        content: tuple[str, list[JSONDict], str, str | None] | None,
        markup: JSONDict | None,
    ) -> JSONDict:
        """Reject no-op edits like Telegram, else update the message and log the edit."""
        current_markup = (
            message.reply_markup
            if message.reply_markup is not None and "inline_keyboard" in message.reply_markup
            else None
        )
        same_markup = _markup_key(current_markup) == _markup_key(markup)
        if content is None:
            same_content = True
        else:
            text, entities, _source, _mode = content
            same_content = text == (message.content or "") and entities == message.entities
        if same_content and same_markup:
            raise _bad(MESSAGE_NOT_MODIFIED)
        old_content, old_markup = message.content, message.reply_markup
        if content is not None:
            text, entities, source, mode = content
            if message.kind == "text":
                message.text = text
            else:
                message.caption = text or None
            message.entities = entities
            message.source = source
            message.parse_mode = mode
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self._render(message)
        self.edits.append(
            EditRecord(
                method=method,
                chat_id=message.chat_id,
                message_id=message.message_id,
                old_content=old_content,
                new_content=message.content,
                old_reply_markup=old_markup,
                new_reply_markup=markup,
                time=time.monotonic(),
            )
        )
        return message.raw

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        if not params.get("inline_message_id"):
            self._require_chat_id(params)
            if _param_int(params, "message_id") is None:
                raise _bad(MESSAGE_ID_NOT_SPECIFIED)
        raw = _param_str(params, "text")
        if not raw:
            raise _bad(TEXT_EMPTY)
        parse_mode = self._parse_mode(params)
        text, entities = self._format(raw, parse_mode, params.get("entities"), "entities")
        markup = self._edit_markup(params)
        message = self._edit_target(params)
        if message.kind != "text":
            raise _bad(NO_TEXT_TO_EDIT)
        if not text:
            raise _bad(TEXT_MUST_BE_NON_EMPTY)
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise _bad(TEXT_TOO_LONG)
        return self._apply_edit(
            "editMessageText",
            message,
            content=(text, entities, raw, parse_mode),
            markup=markup,
        )

    def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        raw = _param_str(params, "caption") or ""
        parse_mode = self._parse_mode(params)
        caption, entities = (
            self._format(raw, parse_mode, params.get("caption_entities"), "caption_entities")
            if raw
            else ("", [])
        )
        markup = self._edit_markup(params)
        message = self._edit_target(params)
        if message.kind == "text":
            raise _bad(NO_CAPTION_TO_EDIT)
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise _bad(CAPTION_TOO_LONG)
        return self._apply_edit(
            "editMessageCaption",
            message,
            content=(caption, entities, raw, parse_mode),
            markup=markup,
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        markup = self._edit_markup(params)
        message = self._edit_target(params)
        return self._apply_edit("editMessageReplyMarkup", message, content=None, markup=markup)

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat_from_params(params)
        message_id = _param_int(params, "message_id")
        if message_id is None:
            raise _bad(MESSAGE_ID_NOT_SPECIFIED)
        message = self._by_id.get((chat.id, message_id))
        if message is not None and not message.deleted:
            message.deleted = True
        elif chat.type == "private" and (chat.id, message_id) in self._user_messages:
            del self._user_messages[(chat.id, message_id)]
        else:
            raise _bad(MESSAGE_TO_DELETE_NOT_FOUND)
        self.deletions.append((chat.id, message_id))
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = _param_str(params, "callback_query_id")
        if not query_id:
            raise _bad("Bad Request: callback_query_id is empty")
        query = self._callback_queries.get(query_id)
        expired = (
            query is not None
            and self.callback_query_timeout is not None
            and time.monotonic() - query.created > self.callback_query_timeout
        )
        if query is None or query.answered or expired:
            raise _bad(QUERY_TOO_OLD)
        text = _param_str(params, "text") or ""
        if len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad(CALLBACK_ANSWER_TOO_LONG)
        url = _param_str(params, "url")
        if url:
            raise _bad("Bad Request: URL_INVALID")
        query.answered = True
        self.callback_answers[query_id] = dict(params)
        return True

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = _param_json(params, "scope", "Bad Request: can't parse BotCommandScope JSON object")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _bad("Bad Request: can't parse BotCommandScope: Can't find field \"type\"")
        language = _param_str(params, "language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("Bad Request: invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = _param_json(params, "commands", "Bad Request: can't parse commands JSON object")
        if commands is None:
            commands = []
        if not isinstance(commands, list):
            raise _bad('Bad Request: field "commands" must be of type Array')
        key = self._scope_key(params)
        cleaned: list[JSONDict] = []
        prefix = "Bad Request: can't parse BotCommand: "
        for item in commands:
            if not isinstance(item, dict):
                raise _bad(prefix + "BotCommand must be an Object")
            for name in ("command", "description"):
                if name not in item:
                    raise _bad(prefix + f'Can\'t find field "{name}"')
                if not isinstance(item[name], str):
                    raise _bad(prefix + f'Field "{name}" must be of type String')
            # tdlib's local checks (trim, optional leading '/', lengths) come first ...
            command = item["command"].strip().removeprefix("/")
            description = item["description"].strip()
            if not command:
                raise _bad("Bad Request: command must be non-empty")
            if len(command) > MAX_COMMAND_LENGTH:
                raise _bad(f"Bad Request: command length must not exceed {MAX_COMMAND_LENGTH}")
            if not description:
                raise _bad("Bad Request: command description must be non-empty")
            if len(description) > MAX_COMMAND_DESCRIPTION_LENGTH:
                raise _bad(
                    "Bad Request: command description length must not exceed "
                    f"{MAX_COMMAND_DESCRIPTION_LENGTH}"
                )
            cleaned.append({"command": command, "description": description})
        # ... then Telegram's server-side ones.
        if len(cleaned) > MAX_COMMANDS:
            raise _bad(BOT_COMMANDS_TOO_MUCH)
        if any(not re.fullmatch(r"[a-z0-9_]+", c["command"]) for c in cleaned):
            raise _bad(BOT_COMMAND_INVALID)
        if cleaned:
            self._commands_by_scope[key] = cleaned
        else:
            self._commands_by_scope.pop(key, None)
        self.commands = cleaned
        return True

    def commands_for(self, language_code: str = "") -> list[str]:
        """The default scope's menu for one language ("" is the menu for every other one), as
        the user's app would show it: the command names in order."""
        key = (json.dumps({"type": "default"}, sort_keys=True), language_code)
        return [item["command"] for item in self._commands_by_scope.get(key, [])]

    def descriptions_for(self, language_code: str = "") -> list[str]:
        key = (json.dumps({"type": "default"}, sort_keys=True), language_code)
        return [item["description"] for item in self._commands_by_scope.get(key, [])]

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return list(self._commands_by_scope.get(self._scope_key(params), []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = self._scope_key(params)
        if self._commands_by_scope.pop(key, None) is not None:
            self.commands = []
        return True

    def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = _param_str(params, "file_id")
        stored = self._files.get(file_id or "")
        if stored is None:
            raise _bad(INVALID_FILE_ID)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }


def _placeholder(kind: str) -> bytes:
    """Bytes standing in for a file Telegram would have downloaded from a URL."""
    if kind == "photo":
        return b"\xff\xd8\xff\xe0 placeholder jpeg"
    if kind == "animation":
        return b"\x00\x00\x00\x18ftypmp42 placeholder"
    return b"placeholder document"


def _animation_fields(fields: JSONDict) -> JSONDict:
    """Telegram sets both ``animation`` and (for old clients) ``document`` on animations."""
    document = {
        k: v
        for k, v in fields.items()
        if k in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size")
    }
    return {"animation": fields, "document": document}
