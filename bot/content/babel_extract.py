"""A Babel extractor for the content YAML, registered as the `babel.extractors` entry point
`crampcoach_yaml` (pyproject.toml), so that `pybabel extract -F babel.cfg` builds
`content/locales/messages.pot` from the English YAML like it would from Python sources.

Each text becomes one message whose msgctxt is its key (`bot.content.translatable`), so two
keys with the same English wording can be translated differently, and a translator sees the
key, the English, and a note on what constrains it (placeholders, a caption, a button).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import PurePath
from typing import IO, Any

import yaml

from bot.content.translatable import SOURCE_FILES, Entry, Kind, Path_, entries
from bot.content.translation_rules import placeholders

# (line number, function name, (msgctxt, msgid[, msgid_plural]), translator comments), as Babel
# expects; the function names are Babel's default keywords pgettext and npgettext.
Extracted = tuple[int, str, tuple[str, ...], list[str]]


def _kind(filename: str, options: Mapping[str, Any]) -> Kind:
    named = options.get("kind")
    if named in ("catalog", "exercises", "safety"):
        return named  # type: ignore[no-any-return]
    for suffix, kind in SOURCE_FILES.items():
        if PurePath(filename).as_posix().endswith(suffix):
            return kind
    raise ValueError(f"{filename}: not a content file with translatable text (set kind = ...)")


def _line(node: yaml.Node | None, path: Path_) -> int:
    """The 1-based line of the value at `path`, for the reference comment in the catalog."""
    found = node
    for step in path:
        if isinstance(found, yaml.MappingNode):
            found = next((v for k, v in found.value if k.value == step), None)
        elif isinstance(found, yaml.SequenceNode) and isinstance(step, int):
            found = found.value[step]
        if found is None:
            return 0
    return found.start_mark.line + 1 if found is not None else 0


def _notes(entry: Entry) -> list[str]:
    notes: list[str] = []
    names = sorted(placeholders(entry.plural or entry.text))
    if names:
        notes.append("Keep the placeholders exactly: " + ", ".join(f"{{{n}}}" for n in names))
    if entry.plural is not None:
        notes.append(
            "Plural: fill every msgstr[i] with the form your language uses for the numbers that"
            " the Plural-Forms line in this file's header maps to i; each keeps the placeholders."
        )
    if entry.context.startswith("button."):
        notes.append("A button label: at most 64 characters, shorter is better.")
    elif entry.context.startswith("command."):
        notes.append("The command's description in Telegram's menu: a few words.")
    elif entry.context.endswith(".steps.0.text"):
        notes.append(
            "The first step goes out as a picture caption: with its header, hints and cautions"
            " it must fit 1,024 characters. Read mid-cramp: short, plain, second person."
        )
    elif entry.context.startswith("diary.chart.") or entry.context.startswith("diary.report."):
        notes.append("Drawn into an image: plain text, no HTML tags.")
    return notes


def extract_yaml(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel's extractor interface: yields every translatable text of one content file."""
    del keywords, comment_tags  # every text is a message; YAML has no translator tags
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    kind = _kind(str(getattr(fileobj, "name", "")), options)
    tree = yaml.compose(source, Loader=yaml.SafeLoader)
    data = yaml.safe_load(source)
    seen: set[str] = set()
    for entry in entries(kind, data):
        if entry.context in seen:
            raise ValueError(f"{entry.context}: key used twice")
        seen.add(entry.context)
        line = _line(tree, entry.path)
        if entry.plural is not None:
            messages = (entry.context, entry.text, entry.plural)
            yield line, "npgettext", messages, _notes(entry)
        else:
            yield line, "pgettext", (entry.context, entry.text), _notes(entry)
