"""Reading request parameters and checking them the way Telegram does.

Numbers, flags and JSON fields, reply markup (inline and reply keyboards) and explicit message
entities.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from tools.botapi_standin.constants import (
    _ENTITY_TYPES,
    _INLINE_BUTTON_ACTIONS,
    BUTTON_DATA_INVALID,
    BUTTON_TEXT_INVALID,
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_BUTTONS,
    REPLY_MARKUP_TOO_LONG,
    TEXT_BUTTONS_UNALLOWED,
    JSONDict,
)
from tools.botapi_standin.entities import _sorted_entities, utf16_len
from tools.botapi_standin.records import UploadedFile
from tools.botapi_standin.state import _bad


def _param_str(params: JSONDict, name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, UploadedFile):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _param_int(params: JSONDict, name: str) -> int | None:
    value = params.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _param_bool(params: JSONDict, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _param_json(params: JSONDict, name: str, error: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(error) from None
    return value


def _markup_key(markup: JSONDict | None) -> str:
    return json.dumps(markup, sort_keys=True, ensure_ascii=False)


def _validate_button_url(url: Any, label: str) -> None:
    if not isinstance(url, str):
        raise _bad(f'Bad Request: can\'t parse {label}: Field "url" must be of type String')
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        valid = bool(parts.hostname)
    elif scheme == "tg":
        valid = True
    elif not scheme:
        valid = "." in url and " " not in url.strip()
    else:
        raise _bad(f"Bad Request: {label} URL '{url}' is invalid: Unsupported URL protocol")
    if not valid:
        raise _bad(f"Bad Request: {label} URL '{url}' is invalid: Wrong HTTP URL")


def _validate_inline_keyboard(markup: JSONDict) -> None:
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list):
        raise _bad('Bad Request: field "inline_keyboard" must be of type Array')
    total = 0
    for row in rows:
        if not isinstance(row, list):
            raise _bad('Bad Request: field "inline_keyboard" must be an Array of Arrays')
        for button in row:
            prefix = "Bad Request: can't parse inline keyboard button: "
            if not isinstance(button, dict):
                raise _bad(prefix + "InlineKeyboardButton must be an Object")
            if "text" not in button:
                raise _bad(prefix + 'Can\'t find field "text"')
            if not isinstance(button["text"], str):
                raise _bad(prefix + 'Field "text" must be of type String')
            actions = [
                name
                for name in _INLINE_BUTTON_ACTIONS
                if button.get(name) is not None and button.get(name) != ""
            ]
            if not actions:
                raise _bad(TEXT_BUTTONS_UNALLOWED)
            if len(actions) > 1:
                raise _bad(
                    prefix + "exactly one of the optional fields must be used, got "
                    f"{', '.join(actions)} (strict stand-in check: Telegram silently picks one)"
                )
            if not button["text"].strip():
                raise _bad(BUTTON_TEXT_INVALID)
            if "callback_data" in actions:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise _bad(prefix + 'Field "callback_data" must be of type String')
                if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                    raise _bad(BUTTON_DATA_INVALID)
            if "url" in actions:
                _validate_button_url(button["url"], "inline keyboard button")
            total += 1
    if total > MAX_INLINE_BUTTONS:
        raise _bad(REPLY_MARKUP_TOO_LONG)


def _validate_reply_keyboard(markup: JSONDict) -> None:
    rows = markup["keyboard"]
    if not isinstance(rows, list):
        raise _bad('Bad Request: field "keyboard" must be of type Array')
    for row in rows:
        if not isinstance(row, list):
            raise _bad('Bad Request: field "keyboard" must be an Array of Arrays')
        for button in row:
            if isinstance(button, str):
                continue
            if not isinstance(button, dict):
                raise _bad(
                    "Bad Request: can't parse keyboard button: KeyboardButton must be "
                    "a String or an Object"
                )
            if not isinstance(button.get("text"), str):
                raise _bad("Bad Request: can't parse keyboard button: Can't find field \"text\"")


def _parse_reply_markup(value: Any) -> JSONDict | None:
    """Validate reply_markup like the Bot API does; returns the decoded object."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad("Bad Request: can't parse reply keyboard markup JSON object") from None
    if not isinstance(value, dict):
        raise _bad("Bad Request: object expected as reply markup")
    for flag in (
        "force_reply",
        "remove_keyboard",
        "selective",
        "one_time_keyboard",
        "is_persistent",
        "resize_keyboard",
    ):
        if flag in value and not isinstance(value[flag], bool):
            raise _bad(f'Bad Request: field "{flag}" must be of type Boolean')
    if "inline_keyboard" in value:
        _validate_inline_keyboard(value)
    elif "keyboard" in value:
        _validate_reply_keyboard(value)
    elif not (value.get("remove_keyboard") or value.get("force_reply")):
        raise _bad("Bad Request: object expected as reply markup")
    return value


def _validate_explicit_entities(value: Any, text: str, name: str) -> list[JSONDict]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad(f"Bad Request: can't parse {name} JSON object") from None
    if not isinstance(value, list):
        raise _bad(f'Bad Request: field "{name}" must be of type Array')
    length = utf16_len(text)
    result: list[JSONDict] = []
    for entity in value:
        if not isinstance(entity, dict):
            raise _bad("Bad Request: can't parse MessageEntity: MessageEntity must be an Object")
        if entity.get("type") not in _ENTITY_TYPES:
            raise _bad("Bad Request: can't parse MessageEntity: Unsupported type specified")
        offset, size = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(size, int):
            raise _bad('Bad Request: can\'t parse MessageEntity: Field "offset" must be a Number')
        if offset < 0:
            raise _bad(f"Bad Request: receive an entity with incorrect offset {offset}")
        if offset > length:
            raise _bad(
                f"Bad Request: entity begins after the end of the text at UTF-16 offset {offset}"
            )
        if offset + size > length:
            raise _bad(
                f"Bad Request: entity beginning at UTF-16 offset {offset} ends after the "
                f"end of the text at UTF-16 offset {offset + size}"
            )
        if entity["type"] == "text_link" and not entity.get("url"):
            raise _bad("Bad Request: can't parse MessageEntity: Can't find field \"url\"")
        if size > 0:
            result.append(dict(entity))
    return _sorted_entities(result)
