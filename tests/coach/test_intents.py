"""find_intents: whole words and phrases, first mention first, negations respected."""

from __future__ import annotations

import pytest

from bot.coach.intents import MAX_SCAN_CHARS, find_intents
from bot.content import Catalog

VOCAB = {
    "area.calf": ("calf", "charley horse"),
    "area.foot": ("foot", "toes"),
    "feeling.gone": ("gone", "went away"),
    "feeling.same": ("same", "not better"),
    "feeling.better": ("better",),
    "stop": ("stop",),
    "next": ("next",),
    "negation": ("not", "no", "never", "isnt"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("calf", ["area.calf"]),
        ("My CALF!", ["area.calf"]),
        ("calfskin", []),  # whole words only
        ("a charley horse", ["area.calf"]),
        ("charley", []),
        ("horse charley", []),
        ("foot then calf", ["area.foot", "area.calf"]),
        ("calf then foot", ["area.calf", "area.foot"]),
        ("calf calf calf", ["area.calf"]),
        ("", []),
        ("!!!", []),
    ],
)
def test_whole_words_in_order(text: str, expected: list[str]) -> None:
    assert find_intents(text, VOCAB) == expected


@pytest.mark.parametrize(
    "text",
    [
        "it's not gone",
        "it isn't gone",
        "it isnt gone",
        "it’s not gone",
        "never gone",
        "not really gone",
        "hasn't gone",
        "it has not gone",
    ],
)
def test_a_negation_just_before_cancels_the_word(text: str) -> None:
    assert "feeling.gone" not in find_intents(text, VOCAB)


def test_a_negation_far_before_does_not() -> None:
    assert find_intents("no, I think that after all that it has gone", VOCAB) == ["feeling.gone"]


def test_a_negation_after_the_word_does_not_cancel_it() -> None:
    assert find_intents("gone, not coming back", VOCAB) == ["feeling.gone"]


def test_a_later_plain_mention_still_counts() -> None:
    # "not gone" first, then "gone" on its own: the second mention is heard.
    assert find_intents("not gone... wait, now it's gone", VOCAB) == ["feeling.gone"]


def test_a_phrase_with_a_negation_in_it() -> None:
    assert find_intents("not better", VOCAB) == ["feeling.same"]


def test_the_negation_list_is_not_an_intent() -> None:
    assert "negation" not in find_intents("not no never", VOCAB)


def test_only_the_start_of_a_long_text_is_read() -> None:
    assert find_intents("calf " + "x " * 5000, VOCAB) == ["area.calf"]
    assert find_intents("x" * MAX_SCAN_CHARS + " calf", VOCAB) == []


def test_an_empty_phrase_is_ignored() -> None:
    assert find_intents("anything", {"odd": ("", "!!")}) == []


# -- the real English vocabulary ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("calf", "area.calf"),
        ("my foot hurts", "area.foot"),
        ("my calves", "area.calf"),
        ("next", "next"),
        ("done", "next"),
        ("stop", "stop"),
        ("worse", "feeling.worse"),
        ("gone", "feeling.gone"),
        ("no change", "feeling.same"),
        ("in bed", "position.bed"),
        ("I'm standing", "position.standing"),
        ("sitting on the sofa", "position.sitting"),
        ("my calf is swollen", "flag.dvt"),
        ("my calf is warm", "flag.dvt"),
        ("red calf", "flag.dvt"),
        ("I fell over", "flag.injury"),
        ("numbness", "flag.numbness"),
        ("new medicine", "flag.medicine"),
        ("very frequent cramps", "flag.frequent"),
        ("I'm pregnant", "flag.pregnancy"),
    ],
)
def test_english_words(en: Catalog, text: str, intent: str) -> None:
    assert intent in find_intents(text, en.intents)


@pytest.mark.parametrize(
    "text", ["it's not gone", "It isn’t gone", "not gone yet", "it hasn't gone away"]
)
def test_english_not_gone(en: Catalog, text: str) -> None:
    assert "feeling.gone" not in find_intents(text, en.intents)


@pytest.mark.parametrize("text", ["no swelling", "not swollen"])
def test_english_negated_flag(en: Catalog, text: str) -> None:
    assert "flag.dvt" not in find_intents(text, en.intents)


def test_english_keywords_are_lower_case_and_unique_per_intent(en: Catalog) -> None:
    for key, words in en.intents.items():
        assert words, key
        assert all(word == word.lower() for word in words), key
        assert len(set(words)) == len(words), key
