"""PTB handlers around the runtime: updates become coach events, and nothing more.

Nothing here decides what to say or how to deliver it: the `Runtime` (`bot/runtime/`) plays
every reply, keeps the timers and runs the reminder clock, and `TelegramTransport`
(`bot/telegram/transport.py`) makes the Bot API calls and reads Telegram's errors. What is
Telegram's own stays here: the command menu, chats that are not private, the "blocked" and
"unblocked" updates, and a kind reply when handling an update failed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from telegram import BotCommand, CallbackQuery, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.coach import COMMANDS, Say
from bot.content import DEFAULT_LANGUAGE, Content
from bot.content.i18n import telegram_code
from bot.runtime import Runtime
from bot.service import ChatService
from bot.telegram.pictures import PictureSender
from bot.telegram.transport import App, TelegramTransport, markup
from bot.telegram.updates import Incoming, to_incoming

__all__ = ["App", "TelegramAdapter", "markup"]

log = logging.getLogger(__name__)


class TelegramAdapter:
    """Wires a `ChatService` into a PTB `Application`, through one `Runtime`."""

    __slots__ = (
        "_make_runtime",
        "_paid_broadcast",
        "_runtime",
        "content",
        "pictures",
        "service",
    )

    def __init__(
        self,
        service: ChatService,
        content: Content,
        *,
        send_attempts: int = 3,
        retry_delay: float = 0.5,
        reminder_tick: float = 20.0,
        reminder_grace: timedelta = timedelta(minutes=30),
        reminder_retry: timedelta = timedelta(seconds=30),
        paid_broadcast: bool = False,
        timer_sweep: float | None = None,
    ) -> None:
        """The runtime's settings (`bot.runtime.Runtime`); `paid_broadcast`: send reminders
        with `allow_paid_broadcast` (over 30 a second, paid in Telegram Stars by the bot's
        owner)."""
        self.service = service
        self.content = content
        self._paid_broadcast = paid_broadcast
        self._make_runtime = partial(
            Runtime[CallbackQuery],
            service,
            send_attempts=send_attempts,
            retry_delay=retry_delay,
            reminder_tick=reminder_tick,
            reminder_grace=reminder_grace,
            reminder_retry=reminder_retry,
            timer_sweep=timer_sweep,
        )
        self._runtime: Runtime[CallbackQuery] | None = None
        self.pictures = PictureSender(service, content.directory)

    @property
    def runtime(self) -> Runtime[CallbackQuery]:
        if self._runtime is None:
            raise RuntimeError("install the adapter in an Application first")
        return self._runtime

    def install(self, app: App) -> None:
        transport = TelegramTransport(app, self.pictures, paid_broadcast=self._paid_broadcast)
        self._runtime = self._make_runtime(transport)
        app.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(CallbackQueryHandler(self.on_update))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_update))
        app.add_error_handler(self.on_error)

    async def startup(self, app: App) -> None:
        """Publish the command menu, re-arm pending follow-ups, and start the reminder clock."""
        for language, catalog in self.content.catalogs.items():
            commands = [BotCommand(name, catalog.commands[name]) for name in COMMANDS]
            # Telegram takes two-letter codes only (pt-BR is "pt"); English is the default
            # menu, for every app language we do not ship.
            await app.bot.set_my_commands(
                commands,
                language_code=None if language == DEFAULT_LANGUAGE else telegram_code(language),
            )
        await self.runtime.start()
        self.runtime.start_clock()

    async def shutdown(self) -> None:
        """Stop the reminder clock and the armed timers (the database keeps them)."""
        if self._runtime is not None:
            await self._runtime.stop()

    # -- incoming ----------------------------------------------------------------------------
    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update, context.bot.username)
        query = update.callback_query
        if incoming is None:
            if query is not None:
                await self.runtime.transport.answer(0, query, None)
            return
        if not incoming.private:
            await self._group_reply(incoming, query)
            return
        await self.runtime.handle(
            incoming.chat_id,
            incoming.event,
            user_id=incoming.user_id,
            language=incoming.language,
            press=query,
        )

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the blocked flag true both ways: blocked on "kicked", unblocked on "member"."""
        change = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        status = change.new_chat_member.status
        blocked = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
        await self.runtime.set_blocked(change.from_user.id, change.chat.id, blocked)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log it for us; tell the user something kind; never show them a traceback."""
        log.error("Error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.callback_query is not None:
            await self.runtime.transport.answer(
                update.effective_chat.id, update.callback_query, None
            )
        if update.effective_chat.type == "private":
            catalog = self.content.catalog(
                update.effective_user.language_code if update.effective_user else None
            )
            try:
                await context.bot.send_message(
                    update.effective_chat.id, catalog.text("error_sorry")
                )
            except TelegramError:
                log.warning("Could not tell chat %s about the error", update.effective_chat.id)

    async def _group_reply(self, incoming: Incoming, query: CallbackQuery | None) -> None:
        text = self.content.catalog(incoming.language).text("group_only")
        if query is not None:
            await self.runtime.transport.answer(incoming.chat_id, query, text)
            return
        await self.runtime.say(incoming.chat_id, Say(text))
