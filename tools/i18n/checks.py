"""The checks a translation must pass, shared by `python -m tools.i18n check` and the tests.

Per text: the same placeholders and HTML tags as the English, nothing empty or fuzzy, every
plural form filled (`bot.content.translation_rules`). Per exercise: its first step, as the
coach sends it with the longest header, hint, warning line, cautions and notes it can carry,
fits a 1,024-character Telegram caption. Per language: every free-text word list is filled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import read_po

from bot.content import Content, Exercise
from bot.content.i18n import DEFAULT_LANGUAGE, locale_name, po_path
from bot.content.translation_rules import is_html, translation_problem

# Telegram's caption limit (the coach sends the first step under the exercise's picture).
MAX_CAPTION = 1024


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    what: str
    # A text not translated yet, as opposed to a translation that is wrong.
    missing: bool = False

    def __str__(self) -> str:
        return f"{self.key}: {self.what}"


def _read(path: Path, language: str | None = None) -> PoCatalog:
    with path.open("rb") as handle:
        locale = locale_name(language) if language else None
        return read_po(handle, locale=locale, abort_invalid=True)


def catalog_problems(content_dir: Path, language: str) -> Iterator[Problem]:
    """Compare one language's .po with messages.pot, text by text."""
    locales = content_dir / "locales"
    template = _read(locales / "messages.pot")
    translated = _read(po_path(locales, language), language)
    for wanted in template:
        if not wanted.id:
            continue
        key = wanted.context or "?"
        found = translated.get(wanted.id, context=wanted.context)
        if found is None:
            yield Problem(key, "not in the .po: run pybabel update (docs/translating.md)", True)
            continue
        if found.fuzzy:
            yield Problem(
                key, "marked fuzzy: check it against the English, then drop the flag", True
            )
            continue
        english = wanted.id[-1] if isinstance(wanted.id, tuple | list) else wanted.id
        forms = found.string if isinstance(found.string, tuple | list) else (found.string,)
        if isinstance(wanted.id, tuple | list) and len(forms) != translated.num_plurals:
            yield Problem(key, f"needs {translated.num_plurals} plural forms, has {len(forms)}")
        for index, form in enumerate(forms):
            which = f" (msgstr[{index}])" if len(forms) > 1 else ""
            if not (form or "").strip():
                yield Problem(key, f"not translated yet{which}", True)
            else:
                problem = translation_problem(english, form or "", html=is_html(key))
                if problem:
                    yield Problem(key, problem + which)
    for extra in translated:
        if extra.id and template.get(extra.id, context=extra.context) is None:
            yield Problem(extra.context or "?", "not in messages.pot: run pybabel update")


def first_step_caption(content: Content, exercise: Exercise) -> str:
    """The longest first-step message the coach can make for this exercise, in content's language.

    It joins everything `step_message` may put in (both headers' longer one, the warning line
    with the longest number, each hint's longest wording, every caution and note the safety
    profile can add), so it is never shorter than what a person can get.
    """
    catalog = content.catalogs[content.language]
    numbers = [f"<b>{n.emergency}</b>" for n in content.emergency.by_country.values()]
    longest_number = max([*numbers, catalog.text("call.your_number")], key=len)
    header = "exercise_header_optional" if exercise.optional else "exercise_header"
    step = exercise.steps[0]
    parts = [
        catalog.text(header, number=99, total=99, name=exercise.name),
        content.safety["warning_line"].text.format(emergency=longest_number),
        "",
        catalog.text("step_header", number=99, total=99),
        step.text,
    ]
    if step.reps is not None:
        parts.append(catalog.text("hint.reps", reps=step.reps))
    hints = [catalog.text(k, seconds=99_999) for k in ("hint.hold", "hint.duration")]
    parts.append(max([*hints, catalog.text("hint.manual")], key=len))
    after = list(exercise.cautions)
    for rule in content.profile_rules.values():
        if rule.caution is not None and not exercise.tags.isdisjoint(rule.for_tags):
            after.append(content.safety[rule.caution].text)
        if rule.note is not None:
            after.append(content.safety[rule.note].text)
    if after:
        parts += ["", *(f"<i>{line}</i>" for line in after)]
    return "\n".join(parts)


def caption_problems(content: Content) -> Iterator[Problem]:
    for exercise in content.exercises.values():
        length = len(first_step_caption(content, exercise))
        if length > MAX_CAPTION:
            yield Problem(
                f"exercise.{exercise.id}.steps.0.text",
                f"the first step's caption can reach {length} characters (at most {MAX_CAPTION})"
                ": shorten the step, the exercise's name or its cautions",
            )


def word_problems(content_dir: Path, language: str) -> Iterator[Problem]:
    """Word lists a language has not filled yet (content/words/<language>.yaml)."""
    words = content_dir / "words"
    english = yaml.safe_load((words / f"{DEFAULT_LANGUAGE}.yaml").read_text("utf-8"))["intents"]
    path = words / f"{language}.yaml"
    own = yaml.safe_load(path.read_text("utf-8")).get("intents") or {} if path.is_file() else {}
    for key in english:
        if not own.get(key):
            yield Problem(f"words:{key}", f"no words yet in {path.name}", True)
