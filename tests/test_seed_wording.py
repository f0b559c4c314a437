"""No sentence of the bot is lifted from the seed article the first version started from.

The article is not in the repository (it is not ours to copy, and it is not a source); only
salted hashes of every run of eight words in it are, in `tests/data/seed_shingles.txt`. Eight
words in a row shared with the article means a sentence was taken over, not written anew. To
rebuild the file from a copy of the article: `shingle_hashes(text)`, one hash a line, sorted.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content import Content, load_content

RUN = 8
SALT = b"crampcoach-seed-v1:"
SHINGLES = Path(__file__).parent / "data" / "seed_shingles.txt"


def _runs(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def shingle_hashes(text: str) -> set[str]:
    """Every run of eight words of `text`, normalised, salted and hashed (64 bits)."""
    return {hashlib.sha256(SALT + run.encode()).hexdigest()[:16] for run in _runs(text)}


def everything_the_bot_says(content: Content) -> list[str]:
    texts: list[str] = []
    for exercise in content.exercises.values():
        texts += [exercise.name, exercise.why, *exercise.cautions]
        texts += [step.text for step in exercise.steps]
    texts += [item.text for item in content.safety.values()]
    for catalog in content.catalogs.values():
        texts += [*catalog.strings.values(), *catalog.buttons.values(), *catalog.commands.values()]
    return texts


@pytest.fixture(scope="module")
def seed() -> frozenset[str]:
    return frozenset(SHINGLES.read_text(encoding="ascii").split())


def test_the_hash_file_holds_only_hashes(seed: frozenset[str]) -> None:
    assert len(seed) > 500  # the article has several hundred eight-word runs
    assert all(re.fullmatch(r"[0-9a-f]{16}", item) for item in seed)


def test_a_copied_run_would_be_caught() -> None:
    planted = "one two three four five six seven eight nine"
    fake_seed = shingle_hashes("zero " + planted)
    assert shingle_hashes(f"We say: {planted.upper()}!") & fake_seed
    assert not shingle_hashes("one two three four five six seven") & fake_seed  # 7 words


def test_no_wording_is_copied_from_the_seed_article(seed: frozenset[str]) -> None:
    content = load_content(DEFAULT_CONTENT_DIR)
    copied = [text for text in everything_the_bot_says(content) if shingle_hashes(text) & seed]
    assert not copied, copied
