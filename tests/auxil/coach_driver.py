"""Drives the coach like a user would, without any transport, and keeps what it said.

`CoachDriver` holds one chat's state and a clock. Each call sends one event
through `Coach.handle` and returns a `Reply` with the actions of that turn;
buttons are found in the latest keyboard the coach sent, by label or by verb,
exactly as a user (or an adapter) would find them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.coach import (
    Button,
    ButtonPress,
    CancelTimer,
    ChatState,
    Coach,
    Command,
    Effect,
    Event,
    Keyboard,
    LogEpisode,
    Media,
    Notify,
    Outgoing,
    Phase,
    Say,
    StartTimer,
    Text,
    TimerFired,
    callbacks,
    from_dict,
    to_dict,
)
from bot.coach.effects import (
    SaveLanguage,
    SaveReminder,
    SaveSafety,
    SaveSettings,
    SaveZone,
    SkipReminder,
    SnoozeReminder,
    StopReminder,
)
from bot.coach.profile import NO_PROFILE, Profile, ReminderInfo
from bot.coach.state import Choosing, LoggingCramp, SafetyQuestion, SettingReminder
from bot.content import Content

# 02:30 UTC: the small hours, when night cramps strike.
T0 = datetime(2025, 1, 15, 2, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Reply:
    """The effects and the outbox of one turn, with shortcuts for what tests ask about."""

    effects: tuple[Effect, ...]
    outbox: tuple[Outgoing, ...]
    state: ChatState
    now: datetime = T0

    @property
    def actions(self) -> tuple[Effect | Outgoing, ...]:
        """Everything the turn asked for: the database work first, then what is sent."""
        return (*self.effects, *self.outbox)

    @property
    def says(self) -> list[Say]:
        return [a for a in self.actions if isinstance(a, Say)]

    @property
    def texts(self) -> list[str]:
        return [say.text for say in self.says]

    @property
    def text(self) -> str:
        """Every message of the turn, joined: handy for `in` checks."""
        return "\n\n".join(self.texts)

    @property
    def notes(self) -> list[str]:
        return [a.text for a in self.actions if isinstance(a, Notify)]

    @property
    def timers(self) -> list[StartTimer]:
        return [a for a in self.actions if isinstance(a, StartTimer)]

    @property
    def cancels(self) -> list[CancelTimer]:
        return [a for a in self.actions if isinstance(a, CancelTimer)]

    @property
    def episodes(self) -> list[LogEpisode]:
        return [a for a in self.actions if isinstance(a, LogEpisode)]

    @property
    def keyboard(self) -> Keyboard:
        """The buttons of the last message of this turn that had any; () if none had."""
        for say in reversed(self.says):
            if say.buttons:
                return say.buttons
        return ()

    @property
    def labels(self) -> list[str]:
        return [button.label for row in self.keyboard for button in row]


@dataclass(frozen=True, slots=True)
class Scratch:
    """What the flow on screen has chosen so far, read the same way whichever flow it is."""

    choice_mode: str | None = None
    choice_area: str | None = None
    draft_purpose: str | None = None
    draft_time: str | None = None
    draft_days: int | None = None
    diary_when: str | None = None
    safety_question: str | None = None


def scratch(state: ChatState) -> Scratch:
    match state.flow:
        case Choosing(mode=mode, area=area):
            return Scratch(choice_mode=mode, choice_area=area)
        case SettingReminder(draft=draft):
            return Scratch(
                draft_purpose=draft.purpose, draft_time=draft.time, draft_days=draft.days
            )
        case LoggingCramp(area=area, when=when):
            return Scratch(choice_area=area, diary_when=when)
        case SafetyQuestion(question=question):
            return Scratch(safety_question=question)
    return Scratch()


def flat(keyboard: Keyboard) -> list[Button]:
    return [button for row in keyboard for button in row]


@dataclass
class CoachDriver:
    """One chat with the coach. `now` only moves when a test moves it."""

    coach: Coach
    state: ChatState = field(default_factory=ChatState)
    now: datetime = T0
    language: str | None = None
    roundtrip: bool = False
    keyboard: Keyboard = ()
    history: list[Reply] = field(default_factory=list)
    # The user's zone and reminder; reminder actions change it the way the service's rows would.
    profile: Profile = NO_PROFILE

    # -- sending ---------------------------------------------------------------------------
    def send(self, event: Event) -> Reply:
        result = self.coach.handle(
            self.state, event, self.now, language=self.language, profile=self.profile
        )
        for effect in result.effects:
            self.profile = apply_to_profile(self.profile, effect)
        state = result.state
        if self.roundtrip:  # as an adapter would: through the JSON row and back
            state = from_dict(json.loads(json.dumps(to_dict(state))))
            assert state == result.state
        self.state = state
        reply = Reply(effects=result.effects, outbox=result.outbox, state=state, now=self.now)
        if reply.keyboard:
            self.keyboard = reply.keyboard
        self.history.append(reply)
        return reply

    def command(self, name: str, args: str = "") -> Reply:
        return self.send(Command(name, args))

    def start(self) -> Reply:
        return self.command("start")

    def say(self, text: str) -> Reply:
        return self.send(Text(text))

    def media(self, kind: str) -> Reply:
        return self.send(Media(kind))

    def press_data(self, data: str) -> Reply:
        return self.send(ButtonPress(data))

    def button(self, label: str) -> Button:
        """The button with this label in the latest keyboard."""
        for candidate in flat(self.keyboard):
            if candidate.label == label:
                return candidate
        raise AssertionError(f"no button {label!r} in {[b.label for b in flat(self.keyboard)]}")

    def button_for(self, verb: str, arg: str | None = None) -> Button:
        """The button with this callback verb (and argument) in the latest keyboard."""
        for candidate in flat(self.keyboard):
            decoded = callbacks.split(candidate.data)
            assert decoded is not None, candidate
            if decoded.prefix == verb and (arg is None or decoded.arg == arg):
                return candidate
        raise AssertionError(f"no button {verb}.{arg} in {[b.data for b in flat(self.keyboard)]}")

    def press(self, label: str) -> Reply:
        return self.press_data(self.button(label).data)

    def tap(self, verb: str, arg: str | None = None) -> Reply:
        return self.press_data(self.button_for(verb, arg).data)

    # -- time ------------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def fire(self) -> Reply:
        """Move the clock to the pending timer and deliver it."""
        timer = self.state.timer
        assert timer is not None, "no timer is pending"
        self.now = max(self.now, timer.due_at)
        return self.send(TimerFired(timer.token))

    # -- whole flows -----------------------------------------------------------------------
    def begin(self, area: str, position: str) -> Reply:
        """/start, the area, the position: the reply carrying the first instruction."""
        self.start()
        self.tap("a", area)
        return self.tap("p", position)

    def finish(self, feeling: str = "better", *, use_timers: bool = True, limit: int = 200) -> Walk:
        """Run the current routine to its end: timers (or Next) for steps, `feeling` after each."""
        walk = Walk()
        for _ in range(limit):
            phase = self.state.phase
            if phase == Phase.STEP:
                if use_timers and self.state.timer is not None:
                    reply = self.fire()
                else:
                    reply = self.tap("n")
            elif phase == Phase.ASK_FEELING:
                reply = self.tap("f", feeling)
            elif phase == Phase.ASK_STAND:  # stay where we are, as the careful answer
                reply = self.tap("sd", "no")
            else:
                return walk
            walk.replies.append(reply)
        raise AssertionError("the routine did not end")


def apply_to_profile(profile: Profile, action: Effect) -> Profile:
    """What the service does to the rows, on the in-memory profile (history fields aside)."""
    reminder = profile.reminder
    match action:
        case SaveZone(zone=zone):
            return replace(profile, zone=zone)
        case SaveLanguage(language=language):
            return replace(profile, language=language)
        case SaveReminder():
            kept = reminder or ReminderInfo(
                zone=action.zone, at=action.at, days=action.days, enabled=True
            )
            return replace(
                profile,
                zone=action.zone,
                reminder=replace(
                    kept,
                    zone=action.zone,
                    at=action.at,
                    days=action.days,
                    enabled=True,
                    next_fire_at=action.next_fire_at,
                    next_local_date=action.next_local_date,
                    snooze_until=None,
                ),
            )
        case StopReminder() if reminder is not None:
            return replace(
                profile,
                reminder=replace(
                    reminder,
                    enabled=False,
                    next_fire_at=None,
                    next_local_date=None,
                    snooze_until=None,
                ),
            )
        case SnoozeReminder(until=until) if reminder is not None:
            return replace(profile, reminder=replace(reminder, snooze_until=until))
        case SkipReminder() if reminder is not None:
            return replace(profile, reminder=replace(reminder, snooze_until=None))
        case SaveSettings(pictures=pictures):
            return replace(profile, pictures=pictures)
        case SaveSafety(answers=answers):
            return replace(profile, safety=answers)
    return profile


@dataclass
class Walk:
    """Every reply of a walk through a routine."""

    replies: list[Reply] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [text for reply in self.replies for text in reply.texts]

    @property
    def episodes(self) -> list[LogEpisode]:
        return [episode for reply in self.replies for episode in reply.episodes]


def all_actions(replies: Iterable[Reply]) -> list[Effect | Outgoing]:
    return [action for reply in replies for action in reply.actions]


def warning_line(content: Content, number: str | None = None) -> str:
    """The warning line as the first step shows it: with the number, or "your emergency number"."""
    emergency = f"<b>{number}</b>" if number else content.catalog("en").text("call.your_number")
    return content.safety["warning_line"].text.format(emergency=emergency)
