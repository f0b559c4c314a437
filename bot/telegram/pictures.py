"""Sends exercise pictures, uploading each file once per bot and reusing Telegram's file id.

Telegram hands back a file id for every upload; sending that id instead of the file again is
instant for the person and free for the bot. The ids are kept in the database (``media_files``),
keyed by the bot's id and the file's content hash, so they survive a restart, are shared by
several bot processes, and a redrawn picture is uploaded afresh. The sender reaches them through
the service (`FileIds`), like every other transport reaches the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Any, Protocol

from telegram import InputFile, Message
from telegram.error import BadRequest

log = logging.getLogger(__name__)


class FileIds(Protocol):
    """Where the uploaded pictures' file ids are kept (the service, in front of the database)."""

    async def picture_file_ids(self, bot_id: int) -> dict[tuple[str, str], str]:
        """Every file id this bot has: ``(path, sha256) -> file_id``."""
        ...

    async def remember_picture(
        self, *, bot_id: int, path: str, sha256: str, kind: str, file_id: str
    ) -> None: ...


class PictureSender:
    """Knows which pictures this bot has uploaded already."""

    __slots__ = ("_digests", "_ids", "_load_lock", "content_dir", "store")

    def __init__(self, store: FileIds, content_dir: Path) -> None:
        self.store = store
        self.content_dir = content_dir
        self._ids: dict[tuple[str, str], str] | None = None
        self._load_lock = asyncio.Lock()
        self._digests: dict[Path, tuple[str, bytes]] = {}

    def _key(self, path: Path) -> str:
        """A stable name for the file: relative to the content folder when it is inside it."""
        try:
            return path.relative_to(self.content_dir).as_posix()
        except ValueError:
            return path.name

    def _read(self, path: Path) -> tuple[str, bytes]:
        cached = self._digests.get(path)
        if cached is None:
            data = path.read_bytes()
            cached = (hashlib.sha256(data).hexdigest(), data)
            self._digests[path] = cached
        return cached

    async def _known(self, bot_id: int) -> dict[tuple[str, str], str]:
        if self._ids is None:
            async with self._load_lock:
                if self._ids is None:
                    self._ids = await self.store.picture_file_ids(bot_id)
        return self._ids

    async def send(self, bot: Any, chat_id: int, picture: str, **message: Any) -> Message:
        """Send `picture` (PNG as a photo, GIF as an animation) with caption and buttons."""
        path = Path(picture)
        kind = "animation" if path.suffix.lower() == ".gif" else "photo"
        method = bot.send_animation if kind == "animation" else bot.send_photo
        key = self._key(path)
        sha256, data = self._read(path)
        known = await self._known(bot.id)
        file_id = known.get((key, sha256))
        if file_id is not None:
            try:
                sent: Message = await method(chat_id, file_id, **message)
                return sent
            except BadRequest as error:  # an id Telegram no longer knows: upload again
                log.warning("Telegram refused the file id of %s (%s); uploading", key, error)
                known.pop((key, sha256), None)
        sent = await method(chat_id, InputFile(data, filename=path.name), **message)
        new_id = _file_id(sent, kind)
        if new_id is not None:
            known[(key, sha256)] = new_id
            await self.store.remember_picture(
                bot_id=bot.id, path=key, sha256=sha256, kind=kind, file_id=new_id
            )
        return sent


def _file_id(message: Message, kind: str) -> str | None:
    if kind == "animation":
        return message.animation.file_id if message.animation else None
    return message.photo[-1].file_id if message.photo else None
