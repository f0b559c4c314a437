"""Message text as Telegram reads it: UTF-16 lengths and the formatted-text parsers.

The HTML, MarkdownV2 and Markdown parsers turn formatted text into plain text plus entities, or
raise :class:`EntityParseError` with Telegram's description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tools.botapi_standin.constants import JSONDict


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _u16(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]``; Telegram's parse errors report byte offsets."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


class EntityParseError(ValueError):
    """Formatted text was rejected; the message is Telegram's wording (after the prefix)."""


# tdlib's is_space(): the characters that end tag names and separate attributes.
_TAG_SPACE: Final = frozenset(" \t\r\n\v\0")
_NAMED_HTML_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
_DEC_DIGITS: Final = frozenset("0123456789")


def _decode_html_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decode the character reference at ``source[index] == '&'`` the way Telegram does.

    Returns the decoded character and the index after the reference, or ``None`` when the text
    at ``index`` is not a reference Telegram understands (only &lt; &gt; &amp; &quot; and numeric
    references; the trailing ``;`` is optional).
    """
    n = len(source)
    j = index + 1
    if j < n and source[j] == "#":
        j += 1
        if j < n and source[j] == "x":
            j += 1
            start = j
            while j < n and source[j] in _HEX_DIGITS:
                j += 1
            code = int(source[start:j], 16) if j > start else 0
        else:
            start = j
            while j < n and source[j] in _DEC_DIGITS:
                j += 1
            code = int(source[start:j]) if j > start else 0
        if code == 0 or code >= 0x10FFFF or j - index >= 10:
            return None
        char = chr(code)
    else:
        start = j
        while j < n and source[j].isascii() and source[j].isalpha():
            j += 1
        named = _NAMED_HTML_ENTITIES.get(source[start:j])
        if named is None:
            return None
        char = named
    if j < n and source[j] == ";":
        j += 1
    return char, j


def _checked_link(url: str) -> str | None:
    """Rough equivalent of tdlib's link check: keep usable links, drop the rest silently."""
    url = url.strip()
    if not url:
        return None
    scheme, sep, _ = url.partition(":")
    if sep and scheme.lower() in {"http", "https", "tg", "ton", "tonsite"}:
        return url
    if "://" in url:
        return None
    if "." in url and " " not in url:
        return "http://" + url
    return None


def _link_entity(url: str, offset: int, length: int) -> JSONDict | None:
    checked = _checked_link(url)
    if checked is None:
        return None
    mention = re.fullmatch(r"tg://user\?id=(\d+)", checked)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}


def _fix_surrogates(text: str) -> str:
    """Join surrogate pairs produced by numeric references; reject unpaired halves."""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None


def _sorted_entities(entities: list[JSONDict]) -> list[JSONDict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    out_start: int


_HTML_TAGS: Final = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_HTML_TYPES: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def _close_html_tag(tag: _OpenTag, utf16: int, out: list[str], entities: list[JSONDict]) -> None:
    """Turn a closed tag into its entity (if it encloses any text)."""
    offset = tag.offset
    length = utf16 - offset
    if length <= 0:
        return
    name = tag.name
    if name in _SIMPLE_HTML_TYPES:
        entities.append({"type": _SIMPLE_HTML_TYPES[name], "offset": offset, "length": length})
    elif name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": str(int(tag.argument)),
            }
        )
    elif name == "a":
        url = tag.argument or "".join(out[tag.out_start :])
        entity = _link_entity(url, offset, length)
        if entity is not None:
            entities.append(entity)
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (offset, length)
            and last.get("_language")
        ):
            last["type"] = "pre"
            last["language"] = last.pop("_language")
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and (last["offset"], last["length"]) == (offset, length)
            and tag.argument
        ):
            last["language"] = tag.argument
        else:
            entity = {"type": "code", "offset": offset, "length": length}
            if tag.argument:
                entity["_language"] = tag.argument
            entities.append(entity)
    elif name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


def _parse_html_start_tag(source: str, begin: int) -> tuple[_OpenTag, int]:
    """Parse ``<name attr=...>`` starting at ``source[begin] == '<'``.

    Returns the open tag (offsets still unset) and the index just after ``>``.
    """
    n = len(source)
    i = begin + 1
    while i < n and source[i] not in _TAG_SPACE and source[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    name = source[begin + 1 : i].lower()
    at = _byte_offset(source, begin)
    if name not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at}')
    argument = ""
    while True:
        while i < n and source[i] in _TAG_SPACE:
            i += 1
        if i < n and source[i] == ">":
            break
        attr_start = i
        while i < n and source[i] not in _TAG_SPACE and source[i] not in "=>/\"'":
            i += 1
        attr_name = source[attr_start:i]
        if not attr_name:
            raise EntityParseError(f'Empty attribute name in the tag "{name}" at byte offset {at}')
        while i < n and source[i] in _TAG_SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at}')
        if source[i] != "=":
            if name == "blockquote" and attr_name == "expandable":
                argument = "1"
            continue
        i += 1
        while i < n and source[i] in _TAG_SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at}')
        if source[i] not in "'\"":
            token_start = i
            while i < n and ((source[i].isascii() and source[i].isalnum()) or source[i] in ".-"):
                i += 1
            value = source[token_start:i].lower()
            if i < n and source[i] not in _TAG_SPACE and source[i] != ">":
                raise EntityParseError(
                    "Unexpected end of name token at byte offset "
                    f"{_byte_offset(source, token_start)}"
                )
        else:
            quote = source[i]
            i += 1
            chars: list[str] = []
            while i < n and source[i] != quote:
                if source[i] == "&":
                    decoded = _decode_html_entity(source, i)
                    if decoded is not None:
                        chars.append(decoded[0])
                        i = decoded[1]
                        continue
                chars.append(source[i])
                i += 1
            if i < n:
                i += 1
            value = "".join(chars)
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at}")
        if name == "a" and attr_name == "href":
            argument = value
        elif name == "code" and attr_name == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif name == "span" and attr_name == "class" and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif name == "tg-emoji" and attr_name == "emoji-id":
            argument = value
        elif name == "blockquote" and attr_name == "expandable":
            argument = "1"
    if name == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    return _OpenTag(name=name, argument=argument, offset=0, out_start=0), i + 1


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into (plain text, entities), or raise EntityParseError.

    Follows the behaviour of the real parser (tdlib): only Telegram's tags, properly nested and
    closed, attribute values quoted or name tokens, &lt; &gt; &amp; &quot; and numeric references.
    ``strict`` additionally rejects a bare ``&`` or an unknown reference, which Telegram would show
    literally but which the Bot API docs require to be escaped: it almost always means user text
    was interpolated without ``html.escape``.
    """
    out: list[str] = []
    entities: list[JSONDict] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    n = len(source)
    i = 0
    while i < n:
        char = source[i]
        if char == "&":
            decoded = _decode_html_entity(source, i)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += _u16(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(source, i)}; use "&amp;" '
                    "(strict stand-in check: the Bot API docs require it, Telegram itself "
                    "would show the character literally)"
                )
        if char != "<":
            out.append(char)
            utf16 += _u16(char)
            i += 1
            continue
        if i + 1 < n and source[i + 1] == "/":
            at = _byte_offset(source, i)
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at}")
            j = i + 2
            while j < n and source[j] not in _TAG_SPACE and source[j] != ">":
                j += 1
            end_name = source[i + 2 : j].lower()
            while j < n and source[j] in _TAG_SPACE:
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {at}")
            top = stack[-1]
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at}, expected "</{top.name}>", '
                    f'found "</{end_name}>"'
                )
            _close_html_tag(top, utf16, out, entities)
            stack.pop()
            i = j + 1
            continue
        tag, i = _parse_html_start_tag(source, i)
        tag.offset = utf16
        tag.out_start = len(out)
        stack.append(tag)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        entity.pop("_language", None)
    return _fix_surrogates("".join(out)), _sorted_entities(entities)


_MD2_RESERVED: Final = frozenset("_*[]()~`>#+-=|{}.!\n")
_MD2_TYPES: Final = {
    "Bold": "bold",
    "Italic": "italic",
    "Underline": "underline",
    "Strikethrough": "strikethrough",
    "Spoiler": "spoiler",
    "TextUrl": "text_link",
    "Code": "code",
    "Pre": "pre",
    "PreCode": "pre",
    "CustomEmoji": "custom_emoji",
    "BlockQuote": "blockquote",
    "ExpandableBlockQuote": "expandable_blockquote",
}


@dataclass
class _MdOpen:
    kind: str
    argument: str
    offset: int
    source_index: int
    out_start: int


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _no_end(source: str, entity: _MdOpen) -> EntityParseError:
    return EntityParseError(
        f"Can't find end of {entity.kind} entity at byte offset "
        f"{_byte_offset(source, entity.source_index)}"
    )


def _md2_closes(source: str, i: int, top: _MdOpen, have_blockquote: bool) -> bool:
    char = source[i]
    nxt = source[i + 1 : i + 2]
    if have_blockquote and char == "\n" and nxt != ">":
        return True
    kind = top.kind
    if kind == "Bold":
        return char == "*"
    if kind == "Italic":
        return char == "_" and nxt != "_"
    if kind == "Code":
        return char == "`"
    if kind in ("Pre", "PreCode"):
        return source.startswith("```", i)
    if kind in ("TextUrl", "CustomEmoji"):
        return char == "]"
    if kind == "Underline":
        return source.startswith("__", i)
    if kind == "Strikethrough":
        return char == "~"
    if kind == "Spoiler":
        return source.startswith("||", i)
    return False


def _md2_read_url(source: str, start: int) -> tuple[str, int] | None:
    """Read a ``(url)`` body starting after '('; returns (url, index of ')') or None."""
    n = len(source)
    j = start
    chars: list[str] = []
    while j < n and source[j] != ")":
        if source[j] == "\\" and j + 1 < n and 0 < ord(source[j + 1]) <= 126:
            chars.append(source[j + 1])
            j += 2
            continue
        chars.append(source[j])
        j += 1
    if j >= n:
        return None
    return "".join(chars), j


def parse_markdown_v2(source: str) -> tuple[str, list[JSONDict]]:
    """Parse MarkdownV2 into (plain text, entities), or raise EntityParseError.

    Mirrors the real rules: every character of ``_*[]()~`>#+-=|{}.!`` outside markup must be
    escaped with ``\\``; ``*bold*`` ``_italic_`` ``__underline__`` ``~strike~`` ``||spoiler||``
    ``[text](url)`` ``![emoji](tg://emoji?id=…)`` inline/pre code and ``>`` blockquotes (with the
    ``**>…||`` expandable form) pair up or fail with Telegram's wording.
    """
    out: list[str] = []
    entities: list[JSONDict] = []
    stack: list[_MdOpen] = []
    utf16 = 0
    have_blockquote = False
    can_start_blockquote = True
    n = len(source)
    i = 0
    while i < n:
        char = source[i]
        nxt = source[i + 1 : i + 2]
        if char == "\\" and nxt and 0 < ord(nxt) <= 126:
            out.append(nxt)
            utf16 += 1
            if nxt != "\r":
                can_start_blockquote = nxt == "\n"
            i += 2
            continue
        in_code = bool(stack) and stack[-1].kind in ("Code", "Pre", "PreCode")
        if (char != "`") if in_code else (char not in _MD2_RESERVED):
            out.append(char)
            utf16 += _u16(char)
            if char != "\r":
                can_start_blockquote = False
            i += 1
            continue

        if not (stack and _md2_closes(source, i, stack[-1], have_blockquote)):
            # Beginning of an entity (or a structural newline / blockquote marker).
            start = i
            argument = ""
            if char == "_":
                kind = "Underline" if nxt == "_" else "Italic"
                i += 2 if nxt == "_" else 1
            elif char == "*":
                kind = "Bold"
                i += 1
            elif char == "~":
                kind = "Strikethrough"
                i += 1
            elif char == "|":
                if nxt != "|":
                    raise _reserved(char)
                kind = "Spoiler"
                i += 2
            elif char == "[":
                kind = "TextUrl"
                i += 1
            elif char == "!":
                if nxt != "[":
                    raise _reserved(char)
                kind = "CustomEmoji"
                i += 2
            elif char == "`":
                if source.startswith("``", i + 1):
                    kind = "Pre"
                    p = i + 3
                    lang_end = p
                    while (
                        lang_end < n
                        and source[lang_end] not in _TAG_SPACE
                        and (source[lang_end] != "`")
                    ):
                        lang_end += 1
                    if p != lang_end and lang_end < n and source[lang_end] != "`":
                        kind = "PreCode"
                        argument = source[p:lang_end]
                        p = lang_end
                    if p < n and source[p] in "\r\n":
                        pair = source[p : p + 2]
                        p += 2 if len(pair) == 2 and pair in ("\r\n", "\n\r") else 1
                    i = p
                else:
                    kind = "Code"
                    i += 1
            elif char == "\n":
                out.append("\n")
                utf16 += 1
                can_start_blockquote = True
                i += 1
                continue
            elif char == ">":
                if not can_start_blockquote:
                    raise _reserved(char)
                i += 1
                if have_blockquote:
                    continue  # a continuation line's '>' marker
                kind = "BlockQuote"
                have_blockquote = True
            else:
                raise _reserved(char)
            stack.append(_MdOpen(kind, argument, utf16, start, len(out)))
            continue

        # End of the innermost entity.
        top = stack[-1]
        kind = top.kind
        if char == "\n" and kind != "BlockQuote":
            spoiler_marks_expandable = kind == "Spoiler" and (
                top.source_index == i - 2 or (top.source_index == i - 3 and out and out[-1] == "\r")
            )
            if not spoiler_marks_expandable or len(stack) < 2:
                raise _no_end(source, top)
            stack.pop()
            top = stack[-1]
            if top.kind != "BlockQuote":
                raise _no_end(source, top)
            kind = "ExpandableBlockQuote"
        skip = utf16 == top.offset
        argument = top.argument
        if kind in ("Bold", "Italic", "Code", "Strikethrough"):
            i += 1
        elif kind in ("Underline", "Spoiler"):
            i += 2
        elif kind in ("Pre", "PreCode"):
            i += 3
        elif kind == "TextUrl":
            if source[i + 1 : i + 2] != "(":
                url = "".join(out[top.out_start :])
                i += 1
            else:
                read = _md2_read_url(source, i + 2)
                if read is None:
                    raise EntityParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(source, i + 2)}"
                    )
                url, close = read
                i = close + 1
            link = None if skip else _link_entity(url, top.offset, utf16 - top.offset)
            if link is not None:
                entities.append(link)
            stack.pop()
            continue
        elif kind == "CustomEmoji":
            if source[i + 1 : i + 2] != "(":
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            read = _md2_read_url(source, i + 2)
            if read is None:
                raise EntityParseError(
                    "Can't find end of a custom emoji URL at byte offset "
                    f"{_byte_offset(source, i + 2)}"
                )
            url, close = read
            match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
            if match is None or int(match.group(1)) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            argument = match.group(1)
            i = close + 1
        else:  # BlockQuote / ExpandableBlockQuote ended by a newline not followed by '>'
            have_blockquote = False
            out.append(char)
            utf16 += 1
            can_start_blockquote = True
            skip = False
            i += 1
        if not skip:
            entity: JSONDict = {
                "type": _MD2_TYPES[kind],
                "offset": top.offset,
                "length": utf16 - top.offset,
            }
            if kind == "PreCode":
                entity["language"] = argument
            elif kind == "CustomEmoji":
                entity["custom_emoji_id"] = argument
            entities.append(entity)
        stack.pop()

    if have_blockquote and stack:
        kind = "BlockQuote"
        if stack[-1].kind == "Spoiler" and stack[-1].source_index == n - 2 and len(stack) > 1:
            stack.pop()
            kind = "ExpandableBlockQuote"
        if stack[-1].kind == "BlockQuote":
            top = stack.pop()
            if utf16 != top.offset:
                entities.append(
                    {"type": _MD2_TYPES[kind], "offset": top.offset, "length": utf16 - top.offset}
                )
    if stack:
        raise _no_end(source, stack[-1])
    return "".join(out), _sorted_entities(entities)


def parse_markdown(source: str) -> tuple[str, list[JSONDict]]:
    """Parse legacy ``Markdown`` (``*bold* _italic_ `code` ```pre``` [text](url)``)."""
    out: list[str] = []
    entities: list[JSONDict] = []
    utf16 = 0
    n = len(source)
    i = 0
    while i < n:
        char = source[i]
        if char == "\\" and source[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(source[i + 1])
            utf16 += 1
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            utf16 += _u16(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        i += 1
        is_pre = False
        language = ""
        if char == "`" and source.startswith("``", i):
            i += 2
            is_pre = True
            lang_end = i
            while lang_end < n and source[lang_end] not in _TAG_SPACE and source[lang_end] != "`":
                lang_end += 1
            if i != lang_end and lang_end < n and source[lang_end] != "`":
                language = source[i:lang_end]
                i = lang_end
            if i < n and source[i] in "\r\n":
                pair = source[i : i + 2]
                i += 2 if len(pair) == 2 and pair in ("\r\n", "\n\r") else 1
        start_utf16 = utf16
        start_out = len(out)
        while i < n and (source[i] != end_char or (is_pre and not source.startswith("``", i + 1))):
            out.append(source[i])
            utf16 += _u16(source[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                "Can't find end of the entity starting at byte offset "
                f"{_byte_offset(source, begin)}"
            )
        length = utf16 - start_utf16
        if char == "[":
            if source[i + 1 : i + 2] == "(":
                close = source.find(")", i + 2)
                close = n if close == -1 else close
                url = source[i + 2 : close]
                i = close
            else:
                url = "".join(out[start_out:])
            link = _link_entity(url, start_utf16, length) if length else None
            if link is not None:
                entities.append(link)
        elif length:
            if char == "`":
                entity: JSONDict = {
                    "type": "pre" if is_pre else "code",
                    "offset": start_utf16,
                    "length": length,
                }
                if language:
                    entity["language"] = language
            else:
                kind = "italic" if char == "_" else "bold"
                entity = {"type": kind, "offset": start_utf16, "length": length}
            entities.append(entity)
        i += 3 if is_pre else 1
    return "".join(out), _sorted_entities(entities)


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram drops leading and trailing whitespace; entities are shifted/clipped to match."""
    trimmed = text.strip()
    if trimmed == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(trimmed)
    kept: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return trimmed, kept
