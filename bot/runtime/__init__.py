"""The runtime around the coach, the same for every transport (docs/architecture.md)."""

from bot.runtime.outbox import Reply, reply
from bot.runtime.runtime import TERMINAL_CHAT_ID, FloodLimited, Runtime
from bot.runtime.transport import SENT, Armed, Delivery, Fire, Lane, Message, Outcome, Transport

__all__ = [
    "SENT",
    "TERMINAL_CHAT_ID",
    "Armed",
    "Delivery",
    "Fire",
    "FloodLimited",
    "Lane",
    "Message",
    "Outcome",
    "Reply",
    "Runtime",
    "Transport",
    "reply",
]
