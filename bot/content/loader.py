"""Reads `content/` into one validated `Content`, once, at start-up.

Everything a user reads lives in YAML so that wording can be reviewed (and translated) without
touching code. Besides each file's own shape, the loader checks what ties the files together:
every exercise a routine names exists and starts where the person is at that point, every
source a text cites is in sources.yaml, every warning sign has words to recognise it by.
The clinical rules themselves (no one-leg stance in relief, and so on) are kept by the content
linter in the tests, so that they are written once, readably, next to their reasons.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content import emergency
from bot.content.html import html_problem
from bot.content.models import (
    AREAS,
    DEFAULT_LANGUAGE,
    POSITIONS,
    SAFETY_QUESTIONS,
    Area,
    Catalog,
    Content,
    ContentError,
    Exercise,
    Mode,
    Position,
    Routine,
    _ExerciseFile,
    _Locale,
    _ProfileFile,
    _RoutineFile,
    _SafetyFile,
    _SourceFile,
)

_M = TypeVar("_M", bound=BaseModel)
RoutineKey = tuple[Mode, Area | None, Position, bool]


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


def _check_exercises(path: Path, exercises: Mapping[str, Exercise], sources: Iterable[str]) -> None:
    known = set(sources)
    for exercise in exercises.values():
        for number, step in enumerate(exercise.steps):
            _check_html(path, f"{exercise.id}.steps.{number}.text", step.text)
        cited = (*exercise.sources, *filter(None, [exercise.adapted_from]))
        for source in cited:
            if source not in known:
                raise ContentError(f"{path}: {exercise.id}.sources: unknown source {source!r}")
        if exercise.ends_in is not None and exercise.ends_in in exercise.positions:
            raise ContentError(
                f"{path}: {exercise.id}.ends_in: it already starts {exercise.ends_in}"
            )


def _postures(
    path: Path, routine: Routine, exercises: Mapping[str, Exercise], start: Position
) -> set[Position]:
    """Walk the plan from `start`; each exercise must begin where the last one left the person.

    Returns where the person can be when they answer "how is it now?", which is where an
    alternate or an option must be able to begin.
    """
    where = start
    asked: set[Position] = set()
    for exercise_id in routine.exercises:
        exercise = exercises[exercise_id]
        if where not in exercise.positions:
            raise ContentError(
                f"{path}: {routine.id}: {exercise_id!r} does not start {where} "
                f"(the person is {where} by then)"
            )
        where = exercise.ends_in or where
        if not exercise.is_transition:
            asked.add(where)
    return asked


def _index_routines(
    path: Path, exercises: Mapping[str, Exercise], routines: tuple[Routine, ...]
) -> dict[RoutineKey, Routine]:
    index: dict[RoutineKey, Routine] = {}
    seen_ids: set[str] = set()
    for routine in routines:
        if routine.id in seen_ids:
            raise ContentError(f"{path}: {routine.id}: routine id used twice")
        seen_ids.add(routine.id)
        for exercise_id in (*routine.exercises, *routine.alternates, *routine.options):
            used = exercises.get(exercise_id)
            if used is None:
                raise ContentError(f"{path}: {routine.id}: unknown exercise {exercise_id!r}")
            if routine.area is not None and routine.area not in used.areas:
                raise ContentError(
                    f"{path}: {routine.id}: {exercise_id!r} does not list "
                    f"{routine.area} in its areas"
                )
        for position in routine.positions:
            asked = _postures(path, routine, exercises, position)
            for extra in (*routine.alternates, *routine.options):
                missing = asked - exercises[extra].positions
                if missing:
                    raise ContentError(
                        f"{path}: {routine.id}: {extra!r} cannot start {', '.join(sorted(missing))}"
                    )
            key = (routine.mode, routine.area, position, routine.steady)
            if key in index:
                raise ContentError(
                    f"{path}: {routine.id}: {routine.mode}/{routine.area}/{position} is "
                    f"already covered by {index[key].id}"
                )
            index[key] = routine
    wanted: list[RoutineKey] = [
        ("relief", area, position, False) for area in AREAS for position in POSITIONS
    ] + [("prevention", None, position, False) for position in POSITIONS]
    for mode, area, position, _ in wanted:
        if (mode, area, position, False) not in index:
            raise ContentError(f"{path}: no {mode} routine for {area or 'bedtime'} / {position}")
    return index


def _check_cited(path: Path, where: str, cited: Iterable[str], known: Mapping[str, Any]) -> None:
    for source in cited:
        if source not in known:
            raise ContentError(f"{path}: {where}: unknown source {source!r}")


def load_content(directory: Path) -> Content:
    """Read and validate every content file; raise ContentError naming the first problem."""
    exercises_path = directory / "exercises.yaml"
    routines_path = directory / "routines.yaml"
    safety_path = directory / "safety.yaml"
    profile_path = directory / "safety_profile.yaml"
    numbers_path = directory / "emergency_numbers.yaml"
    sources = _parse(directory / "sources.yaml", _SourceFile).sources
    exercises: dict[str, Exercise] = {}
    for exercise in _parse(exercises_path, _ExerciseFile).exercises:
        if exercise.id in exercises:
            raise ContentError(f"{exercises_path}: {exercise.id}: exercise id used twice")
        exercises[exercise.id] = exercise
    _check_exercises(exercises_path, exercises, sources)
    routines = _parse(routines_path, _RoutineFile).routines
    index = _index_routines(routines_path, exercises, routines)
    safety = _parse(safety_path, _SafetyFile).safety
    for key, item in safety.items():
        _check_html(safety_path, f"safety.{key}.text", item.text)
        _check_cited(safety_path, f"safety.{key}.sources", item.sources, sources)
    rules = _parse(profile_path, _ProfileFile).questions
    if set(rules) != set(SAFETY_QUESTIONS):
        wanted = ", ".join(SAFETY_QUESTIONS)
        raise ContentError(f"{profile_path}: questions must be exactly {wanted}")
    for question, rule in rules.items():
        for text in filter(None, (rule.caution, rule.note)):
            if text not in safety:
                raise ContentError(f"{profile_path}: {question}: no safety text {text!r}")
    catalogs = _load_catalogs(directory / "locales")
    for key, item in safety.items():
        if item.level is not None and f"flag.{key}" not in catalogs[DEFAULT_LANGUAGE].intents:
            raise ContentError(f"{safety_path}: {key}: no intent flag.{key} to recognise it by")
    try:
        numbers = emergency.build(_parse(numbers_path, emergency.EmergencyFile), catalogs)
    except ValueError as error:
        raise ContentError(f"{numbers_path}: {error}") from None
    return Content(
        exercises=MappingProxyType(exercises),
        routines=routines,
        safety=MappingProxyType(dict(safety)),
        catalogs=MappingProxyType(catalogs),
        sources=MappingProxyType(dict(sources)),
        profile_rules=MappingProxyType(dict(rules)),
        emergency=numbers,
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
