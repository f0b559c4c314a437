"""Which texts in `content/` are translated, and the key (gettext msgctxt) each one goes by.

English YAML stays the source. The Babel extractor (`bot.content.babel_extract`) and the loader
(`bot.content.i18n`) both walk the raw YAML with `entries`, so the key a translator sees in
`messages.pot` is, by construction, the key the loader looks the translation up by.

Keys follow the YAML: a UI string is its own key (`ask_area`), a button `button.<key>`, a command
description `command.<key>`, an exercise's texts `exercise.<id>.name`, `.why`,
`.steps.<n>.text`, `.cautions.<n>`, a safety text `safety.<key>.text`. What is not listed here
stays English on purpose: source titles and organisations (they are cited as published), the
names of national phone lines, ids, tags and numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["catalog", "exercises", "safety"]
Path_ = tuple[str | int, ...]

# Which translatable kind each source file holds (paths relative to the content folder).
SOURCE_FILES: Mapping[str, Kind] = {
    "locales/en.yaml": "catalog",
    "exercises.yaml": "exercises",
    "safety.yaml": "safety",
}
_CATALOG_SECTIONS = (("strings", ""), ("buttons", "button."), ("commands", "command."))


@dataclass(frozen=True, slots=True)
class Entry:
    """One translatable text: its key, where it sits in the raw YAML, and the English."""

    context: str
    path: Path_
    text: str
    # The general ("other") form, for a text with plural forms; `text` is then the singular.
    plural: str | None = None


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _catalog(data: Mapping[Any, Any]) -> Iterator[Entry]:
    for section, prefix in _CATALOG_SECTIONS:
        for key, text in _mapping(data.get(section)).items():
            if isinstance(text, str):
                yield Entry(f"{prefix}{key}", (section, key), text)
            elif isinstance(text, Mapping) and {"one", "other"} <= text.keys():
                yield Entry(f"{prefix}{key}", (section, key), text["one"], text["other"])


def _exercises(data: Mapping[Any, Any]) -> Iterator[Entry]:
    for index, exercise in enumerate(_sequence(data.get("exercises"))):
        exercise = _mapping(exercise)
        ident = exercise.get("id")
        where: Path_ = ("exercises", index)
        for field in ("name", "why"):
            if isinstance(exercise.get(field), str):
                yield Entry(f"exercise.{ident}.{field}", (*where, field), exercise[field])
        for number, step in enumerate(_sequence(exercise.get("steps"))):
            text = _mapping(step).get("text")
            if isinstance(text, str):
                path = (*where, "steps", number, "text")
                yield Entry(f"exercise.{ident}.steps.{number}.text", path, text)
        for number, caution in enumerate(_sequence(exercise.get("cautions"))):
            if isinstance(caution, str):
                path = (*where, "cautions", number)
                yield Entry(f"exercise.{ident}.cautions.{number}", path, caution)


def _safety(data: Mapping[Any, Any]) -> Iterator[Entry]:
    for key, item in _mapping(data.get("safety")).items():
        text = _mapping(item).get("text")
        if isinstance(text, str):
            yield Entry(f"safety.{key}.text", ("safety", key, "text"), text)


def entries(kind: Kind, data: Any) -> Iterator[Entry]:
    """Every translatable text of one source file's raw YAML, in file order."""
    walk = {"catalog": _catalog, "exercises": _exercises, "safety": _safety}[kind]
    yield from walk(_mapping(data))


def translated(kind: Kind, data: Any, lookup: Callable[[Entry], str | None]) -> Any:
    """A deep copy of `data` with each text `lookup` translates replaced; the rest stays English."""
    copy = deepcopy(data)
    for entry in entries(kind, data):
        text = None if entry.plural is not None else lookup(entry)
        if text is None:
            continue
        *parents, last = entry.path
        target = copy
        for step in parents:
            target = target[step]
        target[last] = text
    return copy
