"""Telegram's limits, method names and error descriptions, as the Bot API states and sends them."""

from __future__ import annotations

from typing import Any, Final

JSONDict = dict[str, Any]

DEFAULT_TOKEN: Final = "123456:TEST-token"

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_COMMANDS: Final = 100
MAX_COMMAND_LENGTH: Final = 32
MAX_COMMAND_DESCRIPTION_LENGTH: Final = 256
MAX_INLINE_BUTTONS: Final = 100
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024

# --- Telegram's own descriptions (prefix included, exactly as the Bot API sends them) -----------
UNAUTHORIZED: Final = "Unauthorized"
NOT_FOUND: Final = "Not Found"
CHAT_ID_EMPTY: Final = "Bad Request: chat_id is empty"
CHAT_NOT_FOUND: Final = "Bad Request: chat not found"
TEXT_EMPTY: Final = "Bad Request: message text is empty"
TEXT_MUST_BE_NON_EMPTY: Final = "Bad Request: text must be non-empty"
TEXT_TOO_LONG: Final = "Bad Request: message is too long"
CAPTION_TOO_LONG: Final = "Bad Request: message caption is too long"
CANT_PARSE_ENTITIES: Final = "Bad Request: can't parse entities: "
UNSUPPORTED_PARSE_MODE: Final = "Bad Request: unsupported parse_mode"
MESSAGE_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND: Final = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND: Final = "Bad Request: message to delete not found"
MESSAGE_CANT_BE_EDITED: Final = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT: Final = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT: Final = "Bad Request: there is no caption in the message to edit"
MESSAGE_ID_NOT_SPECIFIED: Final = "Bad Request: message identifier is not specified"
REPLY_NOT_FOUND: Final = "Bad Request: message to be replied not found"
QUERY_TOO_OLD: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
CALLBACK_ANSWER_TOO_LONG: Final = "Bad Request: MESSAGE_TOO_LONG"
BUTTON_DATA_INVALID: Final = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID: Final = "Bad Request: BUTTON_TEXT_INVALID"
TEXT_BUTTONS_UNALLOWED: Final = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
REPLY_MARKUP_TOO_LONG: Final = "Bad Request: REPLY_MARKUP_TOO_LONG"
BOT_COMMAND_INVALID: Final = "Bad Request: BOT_COMMAND_INVALID"
BOT_COMMANDS_TOO_MUCH: Final = "Bad Request: BOT_COMMANDS_TOO_MUCH"
WRONG_FILE_ID: Final = "Bad Request: wrong file identifier/HTTP URL specified"
FILE_TYPE_MISMATCH: Final = "Bad Request: type of file mismatch"
INVALID_FILE_ID: Final = "Bad Request: invalid file_id"
FILE_EMPTY: Final = "Bad Request: file must be non-empty"
IMAGE_PROCESS_FAILED: Final = "Bad Request: IMAGE_PROCESS_FAILED"
WRONG_CHAT_ACTION: Final = "Bad Request: wrong parameter action in request"
BLOCKED_BY_USER: Final = "Forbidden: bot was blocked by the user"
KICKED_FROM_GROUP: Final = "Forbidden: bot was kicked from the group chat"

_DEFAULT_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "Bad Request",
    401: UNAUTHORIZED,
    403: "Forbidden",
    404: NOT_FOUND,
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Canonical spelling of every method the stand-in answers; lookups are case-insensitive, like
# Telegram's.
_METHOD_NAMES: Final = (
    "getMe",
    "logOut",
    "close",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "getUpdates",
    "sendMessage",
    "sendPhoto",
    "sendAnimation",
    "sendDocument",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "getFile",
)
_METHODS_BY_LOWER: Final = {name.lower(): name for name in _METHOD_NAMES}

# Parameters whose values are JSON-serialised objects when they arrive as form/multipart fields.
# What Telegram's flood control counts: messages sent, not button answers or edits.
# Telegram's paid broadcasts (`allow_paid_broadcast`): up to this many a second, paid in Stars.
PAID_FLOOD_LIMIT: Final = 1000
_SENDING_METHODS: Final = frozenset({"sendMessage", "sendPhoto", "sendAnimation", "sendDocument"})
_JSON_PARAMS: Final = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)

_CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_INLINE_BUTTON_ACTIONS: Final = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_ENTITY_TYPES: Final = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)

# Update types Telegram leaves out when allowed_updates is empty / never set.
_NOT_DELIVERED_BY_DEFAULT: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)

_FILE_ID_PREFIX: Final = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "animation": "CgACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
}
_FILE_DIRS: Final = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "animation": ("animations", ".mp4"),
    "sticker": ("stickers", ".webp"),
    "voice": ("voice", ".oga"),
}
# Which stored file kinds each send method accepts by file_id.
_FILE_KIND_COMPAT: Final = {
    "photo": frozenset({"photo"}),
    "animation": frozenset({"animation", "document"}),
    "document": frozenset({"document", "animation"}),
}
_PHOTO_SIDES: Final = (90, 320, 800, 1280, 2560)
