"""Understands short free text ("my calf!", "next", "it's not gone") well enough to act on it.

The keyword lists live in the language catalog (`intents:`), so a translation
brings its own words. Matching is deliberately plain — whole words or
phrases, with a simple check for a negation just before — because a wrong
guess mid-cramp is worse than asking again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Long messages are fine, but only their start is worth reading for an intent.
MAX_SCAN_CHARS = 600
_WORD = re.compile(r"[\w']+", re.UNICODE)
_NEGATION_WINDOW = 3


def _words(text: str) -> list[str]:
    return [word.replace("’", "'") for word in _WORD.findall(text.lower().replace("’", "'"))]


def find_intents(text: str, vocabulary: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The intent keys whose words occur in `text`, in order of first appearance.

    A keyword counts only when none of the few words before it is a negation
    ("not", "isn't", …, from the `negation` list), so "not gone" is not "gone".
    """
    words = _words(text[:MAX_SCAN_CHARS])
    negations = set(vocabulary.get("negation", ()))
    found: dict[str, int] = {}
    for key, phrases in vocabulary.items():
        if key == "negation":
            continue
        for phrase in phrases:
            target = _words(phrase)
            if not target:
                continue
            for start in _occurrences(words, target):
                before = words[max(0, start - _NEGATION_WINDOW) : start]
                if any(word in negations or word.endswith("n't") for word in before):
                    continue
                if key not in found or start < found[key]:
                    found[key] = start
                break
    return sorted(found, key=found.__getitem__)


def _occurrences(words: list[str], target: list[str]) -> list[int]:
    size = len(target)
    return [i for i in range(len(words) - size + 1) if words[i : i + size] == target]
