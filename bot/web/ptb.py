"""python-telegram-bot on the webhook: handling a posted update, and setting the webhook.

PTB's custom-webhook example puts each posted update on the Application's update queue and
answers at once; here the update is processed in the request instead (``process_update``), so
the answer is only sent once its handlers have run and the chat's state is committed. The
Application is built with ``.updater(None)``: nothing polls.

It imports neither the web app nor prometheus-client, so the starting process may use
``set_webhook`` before it prepares the metrics folder (bot/web/serve.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application

from bot.service import HANDLING_UPDATE

__all__ = ["ALLOWED_UPDATES", "handler_for", "set_webhook"]

# Every type the bot may act on; the same list long polling asks for.
ALLOWED_UPDATES = Update.ALL_TYPES


def handler_for(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """``handle_update`` for the web app: the update through the Application's handlers.

    The Application must be initialized (``async with application``). A handler's exception is
    PTB's to report (its error handlers run, as with polling) and the update counts as handled:
    re-posting a request that fails every time would only repeat the failure.
    """

    async def handle_update(update_json: dict[str, Any]) -> None:
        update = Update.de_json(update_json, application.bot)
        # The service marks the update handled in the chat's own transaction (bot/service.py).
        token = HANDLING_UPDATE.set(update.update_id)
        try:
            await application.process_update(update)
        finally:
            HANDLING_UPDATE.reset(token)

    return handle_update


async def set_webhook(bot: Bot, url: str, secret: str, *, max_connections: int = 40) -> bool:
    """Point Telegram at ``url`` (once per start, by the process that starts the workers)."""
    return await bot.set_webhook(
        url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
        max_connections=max_connections,
        drop_pending_updates=False,
    )
