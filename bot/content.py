"""Loads `content/` into typed, immutable objects, once, at start-up.

Everything a user reads lives in YAML so that wording can be reviewed (and
translated) without touching code. Validation is strict on purpose: a typo in
an exercise file must stop start-up with one line naming the file and the
field, not surface at 3 a.m. as a KeyError in the middle of someone's cramp.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Area = Literal["ankle", "foot", "calf", "shin"]
Position = Literal["bed", "sitting", "standing"]
Mode = Literal["relief", "prevention"]

AREAS: tuple[Area, ...] = ("ankle", "foot", "calf", "shin")
POSITIONS: tuple[Position, ...] = ("bed", "sitting", "standing")
DEFAULT_LANGUAGE = "en"

# Telegram accepts 4,096 characters per message; a step must stay far below that
# so that a header and a hint still fit, and so that it can be read mid-cramp.
MAX_STEP_CHARS = 400
_ALLOWED_TAGS = frozenset({"b", "i"})
_M = TypeVar("_M", bound=BaseModel)


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


class Exercise(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")
    name: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1, max_length=300)
    areas: frozenset[Area] = Field(min_length=1)
    positions: frozenset[Position] = Field(min_length=1)
    # Pointing the toes shortens the calf and can set off a calf or foot cramp.
    points_toes: bool = False
    kneeling: bool = False
    # The name the seed article used, so a test can prove none was dropped.
    seed_name: str | None = None
    # For people who cannot do this one (e.g. kneeling): offered in its place.
    alternative: str | None = None
    steps: tuple[Step, ...] = Field(min_length=1, max_length=12)
    cautions: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)


class Routine(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    mode: Mode
    area: Area | None = None
    positions: frozenset[Position] = Field(min_length=1)
    exercises: tuple[str, ...] = Field(min_length=1, max_length=6)
    # Tried, in order, when someone says the cramp is the same.
    alternates: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _area_matches_mode(self) -> Routine:
        if self.mode == "relief" and self.area is None:
            raise ValueError("a relief routine needs an area")
        if self.mode == "prevention" and self.area is not None:
            raise ValueError("a prevention routine has no area")
        return self


class SafetyText(_Frozen):
    text: str = Field(min_length=1, max_length=1500)
    sources: tuple[str, ...] = Field(min_length=1)


class _ExerciseFile(_Frozen):
    exercises: tuple[Exercise, ...] = Field(min_length=1)


class _RoutineFile(_Frozen):
    routines: tuple[Routine, ...] = Field(min_length=1)


class _SafetyFile(_Frozen):
    safety: dict[str, SafetyText]


class _Locale(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    strings: dict[str, str]
    buttons: dict[str, str]
    commands: dict[str, str]
    intents: dict[str, tuple[str, ...]]

    @field_validator("buttons")
    @classmethod
    def _short_labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, label in value.items():
            if not label.strip() or len(label) > 64:
                raise ValueError(f"button {key!r} needs a label of 1 to 64 characters")
        return value


@dataclass(frozen=True, slots=True)
class Catalog:
    """The UI strings of one language, looked up by key; a missing key is a bug, so it raises."""

    language: str
    strings: Mapping[str, str]
    buttons: Mapping[str, str]
    commands: Mapping[str, str]
    intents: Mapping[str, tuple[str, ...]]

    def text(self, key: str, /, **values: object) -> str:
        template = self.strings[key]
        return template.format(**values) if values else template

    def button(self, key: str, /, **values: object) -> str:
        template = self.buttons[key]
        return template.format(**values) if values else template


@dataclass(frozen=True, slots=True)
class Content:
    """Everything under `content/`, validated and cross-checked."""

    exercises: Mapping[str, Exercise]
    routines: tuple[Routine, ...]
    safety: Mapping[str, SafetyText]
    catalogs: Mapping[str, Catalog]
    _routine_index: Mapping[tuple[Mode, Area | None, Position], Routine] = field(repr=False)
    # Exercise id -> its picture: an animation (.gif) where the point is a movement, else .png.
    media: Mapping[str, Path] = field(default_factory=dict)
    directory: Path = Path("content")

    def catalog(self, language: str | None) -> Catalog:
        """The catalog for a Telegram language code ("de-AT" -> "de"), English if we have none."""
        code = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        return self.catalogs.get(code) or self.catalogs[DEFAULT_LANGUAGE]

    def routine_for(self, mode: Mode, area: Area | None, position: Position) -> Routine:
        return self._routine_index[(mode, area, position)]

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        detail = " ".join(str(error).split())  # PyYAML's message spans lines; ours is one
        raise ContentError(f"{path}{where}: not valid YAML: {detail}") from None


def _parse(path: Path, model: type[_M]) -> _M:
    raw = _read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
        raise ContentError(f"{path}: {location}: {message}{more}") from None


class _TagChecker(HTMLParser):
    """Checks that a text uses only the Telegram HTML we allow, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS or attrs:
            self.problem = self.problem or f"tag <{tag}> is not allowed (only <b> and <i>)"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problem = self.problem or f"</{tag}> does not close the open tag"
        else:
            self.stack.pop()


def html_problem(text: str) -> str | None:
    """Why Telegram would reject this HTML text, or None if it is fine."""
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+);)", text) or re.search(r"<(?![/a-z])", text):
        return "a bare '&' or '<' must be written as &amp; or &lt;"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.problem:
        return checker.problem
    if checker.stack:
        return f"<{checker.stack[-1]}> is never closed"
    return None


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _check_html(path: Path, where: str, text: str) -> None:
    problem = html_problem(text)
    if problem:
        raise ContentError(f"{path}: {where}: {problem}")


def _load_catalogs(directory: Path) -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = {}
    for path in sorted(directory.glob("*.yaml")):
        locale = _parse(path, _Locale)
        for key, text in locale.strings.items():
            _check_html(path, f"strings.{key}", text)
        catalogs[path.stem] = Catalog(
            language=path.stem,
            strings=MappingProxyType(dict(locale.strings)),
            buttons=MappingProxyType(dict(locale.buttons)),
            commands=MappingProxyType(dict(locale.commands)),
            intents=MappingProxyType(
                {k: tuple(w.lower() for w in v) for k, v in locale.intents.items()}
            ),
        )
    if DEFAULT_LANGUAGE not in catalogs:
        raise ContentError(f"{directory / (DEFAULT_LANGUAGE + '.yaml')}: file is missing")
    reference = catalogs[DEFAULT_LANGUAGE]
    for language, catalog in catalogs.items():
        for kind in ("strings", "buttons"):
            ours: Mapping[str, str] = getattr(reference, kind)
            theirs: Mapping[str, str] = getattr(catalog, kind)
            for key, template in theirs.items():
                if key in ours and _placeholders(template) != _placeholders(ours[key]):
                    raise ContentError(
                        f"{directory / (language + '.yaml')}: {kind}.{key}: "
                        f"placeholders differ from {DEFAULT_LANGUAGE}.yaml"
                    )
    return catalogs


def _cross_check(
    exercises_path: Path,
    routines_path: Path,
    exercises: Mapping[str, Exercise],
    routines: tuple[Routine, ...],
) -> dict[tuple[Mode, Area | None, Position], Routine]:
    for exercise in exercises.values():
        for number, step in enumerate(exercise.steps):
            _check_html(exercises_path, f"{exercise.id}.steps.{number}.text", step.text)
        if exercise.alternative and exercise.alternative not in exercises:
            raise ContentError(
                f"{exercises_path}: {exercise.id}.alternative: "
                f"unknown exercise {exercise.alternative!r}"
            )
    index: dict[tuple[Mode, Area | None, Position], Routine] = {}
    seen_ids: set[str] = set()
    for routine in routines:
        if routine.id in seen_ids:
            raise ContentError(f"{routines_path}: {routine.id}: routine id used twice")
        seen_ids.add(routine.id)
        for exercise_id in (*routine.exercises, *routine.alternates):
            used = exercises.get(exercise_id)
            if used is None:
                raise ContentError(
                    f"{routines_path}: {routine.id}: unknown exercise {exercise_id!r}"
                )
            missing = routine.positions - used.positions
            if missing:
                raise ContentError(
                    f"{routines_path}: {routine.id}: {exercise_id!r} is not written for "
                    f"{', '.join(sorted(missing))}"
                )
            if routine.mode == "relief" and routine.area in ("calf", "foot") and used.points_toes:
                raise ContentError(
                    f"{routines_path}: {routine.id}: {exercise_id!r} points the toes, which can "
                    "set off a calf or foot cramp"
                )
            if routine.area is not None and routine.area not in used.areas:
                raise ContentError(
                    f"{routines_path}: {routine.id}: {exercise_id!r} does not list "
                    f"{routine.area} in its areas"
                )
        for position in routine.positions:
            key = (routine.mode, routine.area, position)
            if key in index:
                raise ContentError(
                    f"{routines_path}: {routine.id}: {routine.mode}/{routine.area}/{position} is "
                    f"already covered by {index[key].id}"
                )
            index[key] = routine
    wanted: list[tuple[Mode, Area | None, Position]] = [
        ("relief", area, position) for area in AREAS for position in POSITIONS
    ] + [("prevention", None, position) for position in POSITIONS]
    for key in wanted:
        if key not in index:
            mode, area, position = key
            raise ContentError(
                f"{routines_path}: no {mode} routine for {area or 'bedtime'} / {position}"
            )
    return index


def load_content(directory: Path) -> Content:
    """Read and validate every content file; raise ContentError naming the first problem."""
    exercises_path = directory / "exercises.yaml"
    routines_path = directory / "routines.yaml"
    safety_path = directory / "safety.yaml"
    exercise_file = _parse(exercises_path, _ExerciseFile)
    exercises: dict[str, Exercise] = {}
    for exercise in exercise_file.exercises:
        if exercise.id in exercises:
            raise ContentError(f"{exercises_path}: {exercise.id}: exercise id used twice")
        exercises[exercise.id] = exercise
    routines = _parse(routines_path, _RoutineFile).routines
    index = _cross_check(exercises_path, routines_path, exercises, routines)
    safety = _parse(safety_path, _SafetyFile).safety
    for key, item in safety.items():
        _check_html(safety_path, f"safety.{key}.text", item.text)
    catalogs = _load_catalogs(directory / "locales")
    return Content(
        exercises=MappingProxyType(exercises),
        routines=routines,
        safety=MappingProxyType(dict(safety)),
        catalogs=MappingProxyType(catalogs),
        _routine_index=MappingProxyType(index),
        media=MappingProxyType(_find_media(directory / "media", exercises)),
        directory=directory.resolve(),
    )


def _find_media(folder: Path, exercises: Mapping[str, Exercise]) -> dict[str, Path]:
    """Pictures are optional for a custom content folder; the repository's own are all tested."""
    found: dict[str, Path] = {}
    for exercise_id in exercises:
        for suffix in (".gif", ".png"):
            path = folder / f"{exercise_id}{suffix}"
            if path.is_file():
                found[exercise_id] = path.resolve()
                break
    return found
