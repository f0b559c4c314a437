"""The coach's flows, each a module with its own buttons, handlers and router, composed here.

The order below is the order in which typed words are tried: "stop" first, help last, and in
between the order that settles words two flows would both take (a reminder being set up
reads a time before anything else does; "I had a cramp" is a diary entry before "cramp" starts a
routine; "my calf" starts a routine before it is read as an answer to the check-in).
`MENU` is the order of the commands in the bot's menu.
"""

from __future__ import annotations

from bot.coach.flows import (
    cancel,
    checkin,
    choose,
    data,
    diary,
    help,
    language,
    reminder_night,
    reminders,
    routine,
    routine_end,
    safety,
    settings,
)
from bot.coach.router import Router

ROUTER = Router().include(
    cancel.router,
    reminders.router,
    reminder_night.router,
    diary.router,
    choose.router,
    checkin.router,
    routine_end.router,
    routine.router,
    safety.router,
    settings.router,
    language.router,
    data.router,
    help.router,
)
MENU = (
    "start",
    "routine",
    "reminder",
    "timezone",
    "help",
    "cancel",
    "diary",
    "settings",
    "language",
    "privacy",
    "export",
    "forget",
    "safety",
)
if set(MENU) != set(ROUTER.commands):  # a command without a menu entry, or the reverse
    raise RuntimeError(f"menu {sorted(MENU)} != commands {sorted(ROUTER.commands)}")
