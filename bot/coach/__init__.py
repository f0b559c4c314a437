"""The conversation as a transport-free state machine (see docs/architecture.md)."""

from bot.coach.effects import Effect, LogEpisode
from bot.coach.events import (
    ButtonPress,
    Command,
    Event,
    Location,
    Media,
    ReminderDue,
    Reopened,
    Text,
    TimerFired,
)
from bot.coach.machine import COMMANDS, Coach
from bot.coach.outbox import (
    Attach,
    Button,
    CancelTimer,
    DiaryPicture,
    Keyboard,
    Notify,
    Outgoing,
    Say,
    StartTimer,
)
from bot.coach.state import ChatState, Phase, from_dict, to_dict
from bot.coach.turn import Result

__all__ = [
    "COMMANDS",
    "Attach",
    "Button",
    "ButtonPress",
    "CancelTimer",
    "ChatState",
    "Coach",
    "Command",
    "DiaryPicture",
    "Effect",
    "Event",
    "Keyboard",
    "Location",
    "LogEpisode",
    "Media",
    "Notify",
    "Outgoing",
    "Phase",
    "ReminderDue",
    "Reopened",
    "Result",
    "Say",
    "StartTimer",
    "Text",
    "TimerFired",
    "from_dict",
    "to_dict",
]
