"""The coach: `(state, event, now) -> (state, effects, outbox)`, with no I/O and no transport.

This module runs one event through the flows' router (`bot/coach/flows/`): a command to its
handler, a button press to the handler of its kind of button (if it is still valid on the
screen it came from), free text through the warning signs and then each flow's words, a timer
to the flow that set it. What is left over (media, a reopened chat, words nobody took) is
answered here, by showing the question on screen again.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from bot.coach import callbacks, warnings
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
from bot.coach.flows import MENU, ROUTER, choose, diary, reminder_night, reminders
from bot.coach.intents import find_intents
from bot.coach.profile import NO_PROFILE, Profile
from bot.coach.router import Words
from bot.coach.state import IDLE, ChatState, Phase
from bot.coach.turn import Result, Turn
from bot.content import Content
from bot.reminders.zones import ZoneBook

COMMANDS = MENU


def needs_diary(event: Event) -> bool:
    """Whether answering `event` needs the person's diary (the service loads it only then)."""
    match event:
        case Command(name=name):
            return name == "diary"
        case Text(text=text):
            return text.lstrip().lower().startswith("/diary")
        case ButtonPress(data=data):
            press = callbacks.unpack(data)
            return press is not None and isinstance(press.data, diary.Report)
    return False


class Coach:
    """Holds the content and timing settings; `handle` is a pure function of its arguments."""

    __slots__ = ("checkin_after", "content", "locate", "time_scale", "zones")

    def __init__(
        self,
        content: Content,
        *,
        zones: ZoneBook,
        time_scale: float = 1.0,
        checkin_after: timedelta = timedelta(minutes=15),
        locate: reminders.Locator | None = None,
    ) -> None:
        if not 0 < time_scale < math.inf:  # also rejects NaN, which compares false to everything
            raise ValueError("time_scale must be a finite number greater than 0")
        self.content = content
        self.time_scale = time_scale
        self.checkin_after = checkin_after
        # Time zones people name, loaded once at start-up (bot.reminders.zone_data).
        self.zones = zones
        # Coordinates -> IANA zone, offline; injectable so tests can place a location anywhere.
        self.locate = locate if locate is not None else zones.zone_at

    def handle(
        self,
        state: ChatState,
        event: Event,
        now: datetime,
        *,
        language: str | None = None,
        profile: Profile = NO_PROFILE,
    ) -> Result:
        if language and language != state.language:
            state = replace(state, language=language)
        state = self._fits_content(state)
        # The person's own choice first; else their Telegram app's language, matched to one we
        # ship (pt-br -> pt-BR, anything else -> English): texts, exercises and safety alike.
        content = self.content.localized(profile.language or state.language)
        turn = Turn(
            state,
            content=content,
            catalog=content.catalog(content.language),
            now=now,
            time_scale=self.time_scale,
            checkin_after=self.checkin_after,
            zones=self.zones,
            profile=profile,
        )
        match event:
            case Command(name=name, args=args):
                _command(turn, name, args)
            case ButtonPress(data=data):
                _button(turn, data)
            case Text(text=text):
                _text(turn, text)
            case Media(kind=kind):
                _media(turn, kind)
            case Location(latitude=latitude, longitude=longitude):
                if not reminders.location(turn, latitude, longitude, self.locate):
                    _media(turn, "location")
            case TimerFired(token=token):
                _timer(turn, token)
            case Reopened():
                _reopened(turn)
            case ReminderDue():
                # Worded from the event alone: it reads and changes no chat state.
                return Result(
                    state,
                    outbox=reminder_night.reminder_messages(
                        self.content.localized(event.language),
                        language=event.language,
                        night=event.night,
                        snoozed=event.snoozed,
                        ask_helping=event.ask_helping,
                        kind=event.kind,
                    ),
                )
        return turn.result()

    def _fits_content(self, state: ChatState) -> ChatState:
        """Drop a routine the content no longer has (an exercise renamed or shortened since)."""
        progress = state.progress
        if progress is None:
            return state
        exercises = self.content.exercises
        known = all(
            isinstance(exercise_id, str) and exercise_id in exercises
            for exercise_id in (*progress.plan, *progress.spare, *progress.options)
        )
        if known and progress.step < len(exercises[progress.exercise_id].steps):
            return state
        return replace(state, flow=IDLE, timer=None)


def _command(turn: Turn, name: str, args: str = "") -> None:
    handler = ROUTER.commands.get(name)
    if handler is not None:
        handler(turn, args)
        return
    turn.say(turn.text("unknown_command"))
    _reprompt(turn)  # the question on screen still stands; show it again with its buttons


def _button(turn: Turn, data: str) -> None:
    """A press goes to its handler if it is valid here: anywhere, or on the screen on show."""
    press = callbacks.unpack(data)
    route = ROUTER.buttons.get(type(press.data)) if press is not None else None
    if press is None or route is None:
        turn.notify(turn.text("stale_button"))
        return
    if route.phases is not None and (
        press.screen != turn.state.screen or turn.state.phase not in route.phases
    ):
        turn.notify(turn.text("stale_button"))
        return
    route.handler(turn, press.data)


def _timer(turn: Turn, token: str) -> None:
    timer = turn.state.timer
    if timer is None or timer.token != token:
        return  # the user already moved on; this follow-up no longer applies
    turn.fired()
    handler = ROUTER.timers.get(timer.kind)
    if handler is not None:
        handler(turn)


def _reopened(turn: Turn) -> None:
    if turn.state.phase in (Phase.IDLE, Phase.CHECKIN):
        choose.start(turn)
        return
    turn.say(turn.text("where_we_were"))
    _reprompt(turn)


def _media(turn: Turn, kind: str) -> None:
    key = f"media.{kind}" if f"media.{kind}" in turn.catalog.strings else "media.other"
    turn.say(turn.text(key))
    if not _reprompt(turn):
        turn.say(turn.text("idle_hint"))


def _reprompt(turn: Turn) -> bool:
    return ROUTER.show_again(turn)


def _text(turn: Turn, text: str) -> None:
    if text.startswith("/"):
        word, _, args = text[1:].partition(" ")
        name = word.split("@")[0].lower()
        _command(turn, name if name in COMMANDS else "", args.strip())
        return
    intents = find_intents(text, turn.catalog.intents)
    info = warnings.flags_in(turn, intents)
    if info:
        if warnings.answer_flags(turn, info):
            return  # an urgent sign ended the routine and any check-in: a doctor is next
        # "My foot has gone numb" is not "gone": next to a warning sign, no feeling is read.
        intents = [i for i in intents if not i.startswith("feeling.")]
    if ROUTER.words(turn, Words(text, tuple(intents))):
        return
    if info:  # the safety answer was the reply; show where we are without scolding
        _reprompt(turn)
        return
    turn.say(turn.text("nudge") if turn.state.phase != Phase.IDLE else turn.text("idle_hint"))
    _reprompt(turn)
