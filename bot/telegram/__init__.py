"""The Telegram adapter: PTB updates in, coach events through, Bot API calls out."""

from bot.telegram.app import build_application, serve

__all__ = ["build_application", "serve"]
