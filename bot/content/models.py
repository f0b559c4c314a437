"""The shapes of `content/`: what each YAML file may hold, and the loaded, immutable whole.

Validation is strict on purpose: a typo in an exercise file must stop start-up with one line
naming the file and the field, not surface at 3 a.m. as a KeyError in someone's cramp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.content.emergency import EmergencyNumbers
from bot.content.i18n import DEFAULT_LANGUAGE, match_language
from bot.content.translation_rules import placeholders

Area = Literal["ankle", "foot", "calf", "shin"]
Position = Literal["bed", "sitting", "standing"]
Mode = Literal["relief", "prevention"]

AREAS: tuple[Area, ...] = ("ankle", "foot", "calf", "shin")
POSITIONS: tuple[Position, ...] = ("bed", "sitting", "standing")
# The safety profile's questions, in the order they are asked (content/safety_profile.yaml).
SAFETY_QUESTIONS: tuple[str, ...] = ("balance", "joint", "pregnancy", "clot", "numb_feet")

# Telegram accepts 4,096 characters per message; a step must stay far below that
# so that a header and a hint still fit, and so that it can be read mid-cramp.
MAX_STEP_CHARS = 400


class ContentError(Exception):
    """A content file is missing or invalid; the message names file and field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(_Frozen):
    """One message of an exercise. A hold or a duration makes the bot follow up by itself."""

    text: str = Field(min_length=1, max_length=MAX_STEP_CHARS)
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    duration_seconds: int | None = Field(default=None, ge=1, le=600)
    reps: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_timer(self) -> Step:
        if self.hold_seconds is not None and self.duration_seconds is not None:
            raise ValueError("a step has either hold_seconds or duration_seconds, not both")
        return self

    @property
    def wait_seconds(self) -> int | None:
        """How long before the bot moves on by itself (unscaled), if at all."""
        return self.hold_seconds if self.hold_seconds is not None else self.duration_seconds


# What an exercise asks of the body (content/exercises.yaml explains each). The safety profile
# removes exercises and adds cautions by these tags; the content linter checks routines by them.
Tag = Literal[
    "lying",
    "seated",
    "standing",
    "gets_up",
    "sits_down",
    "walking",
    "reach_foot",
    "pull",
    "massage",
    "hip_bend",
    "points_toes",
    "one_leg",
    "kneeling",
]
# How strong the evidence behind an exercise is; each has a plain-words line in safety.yaml.
Evidence = Literal["guidance", "trial_mixed", "untested", "adapted_advice"]
MAX_STEPS = 14


class Exercise(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")
    name: str = Field(min_length=1, max_length=80)
    # Why it helps: shown behind "Why this?", never before the first instruction.
    why: str = Field(min_length=1, max_length=400)
    areas: frozenset[Area] = Field(min_length=1)
    # Where the person is when it starts, and where it leaves them when that differs.
    positions: frozenset[Position] = Field(min_length=1)
    ends_in: Position | None = None
    tags: frozenset[Tag] = Field(min_length=1)
    # A gentle extra after the held stretches, announced as one the person may skip.
    optional: bool = False
    evidence: Evidence
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)
    cautions: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    adapted_from: str | None = None

    def has(self, *tags: Tag) -> bool:
        return not self.tags.isdisjoint(tags)

    @property
    def is_transition(self) -> bool:
        """Only sits the person down: nothing to ask "how is it now?" about afterwards."""
        return self.tags == {"sits_down"}


class Routine(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    mode: Mode
    area: Area | None = None
    positions: frozenset[Position] = Field(min_length=1)
    # Only for someone who told the safety profile they are steady on their feet.
    steady: bool = False
    exercises: tuple[str, ...] = Field(min_length=1, max_length=6)
    # Tried, in order, when someone says the cramp is the same.
    alternates: tuple[str, ...] = ()
    # Offered as a question when the cramp is the same, never started unasked (standing up).
    options: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _area_matches_mode(self) -> Routine:
        if self.mode == "relief" and self.area is None:
            raise ValueError("a relief routine needs an area")
        if self.mode == "prevention" and self.area is not None:
            raise ValueError("a prevention routine has no area")
        return self


class Source(_Frozen):
    """A page the advice comes from, checked to exist and to say what it is cited for.

    `own` marks the project's own safety rules (docs/clinical.md): said as ours, not as a page's.
    """

    organisation: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=300)
    # As stored when it was checked; a few health sites were only kept at their old http address.
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    kind: Literal["guidance", "trial", "review", "own"]
    supports: str = Field(min_length=1)

    @model_validator(mode="after")
    def _address_unless_own(self) -> Source:
        if (self.url is None) != (self.kind == "own"):
            raise ValueError("a source has an address, except the project's own rules")
        return self


# How urgent a warning sign is (content/safety.yaml explains what the bot does for each).
Level = Literal["emergency", "urgent", "soon", "info"]
STOPPING_LEVELS: frozenset[Level] = frozenset({"emergency", "urgent"})


class SafetyText(_Frozen):
    text: str = Field(min_length=1, max_length=1500)
    sources: tuple[str, ...] = Field(min_length=1)
    # Set for the warning signs people can type (intent `flag.<key>`).
    level: Level | None = None


class ProfileRule(_Frozen):
    """What one safety-profile question changes while its answer is not "no"."""

    avoid: frozenset[Tag] = frozenset()
    caution: str | None = None
    for_tags: frozenset[Tag] = frozenset()
    note: str | None = None
    warmth: bool = True

    @model_validator(mode="after")
    def _caution_has_tags(self) -> ProfileRule:
        if (self.caution is None) != (not self.for_tags):
            raise ValueError("a caution needs for_tags, and for_tags need a caution")
        return self


class _WordFile(_Frozen):
    """content/words/<language>.yaml: the words the bot understands, by intent."""

    intents: dict[str, tuple[str, ...]]


class _ExerciseFile(_Frozen):
    exercises: tuple[Exercise, ...] = Field(min_length=1)


class _RoutineFile(_Frozen):
    routines: tuple[Routine, ...] = Field(min_length=1)


class _SafetyFile(_Frozen):
    safety: dict[str, SafetyText]


class _SourceFile(_Frozen):
    sources: dict[str, Source] = Field(min_length=1)


class _ProfileFile(_Frozen):
    questions: dict[str, ProfileRule]


class _Plural(_Frozen):
    """A text whose wording depends on a number ("1 time", "3 times"): gettext's plural forms.

    `n` names the placeholder that carries the number; each language picks the form by its own
    plural rule (from its catalog's Plural-Forms, which Babel fills from CLDR).
    """

    n: str = Field(min_length=1)
    one: str = Field(min_length=1)
    other: str = Field(min_length=1)

    @model_validator(mode="after")
    def _same_fields(self) -> _Plural:
        if self.n not in placeholders(self.other):
            raise ValueError(f"the plural's number {{{self.n}}} is not in `other`")
        if placeholders(self.one) != placeholders(self.other):
            raise ValueError("`one` and `other` need the same placeholders")
        return self


class _Locale(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    strings: dict[str, str | _Plural]
    buttons: dict[str, str]
    commands: dict[str, str]

    @field_validator("buttons")
    @classmethod
    def _short_labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, label in value.items():
            if not label.strip() or len(label) > 64:
                raise ValueError(f"button {key!r} needs a label of 1 to 64 characters")
        return value


class _Translations(Protocol):
    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int, /) -> str: ...


@dataclass(frozen=True, slots=True)
class Plural:
    """A text with plural forms, chosen by gettext's plural rule for the catalog's language.

    `translations` falls back to the English `one`/`other` (by English rules) while a language's
    catalog lacks this text, so a missing translation never leaves a hole.
    """

    context: str
    count: str
    one: str
    other: str
    translations: _Translations

    def form(self, n: int) -> str:
        return self.translations.npgettext(self.context, self.one, self.other, n)


@dataclass(frozen=True, slots=True)
class Catalog:
    """The UI strings of one language, looked up by key; a missing key is a bug, so it raises.

    Every key is in `strings`; a text with plural forms holds its general form there and all its
    forms in `plurals`, and `text` picks the form for the number it is given.
    """

    language: str
    strings: Mapping[str, str]
    buttons: Mapping[str, str]
    commands: Mapping[str, str]
    intents: Mapping[str, tuple[str, ...]]
    plurals: Mapping[str, Plural] = field(default_factory=dict)

    def text(self, key: str, /, **values: object) -> str:
        plural = self.plurals.get(key)
        if plural is not None:
            number = values[plural.count]
            if not isinstance(number, int):
                raise TypeError(f"{key}: {{{plural.count}}} must be a whole number for plurals")
            template = plural.form(number)
        else:
            template = self.strings[key]
        return template.format(**values) if values else template

    def button(self, key: str, /, **values: object) -> str:
        template = self.buttons[key]
        return template.format(**values) if values else template


@dataclass(frozen=True, slots=True)
class Content:
    """Everything under `content/`, validated and cross-checked, in one language.

    The loader builds one Content per language of languages.yaml at start-up. Each holds the UI
    strings (`catalogs`) of the shipped languages and of its own language, and they share
    `languages`, so any of them finds the others: `localized(code)` is the content for a
    person's language code, `catalog(code)` its UI strings. A language not shipped yet is only
    reached on purpose, through `languages[code]` (to read or test a translation).
    """

    exercises: Mapping[str, Exercise]
    routines: tuple[Routine, ...]
    safety: Mapping[str, SafetyText]
    catalogs: Mapping[str, Catalog]
    sources: Mapping[str, Source]
    profile_rules: Mapping[str, ProfileRule]
    emergency: EmergencyNumbers
    # (mode, area, position, for the steady) -> routine; the careful one is under False.
    _routine_index: Mapping[tuple[Mode, Area | None, Position, bool], Routine] = field(repr=False)
    # Exercise id -> its picture: an animation (.gif) where the point is a movement, else .png.
    media: Mapping[str, Path] = field(default_factory=dict)
    directory: Path = Path("content")
    language: str = DEFAULT_LANGUAGE
    # Every language's content (this one included), and which are offered to people.
    languages: Mapping[str, Content] = field(default_factory=dict, repr=False)
    shipped: frozenset[str] = frozenset({DEFAULT_LANGUAGE})
    # Each language's name in itself (languages.yaml), in that file's order, for /language.
    names: Mapping[str, str] = field(default_factory=lambda: {DEFAULT_LANGUAGE: "English"})

    def offered_languages(self) -> tuple[str, ...]:
        """The languages a person may pick, in languages.yaml's order: the shipped ones."""
        return tuple(code for code in self.names if code in self.shipped)

    def language_name(self, code: str) -> str:
        return self.names.get(code, code)

    def language_for(self, code: str | None) -> str:
        """Our language for a language code ("pt-br" -> "pt-BR", "de-AT" -> "de"): a shipped
        one, or this content's own; English when neither fits."""
        return match_language(code, self.shipped | {self.language})

    def localized(self, language: str | None) -> Content:
        """The content for a language code (a Telegram one or ours), as `language_for` finds it.

        Itself when that is its own language, so a copy made with `dataclasses.replace` (a test
        changing an exercise or the pictures) is the one used, not the loaded original.
        """
        wanted = self.language_for(language)
        if wanted == self.language:
            return self
        return self.languages.get(wanted) or self.languages.get(DEFAULT_LANGUAGE, self)

    def catalog(self, language: str | None) -> Catalog:
        """The UI strings for a language code, as `localized` finds the language."""
        return self.catalogs.get(self.language_for(language)) or self.catalogs[DEFAULT_LANGUAGE]

    def routine_for(
        self, mode: Mode, area: Area | None, position: Position, *, steady: bool = False
    ) -> Routine:
        """The routine for this choice; a `steady` variant only for someone who said so."""
        index = self._routine_index
        if steady and (mode, area, position, True) in index:
            return index[(mode, area, position, True)]
        return index[(mode, area, position, False)]

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]
