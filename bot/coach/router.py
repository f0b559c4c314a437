"""A small router: each flow registers its handlers here, and the coach asks the router.

A flow says which commands it answers, which buttons (by their `CallbackData` class) it
handles and on which screens they are valid (the phases where they are the question on screen,
or anywhere, from any message), which typed words it understands in which phases, how to show
its question again, and which timers are its. The coach composes the flows' routers in one
order, which is also the order in which typed words are tried.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.coach.callbacks import CallbackData
from bot.coach.state import Phase
from bot.coach.turn import ButtonSpec, Turn

Data = TypeVar("Data", bound=CallbackData)
Choice = TypeVar("Choice", bound=str)
CommandHandler = Callable[[Turn, str], None]
AnyCommand = TypeVar("AnyCommand", bound=CommandHandler)
ButtonHandler = Callable[[Turn, Any], None]
TextHandler = Callable[[Turn, "Words"], bool]
Reprompt = Callable[[Turn], bool]
TimerHandler = Callable[[Turn], None]


@dataclass(frozen=True, slots=True)
class Words:
    """Free text as the coach read it: the words, and the intents found in them."""

    text: str
    intents: tuple[str, ...]

    def has(self, intent: str) -> bool:
        return intent in self.intents

    def one_of(self, prefix: str) -> str | None:
        """The single intent with this prefix, or None when there is none or it is ambiguous."""
        matches = [i.removeprefix(prefix) for i in self.intents if i.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    def pick(self, prefix: str, choices: tuple[Choice, ...]) -> Choice | None:
        """Like `one_of`, as one of `choices` (an area, a feeling) or None."""
        found = self.one_of(prefix)
        return next((choice for choice in choices if choice == found), None)


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    handler: ButtonHandler
    # None: valid from any message; otherwise the phases whose question on screen it answers.
    phases: frozenset[Phase] | None


@dataclass(frozen=True, slots=True)
class TextRoute:
    handler: TextHandler
    phases: frozenset[Phase] | None


@dataclass
class Router:
    """One flow's registrations; `include` merges flows into the coach's router."""

    commands: dict[str, CommandHandler] = field(default_factory=dict)
    buttons: dict[type[CallbackData], ButtonRoute] = field(default_factory=dict)
    texts: list[TextRoute] = field(default_factory=list)
    reprompts: dict[Phase, Reprompt] = field(default_factory=dict)
    timers: dict[str, TimerHandler] = field(default_factory=dict)

    # -- registration ----------------------------------------------------------------------
    def command(self, *names: str) -> Callable[[AnyCommand], AnyCommand]:
        def register(handler: AnyCommand) -> AnyCommand:
            command: CommandHandler = handler
            for name in names:
                _add(self.commands, name, command, "command")
            return handler

        return register

    def button(
        self, data: type[Data], *phases: Phase
    ) -> Callable[[Callable[[Turn, Data], None]], Callable[[Turn, Data], None]]:
        """A button valid on the screen of `phases`; with no phases, valid from any message."""

        def register(handler: Callable[[Turn, Data], None]) -> Callable[[Turn, Data], None]:
            route = ButtonRoute(handler, frozenset(phases) if phases else None)
            codec: type[CallbackData] = data
            _add(self.buttons, codec, route, "button")
            return handler

        return register

    def text(self, *phases: Phase) -> Callable[[TextHandler], TextHandler]:
        """Typed words in `phases` (any phase with none); True when the handler acted on them."""

        def register(handler: TextHandler) -> TextHandler:
            self.texts.append(TextRoute(handler, frozenset(phases) if phases else None))
            return handler

        return register

    def answer(
        self,
        phase: Phase,
        prefix: str,
        choices: tuple[Choice, ...],
        act: Callable[[Turn, Choice], None],
    ) -> None:
        """Typed words naming exactly one of `choices` (intents `prefix` + choice) answer the
        question of `phase`: "in bed" for where, "better" for how it is now."""

        def answered(turn: Turn, words: Words) -> bool:
            choice = words.pick(prefix, choices)
            if choice is None:
                return False
            act(turn, choice)
            return True

        self.text(phase)(answered)

    def reprompt(self, *phases: Phase) -> Callable[[Reprompt], Reprompt]:
        """How to show the question of `phases` again, with buttons that stay valid (False when
        there turns out to be nothing to show)."""

        def register(handler: Reprompt) -> Reprompt:
            for phase in phases:
                _add(self.reprompts, phase, handler, "reprompt")
            return handler

        return register

    def question(self, phase: Phase, key: str, rows: Sequence[Sequence[ButtonSpec]]) -> None:
        """A question shown again just as it was asked: its text and its buttons, which stay
        valid (not a fresh screen)."""

        def again(turn: Turn) -> bool:
            turn.say(turn.text(key), buttons=turn.keyboard(rows, fresh=False))
            return True

        self.reprompt(phase)(again)

    def timer(self, kind: str) -> Callable[[TimerHandler], TimerHandler]:
        def register(handler: TimerHandler) -> TimerHandler:
            _add(self.timers, kind, handler, "timer")
            return handler

        return register

    def include(self, *others: Router) -> Router:
        for other in others:
            for name, command in other.commands.items():
                _add(self.commands, name, command, "command")
            for data, route in other.buttons.items():
                _add(self.buttons, data, route, "button")
            self.texts.extend(other.texts)
            for phase, reprompt in other.reprompts.items():
                _add(self.reprompts, phase, reprompt, "reprompt")
            for kind, timer in other.timers.items():
                _add(self.timers, kind, timer, "timer")
        return self

    # -- dispatch --------------------------------------------------------------------------
    def words(self, turn: Turn, words: Words) -> bool:
        """Try the text handlers valid in this phase, in order; False when none acted."""
        for route in self.texts:
            valid = route.phases is None or turn.state.phase in route.phases
            if valid and route.handler(turn, words):
                return True
        return False

    def show_again(self, turn: Turn) -> bool:
        """Show the question on screen again; False when nothing is being asked."""
        reprompt = self.reprompts.get(turn.state.phase)
        return reprompt is not None and reprompt(turn)


Key = TypeVar("Key")
Value = TypeVar("Value")


def _add(table: MutableMapping[Key, Value], key: Key, value: Value, what: str) -> None:
    if key in table:
        raise ValueError(f"two flows register the {what} {key!r}")
    table[key] = value
