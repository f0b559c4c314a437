"""`crampcoach serve`'s web side: the strict webhook app and its PTB glue.

`app` is the Starlette app (webhook, health, readiness, metrics), written against a
``handle_update(update_json)`` callable; `ptb` makes that callable from a PTB Application
without an Updater, and registers the webhook with Telegram.
"""

from __future__ import annotations

from bot.web.app import RESERVED_PATHS, SECRET_HEADER, HandleUpdate, Ledger, WebhookApp, create_app

__all__ = ["RESERVED_PATHS", "SECRET_HEADER", "HandleUpdate", "Ledger", "WebhookApp", "create_app"]
