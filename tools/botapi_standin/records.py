"""The records the stand-in hands to tests: uploads, requests, messages and edits."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.botapi_standin.constants import JSONDict


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as the stand-in received it."""

    field_name: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Size in bytes; tests rarely want the content itself in assertion output."""
        return len(self.data)


@dataclass(frozen=True)
class RecordedRequest:
    """One Bot API call as the stand-in saw and answered it.

    ``params`` is the normalised request (query string, JSON, form and multipart merged into one
    dict, JSON-valued fields such as ``reply_markup`` decoded, uploads as :class:`UploadedFile`).
    ``time`` is ``time.monotonic()`` when the answer was produced.
    """

    method: str
    params: JSONDict
    status: int
    time: float
    response: JSONDict
    http_method: str
    content_type: str
    injected: bool = False

    @property
    def ok(self) -> bool:
        """Whether Telegram would have accepted the call."""
        return self.status == 200

    @property
    def description(self) -> str | None:
        """The error description, for failed calls."""
        value = self.response.get("description")
        return value if isinstance(value, str) else None


@dataclass
class BotMessage:
    """A message the bot delivered, in its current state (edits are applied in place).

    ``text`` is what the user sees for text messages (markup parsed away), ``caption`` the same
    for media; ``source`` is the raw text/caption as the bot sent it (with its markup).
    """

    message_id: int
    chat_id: int
    kind: str
    text: str | None
    caption: str | None
    source: str | None
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    date: int
    file_id: str | None = None
    media: JSONDict = field(default_factory=dict)
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    raw: JSONDict = field(default_factory=dict, repr=False)

    @property
    def content(self) -> str | None:
        """Text for text messages, caption for media: what a reader would see."""
        return self.text if self.text is not None else self.caption

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        """The inline keyboard rows, or ``[]`` when the message has none."""
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline buttons flattened as (label, callback_data); URL buttons have ``None``."""
        return [
            (button["text"], button.get("callback_data"))
            for row in self.inline_keyboard
            for button in row
        ]


@dataclass(frozen=True)
class EditRecord:
    """One successful edit of a bot message (the message itself is updated in place)."""

    method: str
    chat_id: int
    message_id: int
    old_content: str | None
    new_content: str | None
    old_reply_markup: JSONDict | None
    new_reply_markup: JSONDict | None
    time: float
