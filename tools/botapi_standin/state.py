"""The stand-in's internal state: error answers and what it remembers between calls.

Chats, stored files, injected failures, callback queries, and chat members as Telegram shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.botapi_standin.constants import JSONDict


class _ApiError(Exception):
    """An error answer; ``rejection`` says whether it means the *bot* did something wrong."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        parameters: JSONDict | None = None,
        rejection: bool = True,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.rejection = rejection
        self.injected = injected

    def payload(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> _ApiError:
    return _ApiError(400, description)


@dataclass
class _Chat:
    id: int
    type: str
    first_name: str | None = None
    title: str | None = None
    username: str | None = None
    blocked_reason: str | None = None
    next_message_id: int = 1

    def to_json(self) -> JSONDict:
        data: JSONDict = {"id": self.id}
        if self.type == "private":
            data["first_name"] = self.first_name or "Alex"
        else:
            data["title"] = self.title or "crampcoach test group"
        if self.username:
            data["username"] = self.username
        data["type"] = self.type
        return data


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    content: bytes | None
    file_path: str
    size: int
    message_fields: JSONDict
    photo_sizes: list[JSONDict] | None = None  # the whole PhotoSize set this size belongs to


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None = None  # only a call for this chat fails (None: the next call)


@dataclass
class _CallbackQuery:
    query_id: str
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False


@dataclass(frozen=True)
class _WithDescription:
    result: Any
    description: str


def _update_chat_id(update: JSONDict) -> int | None:
    """The chat a user's update comes from (a message's chat, a pressed button's chat)."""
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        body = update.get(kind)
        if not isinstance(body, dict):
            continue
        holder = body.get("message", body) if kind == "callback_query" else body
        chat = holder.get("chat") if isinstance(holder, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None


def _update_type(update: JSONDict) -> str:
    return next((key for key in update if key != "update_id"), "unknown")


def _chat_member(user: JSONDict, status: str) -> JSONDict:
    """A complete ChatMember object of the given status (PTB insists on every field)."""
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
    elif status == "restricted":
        member.update(
            is_member=True,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_send_messages=True,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_manage_topics=False,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_edit_tag=False,
            can_react_to_messages=True,
            until_date=0,
        )
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}")
    return member


# =================================================================================================
# =================================================================================================
