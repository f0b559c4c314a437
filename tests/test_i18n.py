"""The translation mechanism: language codes, the Babel extractor and catalogs, per-text fallback.

The checks every language must pass (placeholders, tags, captions, completeness) are in
tests/test_i18n_checks.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, ContentError, load_content, match_language
from bot.content.babel_extract import extract_yaml
from bot.content.i18n import po_path, telegram_code
from tests.test_content import edit_yaml, exercise_named

ROOT = Path(__file__).resolve().parents[1]
FIVE = ("en", "es", "de", "ru", "pt-BR")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target, ignore=shutil.ignore_patterns("media"))
    return target


def translate(directory: Path, language: str, texts: Mapping[str, str | tuple[str, ...]]) -> Path:
    """Fill some msgstr of a language's .po by key; `fuzzy:` before a key marks it fuzzy."""
    path = po_path(directory / "locales", language)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        for key, text in texts.items():
            if message.context == key.removeprefix("fuzzy:"):
                message.string = text
                if key.startswith("fuzzy:"):
                    message.flags.add("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)
    return path


def ship(directory: Path, *languages: str) -> None:
    def change(data: dict[str, dict[str, dict[str, object]]]) -> None:
        for language in languages:
            data["languages"][language]["shipped"] = True

    edit_yaml(directory / "locales" / "languages.yaml", change)


# -- language codes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("pt-br", "pt-BR"),
        ("pt-BR", "pt-BR"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("de-AT", "de"),
        ("de", "de"),
        ("es-419", "es"),
        ("ru", "ru"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("zh-hans", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_telegram_language_codes(code: str | None, language: str) -> None:
    assert match_language(code, FIVE) == language


def test_all_five_are_shipped_and_offered_in_order(content: Content) -> None:
    assert content.shipped == set(FIVE)
    assert content.offered_languages() == FIVE
    assert [content.language_name(code) for code in FIVE] == [
        "English",
        "Español",
        "Deutsch",
        "Русский",
        "Português (Brasil)",
    ]


def test_only_shipped_languages_are_picked(content: Content, copy: Path) -> None:
    def unship(data: dict[str, dict[str, dict[str, object]]]) -> None:
        for language in ("es", "ru"):
            data["languages"][language]["shipped"] = False

    edit_yaml(copy / "locales" / "languages.yaml", unship)
    partly = load_content(copy)
    assert partly.language_for("de-AT") == "de"
    assert partly.localized("pt").language == "pt-BR"
    assert partly.catalog("pt-br").language == "pt-BR"
    assert partly.localized("ru").language == "en"
    assert partly.language_for("es-419") == "en"
    assert partly.offered_languages() == ("en", "de", "pt-BR")


def test_every_language_is_loaded_and_finds_the_others(content: Content) -> None:
    assert set(content.languages) == set(FIVE)
    for language, localized in content.languages.items():
        assert localized.language == language
        assert localized.languages is content.languages
        # A language not shipped yet speaks its own language when asked for it on purpose.
        assert localized.catalog(language).language == language
        assert localized.routines is content.routines
        assert localized.emergency is content.emergency


def test_telegram_codes_for_the_command_menu() -> None:
    assert [telegram_code(language) for language in FIVE] == ["en", "es", "de", "ru", "pt"]


# -- the extractor and the catalogs --------------------------------------------------------
def test_the_extractor_is_registered_for_babel() -> None:
    [found] = [e for e in entry_points(group="babel.extractors") if e.name == "crampcoach_yaml"]
    assert found.load() is extract_yaml


def _extracted() -> set[tuple[str | None, str | tuple[str, ...]]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add((context, message))
    return found


def _in_catalog(path: Path) -> set[tuple[str | None, str | tuple[str, ...]]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, tuple(m.id) if isinstance(m.id, list) else m.id) for m in catalog if m.id}


def test_messages_pot_is_up_to_date_with_the_english() -> None:
    """Edited the English? `python -m tools.i18n update` (docs/translating.md)."""
    pot = _in_catalog(ROOT / "content" / "locales" / "messages.pot")
    assert _extracted() == pot


@pytest.mark.parametrize("language", FIVE[1:])
def test_each_po_holds_exactly_the_pot_messages(language: str) -> None:
    locales = ROOT / "content" / "locales"
    assert _in_catalog(po_path(locales, language)) == _in_catalog(locales / "messages.pot")


def test_every_kind_of_text_is_extracted_with_its_key() -> None:
    keys = {context for context, _ in _extracted()}
    assert {
        "ask_area",
        "button.next",
        "command.start",
        "exercise.calf_stretch_towel.name",
        "exercise.calf_stretch_towel.why",
        "exercise.calf_stretch_towel.steps.0.text",
        "exercise.calf_stretch_towel.cautions.0",
        "safety.warning_line.text",
        "diary.attention",
    } <= keys
    # Source titles and organisations are cited as published, never translated.
    assert not any(key.startswith("source") for key in keys if key)


# -- loading translations -------------------------------------------------------------------
def test_translations_of_every_kind_reach_the_german_content(copy: Path) -> None:
    translate(
        copy,
        "de",
        {
            "ask_area": "<b>Was verkrampft?</b>",
            "button.next": "Weiter ▶",
            "command.start": "Hilfe bei einem Krampf",
            "exercise.calf_massage.name": "Die Wade reiben",
            "exercise.calf_massage.steps.0.text": "Beuge das Knie.",
            "exercise.calf_massage.cautions.0": "Hör auf, wenn es stechend wird.",
            "safety.pregnancy.text": "Schwanger: sag es deiner Hebamme oder Ärztin.",
            # Left untranslated, to see the English stand in.
            "exercise.calf_massage.steps.1.text": "",
            "ask_position": "",
        },
    )
    german = load_content(copy).languages["de"]
    catalog = german.catalog("de")
    assert catalog.text("ask_area") == "<b>Was verkrampft?</b>"
    assert catalog.button("next") == "Weiter ▶"
    assert catalog.commands["start"] == "Hilfe bei einem Krampf"
    massage = german.exercise("calf_massage")
    assert massage.name == "Die Wade reiben"
    assert massage.steps[0].text == "Beuge das Knie."
    assert massage.cautions == ("Hör auf, wenn es stechend wird.",)
    assert german.safety["pregnancy"].text == "Schwanger: sag es deiner Hebamme oder Ärztin."
    # Per text, English stands in for what is not translated, and the English is untouched.
    english = german.languages["en"]
    assert massage.steps[1].text == english.exercise("calf_massage").steps[1].text
    assert catalog.text("ask_position") == english.catalog("en").text("ask_position")
    assert english.exercise("calf_massage").name == "Rub the calf"


def test_fuzzy_and_outdated_translations_stay_english(copy: Path) -> None:
    translate(copy, "de", {"fuzzy:ask_area": "<b>Was verkrampft?</b>"})
    # The English changed after the German was written: the old translation is not used.
    edit_yaml(
        copy / "exercises.yaml",
        lambda d: exercise_named(d, "calf_massage").update(name="Rub the calf gently"),
    )
    translate(copy, "de", {"exercise.calf_massage.name": "Die Wade reiben"})
    german = load_content(copy).languages["de"]
    assert german.catalog("de").text("ask_area") == "<b>What's cramping?</b>"
    assert german.exercise("calf_massage").name == "Rub the calf gently"


def test_plural_forms_follow_each_language(copy: Path) -> None:
    translate(
        copy,
        "ru",
        {
            "reminder.snoozed_note": (
                "Отложено на {minutes} минуту.",
                "Отложено на {minutes} минуты.",
                "Отложено на {minutes} минут.",
            )
        },
    )
    translate(copy, "de", {"diary.attention": ("", "")})  # left untranslated
    content = load_content(copy)
    russian = content.languages["ru"].catalog("ru")
    said = [russian.text("reminder.snoozed_note", minutes=n) for n in (1, 2, 5, 11, 21, 30)]
    assert said == [
        "Отложено на 1 минуту.",
        "Отложено на 2 минуты.",
        "Отложено на 5 минут.",
        "Отложено на 11 минут.",
        "Отложено на 21 минуту.",
        "Отложено на 30 минут.",
    ]
    english = content.catalog("en")
    assert english.text("diary.attention", count=1).startswith("<i>1 time a cramp")
    assert english.text("diary.attention", count=2).startswith("<i>2 times a cramp")
    # Untranslated plural texts fall back to the English forms by English rules.
    german = content.languages["de"].catalog("de")
    assert german.text("diary.attention", count=1) == english.text("diary.attention", count=1)
    with pytest.raises(TypeError):
        english.text("diary.attention", count=1.5)


@pytest.mark.parametrize(
    ("key", "text", "problem"),
    [
        ("step_header", "<b>Schritt {number}</b>", "placeholders"),
        ("step_header", "Schritt {number} von {total}", "HTML tags differ"),
        ("ask_area", "<b>Was verkrampft?", "never closed"),
        ("exercise.calf_massage.steps.0.text", "Knie & Wade", "&amp;"),
    ],
)
def test_a_broken_translation_stops_start_up_naming_file_and_key(
    copy: Path, key: str, text: str, problem: str
) -> None:
    po = translate(copy, "de", {key: text})
    with pytest.raises(ContentError) as caught:
        load_content(copy)
    message = str(caught.value)
    assert str(po) in message and key in message and problem in message


def test_a_translation_over_a_limit_names_the_po(copy: Path) -> None:
    po = translate(copy, "es", {"exercise.calf_massage.steps.0.text": "x" * 401})
    with pytest.raises(ContentError) as caught:
        load_content(copy)
    assert str(po) in str(caught.value) and "exercises.yaml" in str(caught.value)


# -- words -------------------------------------------------------------------------------------
def test_word_lists_are_per_language_with_english_for_a_missing_list(copy: Path) -> None:
    edit_yaml(
        copy / "words" / "es.yaml",
        lambda d: d["intents"].update({"area.calf": ["Gemelo"], "area.shin": []}),
    )
    content = load_content(copy)
    spanish = content.languages["es"].catalog("es").intents
    english = content.catalog("en").intents
    assert spanish["area.calf"] == ("gemelo",)
    assert spanish["area.shin"] == english["area.shin"]
    assert set(spanish) == set(english)


def test_a_word_list_the_english_does_not_have(copy: Path) -> None:
    path = copy / "words" / "de.yaml"
    edit_yaml(path, lambda d: d["intents"].update({"area.knee": ["knie"]}))
    with pytest.raises(ContentError) as caught:
        load_content(copy)
    assert str(path) in str(caught.value) and "area.knee" in str(caught.value)


def test_a_changed_copy_of_the_content_is_the_one_localized(content: Content) -> None:
    changed = replace(content, media={})
    assert changed.localized("en-GB") is changed
    assert changed.localized("fr") is changed


def test_a_broken_po_file_names_itself(copy: Path) -> None:
    po = po_path(copy / "locales", "ru")
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid unquoted\n', "utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(copy)
    assert str(po) in str(caught.value) and "not a readable .po file" in str(caught.value)
