"""The floor: the smallest python-telegram-bot bot that does what crampcoach does per update.

It echoes text, and answers a button press then sends a message, each reply with one button to
press next, so a simulated user can walk the same number of steps as through crampcoach. Built
the same way (long polling, concurrent updates, same HTTP stack), with no database and no rate
limiter: whatever crampcoach costs above this is crampcoach's own.

Run by the benchmarks as ``python -m bench.echo_bot`` with ``TELEGRAM_BOT_TOKEN`` and
``TELEGRAM_BASE_URL`` set (and optionally ``ECHO_CONNECTIONS``).
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

NEXT = InlineKeyboardMarkup([[InlineKeyboardButton("Next ▶", callback_data="n")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text, reply_markup=NEXT)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, query.data or "?", reply_markup=NEXT)


def main() -> None:
    base_url = os.environ.get("TELEGRAM_BASE_URL", "https://api.telegram.org/bot")
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(base_url)
        .concurrent_updates(True)
    )
    # ECHO_CONNECTIONS: the HTTP pool size, to compare with crampcoach's at equal pool sizes
    # (unset: PTB's default, the true floor of a bare bot).
    if connections := os.environ.get("ECHO_CONNECTIONS"):
        builder = builder.connection_pool_size(int(connections))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(poll_interval=0.0, timeout=30, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
