"""Reads `content/` into one validated `Content`, once, at start-up.

Everything a user reads lives in YAML so that wording can be reviewed (and translated) without
touching code. Besides each file's own shape, the loader checks what ties the files together:
every exercise a routine names exists and starts where the person is at that point, every
source a text cites is in sources.yaml, every warning sign has words to recognise it by.
The clinical rules themselves (no one-leg stance in relief, and so on) are kept by the content
linter in the tests, so that they are written once, readably, next to their reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ValidationError

from bot.content import emergency
from bot.content.html import html_problem
from bot.content.i18n import (
    DEFAULT_LANGUAGE,
    Language,
    LanguageError,
    LanguageFile,
    Translation,
    locale_name,
    po_path,
    read_translation,
    untranslated,
)
from bot.content.models import (
    AREAS,
    POSITIONS,
    SAFETY_QUESTIONS,
    Area,
    Catalog,
    Content,
    ContentError,
    Exercise,
    Mode,
    Plural,
    Position,
    Routine,
    SafetyText,
    _ExerciseFile,
    _Locale,
    _ProfileFile,
    _RoutineFile,
    _SafetyFile,
    _SourceFile,
    _WordFile,
)
from bot.content.translatable import SOURCE_FILES, Entry, translated

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
    return _validate(path, _read_yaml(path), model)


def _validate(path: Path | str, raw: Any, model: type[_M]) -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
        raise ContentError(f"{path}: {location}: {message}{more}") from None


def _check_html(path: Path | str, where: str, text: str) -> None:
    problem = html_problem(text)
    if problem:
        raise ContentError(f"{path}: {where}: {problem}")


def _catalog(
    path: Path | str,
    locale: _Locale,
    words: Mapping[str, tuple[str, ...]],
    translation: Translation,
) -> Catalog:
    """One language's UI strings; a plural text keeps its general form in `strings` too."""
    strings: dict[str, str] = {}
    plurals: dict[str, Plural] = {}
    for key, value in locale.strings.items():
        if isinstance(value, str):
            _check_html(path, f"strings.{key}", value)
            strings[key] = value
            continue
        entry = Entry(key, ("strings", key), value.one, value.other)
        forms = translation.forms(entry) or (value.one, value.other)
        for form in forms:
            _check_html(path, f"strings.{key}", form)
        strings[key] = forms[-1]
        plurals[key] = Plural(key, value.n, value.one, value.other, translation.translations)
    return Catalog(
        language=translation.language,
        strings=MappingProxyType(strings),
        buttons=MappingProxyType(dict(locale.buttons)),
        commands=MappingProxyType(dict(locale.commands)),
        intents=MappingProxyType(dict(words)),
        plurals=MappingProxyType(plurals),
    )


def _words(
    directory: Path, language: str, english: Mapping[str, tuple[str, ...]] | None
) -> dict[str, tuple[str, ...]]:
    """A language's free-text words, lower case; a list it lacks (or leaves empty) is English."""
    path = directory / "words" / f"{language}.yaml"
    if english is None:
        own = _parse(path, _WordFile).intents
        return {key: tuple(w.lower() for w in words) for key, words in own.items()}
    own = _parse(path, _WordFile).intents if path.is_file() else {}
    for key in own:
        if key not in english:
            raise ContentError(
                f"{path}: intents.{key}: not a list in words/{DEFAULT_LANGUAGE}.yaml"
            )
    return {
        key: tuple(w.lower() for w in own[key]) if own.get(key) else words
        for key, words in english.items()
    }


def _languages(locales: Path) -> LanguageFile:
    """languages.yaml; a content folder without one (a custom or test folder) is English only."""
    path = locales / "languages.yaml"
    if not path.is_file():
        return LanguageFile(languages={DEFAULT_LANGUAGE: Language(name="English", shipped=True)})
    found = _parse(path, LanguageFile)
    for code in found.languages:
        try:
            Locale.parse(locale_name(code))
        except (UnknownLocaleError, ValueError):
            raise ContentError(
                f"{path}: languages.{code}: not a language code Babel knows"
            ) from None
    if DEFAULT_LANGUAGE not in found.languages or not found.languages[DEFAULT_LANGUAGE].shipped:
        raise ContentError(f"{path}: languages.{DEFAULT_LANGUAGE}: English is the source, shipped")
    return found


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


@dataclass(frozen=True, slots=True)
class _Texts:
    """What differs between languages: the texts, read from the (translated) YAML."""

    exercises: dict[str, Exercise]
    safety: dict[str, SafetyText]
    locale: _Locale


def _texts(directory: Path, raw: Mapping[str, Any], translation: Translation | None) -> _Texts:
    """Validate the English YAML, or a translated copy of it, with the same models and checks.

    Problems in a translated copy are reported against the language's .po file, naming the
    English file the text belongs to, since that is where the key comes from.
    """

    def source(relative: str) -> tuple[Path | str, Any]:
        if translation is None:
            return directory / relative, raw[relative]
        label = f"{translation.path} (translating {relative})"
        return label, translated(SOURCE_FILES[relative], raw[relative], translation.lookup)

    path, data = source("exercises.yaml")
    exercises: dict[str, Exercise] = {}
    for exercise in _validate(path, data, _ExerciseFile).exercises:
        if exercise.id in exercises:
            raise ContentError(f"{path}: {exercise.id}: exercise id used twice")
        exercises[exercise.id] = exercise
    path, data = source("safety.yaml")
    safety = _validate(path, data, _SafetyFile).safety
    for key, item in safety.items():
        _check_html(path, f"safety.{key}.text", item.text)
    path, data = source("locales/en.yaml")
    return _Texts(exercises, dict(safety), _validate(path, data, _Locale))


def _translation(locales: Path, language: str) -> Translation:
    try:
        return read_translation(po_path(locales, language), language)
    except LanguageError as error:
        raise ContentError(str(error)) from None


def load_content(directory: Path) -> Content:
    """Read and validate every content file; raise ContentError naming the first problem.

    English first, with every cross-check; then each other language of languages.yaml from
    its .po, through the same models and checks, English standing in for what it lacks.
    """
    exercises_path = directory / "exercises.yaml"
    routines_path = directory / "routines.yaml"
    safety_path = directory / "safety.yaml"
    profile_path = directory / "safety_profile.yaml"
    numbers_path = directory / "emergency_numbers.yaml"
    locales = directory / "locales"
    sources = _parse(directory / "sources.yaml", _SourceFile).sources
    raw = {relative: _read_yaml(directory / relative) for relative in SOURCE_FILES}
    english = _texts(directory, raw, None)
    exercises = english.exercises
    _check_exercises(exercises_path, exercises, sources)
    routines = _parse(routines_path, _RoutineFile).routines
    index = _index_routines(routines_path, exercises, routines)
    safety = english.safety
    for key, item in safety.items():
        _check_cited(safety_path, f"safety.{key}.sources", item.sources, sources)
    rules = _parse(profile_path, _ProfileFile).questions
    if set(rules) != set(SAFETY_QUESTIONS):
        wanted = ", ".join(SAFETY_QUESTIONS)
        raise ContentError(f"{profile_path}: questions must be exactly {wanted}")
    for question, rule in rules.items():
        for text in filter(None, (rule.caution, rule.note)):
            if text not in safety:
                raise ContentError(f"{profile_path}: {question}: no safety text {text!r}")
    english_words = _words(directory, DEFAULT_LANGUAGE, None)
    for key, item in safety.items():
        if item.level is not None and f"flag.{key}" not in english_words:
            raise ContentError(f"{safety_path}: {key}: no intent flag.{key} to recognise it by")
    languages = _languages(locales).languages
    texts = {DEFAULT_LANGUAGE: english}
    catalogs = {
        DEFAULT_LANGUAGE: _catalog(
            locales / "en.yaml", english.locale, english_words, untranslated(DEFAULT_LANGUAGE)
        )
    }
    for language in languages:
        if language != DEFAULT_LANGUAGE:
            translation = _translation(locales, language)
            texts[language] = _texts(directory, raw, translation)
            words = _words(directory, language, english_words)
            catalogs[language] = _catalog(
                str(translation.path), texts[language].locale, words, translation
            )
    try:
        numbers = emergency.build(_parse(numbers_path, emergency.EmergencyFile), catalogs)
    except ValueError as error:
        raise ContentError(f"{numbers_path}: {error}") from None
    shipped = frozenset(code for code, language in languages.items() if language.shipped)
    names = MappingProxyType({code: language.name for code, language in languages.items()})
    everyone: dict[str, Content] = {}
    all_languages = MappingProxyType(everyone)  # one read-only view, filled below, shared by all
    media = MappingProxyType(_find_media(directory / "media", exercises))
    offered = {language: catalogs[language] for language in shipped}
    for language, localized in texts.items():
        everyone[language] = Content(
            exercises=MappingProxyType(localized.exercises),
            routines=routines,
            safety=MappingProxyType(localized.safety),
            # The shipped languages' UI strings, and this language's own (shipped or not yet).
            catalogs=MappingProxyType({**offered, language: catalogs[language]}),
            sources=MappingProxyType(dict(sources)),
            profile_rules=MappingProxyType(dict(rules)),
            emergency=numbers,
            _routine_index=MappingProxyType(index),
            media=media,
            directory=directory.resolve(),
            language=language,
            languages=all_languages,
            shipped=shipped,
            names=names,
        )
    return everyone[DEFAULT_LANGUAGE]


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
