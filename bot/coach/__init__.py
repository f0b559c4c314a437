"""The conversation as a transport-free state machine (see ARCHITECTURE.md)."""

from bot.coach.actions import (
    Action,
    Attach,
    Button,
    CancelTimer,
    Keyboard,
    LogEpisode,
    Notify,
    Say,
    StartTimer,
)
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
from bot.coach.state import ChatState, Phase, from_dict, to_dict
from bot.coach.turn import Result

__all__ = [
    "COMMANDS",
    "Action",
    "Attach",
    "Button",
    "ButtonPress",
    "CancelTimer",
    "ChatState",
    "Coach",
    "Command",
    "Event",
    "Keyboard",
    "Location",
    "LogEpisode",
    "Media",
    "Notify",
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
