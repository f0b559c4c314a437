"""The Telegram transport: PTB updates in, coach events through the runtime, Bot API calls out."""

from bot.telegram.app import build_application, serve

__all__ = ["build_application", "serve"]
