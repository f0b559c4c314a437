"""Typed callback data for inline buttons, with the compact wire format people already have.

Wire format: ``<screen>.<prefix>[.<field>.<field>…]``, e.g. ``12.a.calf``. The screen number
ties a button to the message that carried it, so a press on an old message can be recognised
and answered kindly instead of acting on a stale choice. A reminder's buttons carry screen 0:
they belong to their night, not to a message of the conversation.

Each kind of button is a `CallbackData` subclass (aiogram's `CallbackData` is the model): its
class keyword `prefix` is the verb on the wire, its fields are typed and validated by pydantic,
`pack(screen)` writes it and `unpack(data)` reads any button back into the right class, or
None for anything we did not produce (old formats, tampering). Telegram's 64-byte limit is
the Telegram transport's business (its markup builder refuses longer data); a test checks that
every kind of button, with its longest values, fits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationError

if TYPE_CHECKING:  # the turn builds keyboards from these: a cycle only for the type checker
    from bot.coach.turn import Turn


@dataclass(frozen=True, slots=True)
class Envelope:
    """The three parts of callback data on the wire, before the fields are read."""

    screen: int
    prefix: str
    arg: str = ""


def split(data: str) -> Envelope | None:
    """Parse the wire format; None for anything that is not ours."""
    parts = data.split(".", 2)
    # isascii: str.isdigit() also accepts "²" or "١", which int() rejects or reads differently.
    if len(parts) < 2 or not (parts[0].isascii() and parts[0].isdigit()) or not parts[1]:
        return None
    return Envelope(screen=int(parts[0]), prefix=parts[1], arg=parts[2] if len(parts) == 3 else "")


def _digits(value: Any) -> Any:
    """Only plain ASCII digits are a number on the wire ("+1", " 1" or "١" are not)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(f"{value!r} is not a number")
    return value


def _night(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise ValueError(f"{value!r} is not a night")
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    return value


def night_arg(night: date) -> str:
    return night.strftime("%Y%m%d")


# A whole number written as ASCII digits.
Digits = Annotated[int, BeforeValidator(_digits)]
# The local night a reminder belongs to, written as YYYYMMDD.
Night = Annotated[date, BeforeValidator(_night), PlainSerializer(night_arg)]


class CallbackData(BaseModel):
    """One kind of button: `prefix` on the wire, then its fields joined by dots."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prefix: ClassVar[str]
    # Every kind of button by its prefix, so a press is read into the class that made it.
    codecs: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            raise TypeError(f"{cls.__name__} needs a prefix: class {cls.__name__}(…, prefix=…)")
        if not prefix or "." in prefix or prefix in CallbackData.codecs:
            raise ValueError(f"prefix {prefix!r} of {cls.__name__} is empty, dotted or taken")
        cls.prefix = prefix
        CallbackData.codecs[prefix] = cls

    def pack(self, screen: int) -> str:
        values = [str(value) for value in self.model_dump(mode="json").values()]
        return ".".join((str(screen), self.prefix, *values))

    @classmethod
    def parse(cls, arg: str) -> Self | None:
        """This kind of button's fields from the wire; the last field takes any further dots."""
        names = list(cls.model_fields)
        if not names:  # buttons without fields never looked at what follows their prefix
            return cls()
        values = arg.split(".", len(names) - 1)
        if len(values) != len(names):
            return None
        try:
            return cls.model_validate(dict(zip(names, values, strict=True)))
        except ValidationError:
            return None

    def label_values(self, turn: Turn) -> dict[str, str]:
        """Values for a label that shows the button's argument (an area, a time, a zone), in
        the turn's language."""
        del turn
        return {}


@dataclass(frozen=True, slots=True)
class Press:
    """A press read from the wire: which screen it came from and what it means."""

    screen: int
    data: CallbackData


def unpack(data: str) -> Press | None:
    """Read any of our buttons; None for what we did not produce or no longer understand."""
    envelope = split(data)
    if envelope is None:
        return None
    codec = CallbackData.codecs.get(envelope.prefix)
    parsed = codec.parse(envelope.arg) if codec is not None else None
    return Press(envelope.screen, parsed) if parsed is not None else None
