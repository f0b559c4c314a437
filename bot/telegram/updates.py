"""Turns a PTB `Update` into a coach event. Pure: no Bot API calls here."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType

from bot.coach import ButtonPress, Command, Event, Location, Media, Text


@dataclass(frozen=True, slots=True)
class Incoming:
    chat_id: int
    user_id: int | None
    language: str | None
    private: bool
    event: Event


def to_incoming(update: Update, bot_username: str | None) -> Incoming | None:
    """The event this update means; None for updates we ignore (edits, other bots' commands)."""
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    event: Event | None
    if update.callback_query is not None:
        data = update.callback_query.data
        event = ButtonPress(data) if data is not None else None
    elif update.message is not None:
        event = _message_event(update.message, bot_username)
    else:
        event = None
    if event is None:
        return None
    return Incoming(
        chat_id=chat.id,
        user_id=user.id if user else None,
        language=user.language_code if user else None,
        private=chat.type == ChatType.PRIVATE,
        event=event,
    )


def _message_event(message: Message, bot_username: str | None) -> Event | None:
    if message.text is not None:
        entity = message.entities[0] if message.entities else None
        if (
            entity is not None
            and entity.type == MessageEntityType.BOT_COMMAND
            and entity.offset == 0
        ):
            word = message.text[1 : entity.length]
            name, _, target = word.partition("@")
            if target and bot_username and target.lower() != bot_username.lower():
                return None  # meant for another bot in the same group
            return Command(name=name.lower(), args=message.text[entity.length :].strip())
        return Text(message.text)
    if message.sticker is not None:
        return Media("sticker")
    if message.photo:
        return Media("photo")
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        return Media("voice")
    if message.video is not None or message.animation is not None:
        return Media("video")
    if message.document is not None:
        return Media("document")
    place = message.location or (message.venue.location if message.venue else None)
    if place is not None:
        return Location(latitude=place.latitude, longitude=place.longitude)
    if message.new_chat_members or message.left_chat_member or message.pinned_message:
        return None  # service messages are not addressed to us
    return Media("other")
