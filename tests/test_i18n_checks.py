"""The rules every language keeps (issue 14), checked on the content as the bot loads it.

- every text has the English's placeholders and HTML tags, in every language;
- every exercise's first step fits a 1,024-character caption, in every language;
- a shipped language has no missing text and no empty word list.

The last is honest both ways: each language not marked `shipped` in languages.yaml is a strict
xfail, so it is reported as not done while it has gaps, and the test FAILS the day it is
complete but still not shipped (flip `shipped: true` then). A shipped language with a gap fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.coach.intents import find_intents
from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content
from bot.content.translation_rules import is_html, translation_problem
from tests.test_i18n import translate
from tools.i18n.__main__ import main as i18n_tool
from tools.i18n.checks import (
    MAX_CAPTION,
    caption_problems,
    catalog_problems,
    first_step_caption,
    word_problems,
)

# How many words before a phrase a negation reaches (bot/coach/intents.py).
NEGATION_WINDOW = 3
_LANGUAGES = yaml.safe_load(
    (DEFAULT_CONTENT_DIR / "locales" / "languages.yaml").read_text(encoding="utf-8")
)["languages"]
TRANSLATED = [code for code in _LANGUAGES if code != "en"]
EVERY = list(_LANGUAGES)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


def _pairs(english: Content, other: Content) -> list[tuple[str, str, str]]:
    """(key, English, translation) for every text that is translated, plural forms included."""
    pairs: list[tuple[str, str, str]] = []
    for exercise_id, exercise in english.exercises.items():
        theirs = other.exercise(exercise_id)
        key = f"exercise.{exercise_id}"
        pairs += [
            (f"{key}.name", exercise.name, theirs.name),
            (f"{key}.why", exercise.why, theirs.why),
        ]
        pairs += [
            (f"{key}.steps.{n}.text", step.text, theirs.steps[n].text)
            for n, step in enumerate(exercise.steps)
        ]
        pairs += [
            (f"{key}.cautions.{n}", caution, theirs.cautions[n])
            for n, caution in enumerate(exercise.cautions)
        ]
    for key, item in english.safety.items():
        pairs.append((f"safety.{key}.text", item.text, other.safety[key].text))
    ours, catalog = english.catalog("en"), other.catalogs[other.language]
    pairs += [(key, text, catalog.strings[key]) for key, text in ours.strings.items()]
    pairs += [(f"button.{key}", text, catalog.buttons[key]) for key, text in ours.buttons.items()]
    pairs += [(f"command.{k}", text, catalog.commands[k]) for k, text in ours.commands.items()]
    for key, plural in ours.plurals.items():
        for n in (*range(0, 32), 100, 101, 111, 1_000_000):
            pairs.append((f"{key}[n={n}]", plural.other, catalog.plurals[key].form(n)))
    return pairs


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_keeps_the_english_placeholders_and_tags(
    content: Content, language: str
) -> None:
    other = content.languages[language]
    assert set(other.exercises) == set(content.exercises)
    assert set(other.safety) == set(content.safety)
    problems = [
        f"{key}: {problem}"
        for key, english, theirs in _pairs(content, other)
        if (problem := translation_problem(english, theirs, html=is_html(key)))
    ]
    assert not problems, problems[:10]


@pytest.mark.parametrize("language", EVERY)
def test_every_first_step_fits_a_caption(content: Content, language: str) -> None:
    assert not list(caption_problems(content.languages[language]))


def test_the_caption_measured_is_the_worst_case(content: Content) -> None:
    """It holds the step, the warning line, the cautions and every note the profile can add."""
    exercise = content.exercise("calf_massage")
    caption = first_step_caption(content, exercise)
    assert exercise.steps[0].text in caption and exercise.name in caption
    assert content.safety["warning_line"].text.split("{")[0] in caption
    for key in ("pregnancy", "clot_note", "numb_feet_note"):
        assert content.safety[key].text in caption
    assert len(caption) <= MAX_CAPTION


def test_a_caption_too_long_is_named(tmp_path: Path, content: Content) -> None:
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy, ignore=shutil.ignore_patterns("media"))
    translate(copy, "de", {"safety.clot_note.text": "Blutgerinnsel. " * 40})
    german = load_content(copy).languages["de"]
    [problem, *_] = caption_problems(german)
    assert problem.key.endswith(".steps.0.text") and "1024" in problem.what


def _shipped_marks(code: str) -> list[pytest.MarkDecorator]:
    if _LANGUAGES[code].get("shipped"):
        return []
    reason = f"{code} is not shipped yet (languages.yaml); complete it, then set shipped: true"
    return [pytest.mark.xfail(strict=True, reason=reason)]


@pytest.mark.parametrize(
    "language", [pytest.param(code, marks=_shipped_marks(code)) for code in TRANSLATED]
)
def test_a_shipped_language_has_no_missing_text(language: str) -> None:
    problems = [
        *catalog_problems(DEFAULT_CONTENT_DIR, language),
        *word_problems(DEFAULT_CONTENT_DIR, language),
    ]
    assert not problems, [str(problem) for problem in problems[:10]]


def test_the_translators_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy, ignore=shutil.ignore_patterns("media"))
    translate(copy, "es", {"ask_area": ""})  # one text left to translate
    assert i18n_tool(["--content", str(copy), "check", "es", "--partial"]) == 0
    assert i18n_tool(["--content", str(copy), "check", "es"]) == 1
    assert i18n_tool(["--content", str(copy), "check", "pt_BR", "--partial"]) == 0
    translate(copy, "es", {"step_header": "<b>Paso {number}</b>"})
    capsys.readouterr()
    assert i18n_tool(["--content", str(copy), "check", "es", "--partial"]) == 1
    said = capsys.readouterr().out
    assert "step_header" in said and "placeholders" in said


def _reaches_past_negation(phrase: str, others: tuple[str, ...]) -> bool:
    """Whether another phrase of the list sits deep inside this one, out of a negation's reach
    ("not like I had been kicked" still says "been kicked")."""
    words = phrase.split()
    for other in others:
        part = other.split()
        if other != phrase and any(
            words[start : start + len(part)] == part
            for start in range(NEGATION_WINDOW, len(words) - len(part) + 1)
        ):
            return True
    return False


@pytest.mark.parametrize("language", EVERY)
def test_every_warning_sign_word_is_recognised_and_its_negation_is_not(
    content: Content, language: str
) -> None:
    vocabulary = content.languages[language].catalogs[language].intents
    negation = vocabulary["negation"][0]
    unheard, negated = [], []
    for key, phrases in vocabulary.items():
        if not key.startswith("flag."):
            continue
        for phrase in phrases:
            if key not in find_intents(phrase, vocabulary):
                unheard.append((key, phrase))
            elif not _reaches_past_negation(phrase, phrases) and key in find_intents(
                f"{negation} {phrase}", vocabulary
            ):
                negated.append((key, phrase))
    assert not unheard and not negated, (unheard[:10], negated[:10])
