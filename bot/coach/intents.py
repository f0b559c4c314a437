"""Understands short free text ("my calf!", "next", "it's not gone") well enough to act on it.

The keyword lists live in the language catalog (`intents:`), so a translation
brings its own words. Matching is deliberately plain — whole words or
phrases, with a simple check for a negation just before — because a wrong
guess mid-cramp is worse than asking again.

A negation only reaches within its own clause: in "I don't know, chest pain" or
"can't walk, calf swollen" the warning sign stands. A comma, a full stop or a
joining word ("and", "but", the catalog's `clause_break` list) ends a clause, and
a phrase never matches across one. "Won't stop throbbing" negates the stopping,
not the throbbing: a negation right before a word of `negation_exempt` counts
for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Lists in `intents:` that are about how to read a sentence, not intents themselves.
_GRAMMAR = frozenset({"negation", "negation_exempt", "clause_break"})
# Long messages are fine, but only their start is worth reading for an intent.
MAX_SCAN_CHARS = 600
_TOKEN = re.compile(r"[\w']+|[,.;:!?()\n]", re.UNICODE)
_NEGATION_WINDOW = 3
# Stands between clauses in the word list: nothing matches across it.
_BREAK = ","


def _words(text: str, breaks: frozenset[str] = frozenset()) -> list[str]:
    """Lower-case words, with every clause boundary turned into one `_BREAK` marker."""
    words: list[str] = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if not (token[0].isalnum() or token[0] in "_'") or token in breaks:
            if words and words[-1] != _BREAK:
                words.append(_BREAK)
        else:
            words.append(token)
    return words


def _negated(before: list[str], negations: set[str], exempt: set[str]) -> bool:
    """Whether a negation in `before` (the words just before a phrase) reaches the phrase."""
    if _BREAK in before:
        before = before[len(before) - before[::-1].index(_BREAK) :]
    return any(
        (word in negations or word.endswith("n't"))
        and not (i + 1 < len(before) and before[i + 1] in exempt)
        for i, word in enumerate(before)
    )


def find_intents(text: str, vocabulary: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The intent keys whose words occur in `text`, in order of first appearance.

    A keyword counts only when none of the few words before it is a negation
    ("not", "isn't", …, from the `negation` list), so "not gone" is not "gone".
    """
    breaks = frozenset(vocabulary.get("clause_break", ()))
    words = _words(text[:MAX_SCAN_CHARS], breaks)
    negations = set(vocabulary.get("negation", ()))
    exempt = set(vocabulary.get("negation_exempt", ()))
    found: dict[str, int] = {}
    for key, phrases in vocabulary.items():
        if key in _GRAMMAR:
            continue
        for phrase in phrases:
            target = _words(phrase, breaks)  # "cold and pale" is matched as spoken
            if not target:
                continue
            for start in _occurrences(words, target):
                before = words[max(0, start - _NEGATION_WINDOW) : start]
                if _negated(before, negations, exempt):
                    continue
                if key not in found or start < found[key]:
                    found[key] = start
                break
    return sorted(found, key=found.__getitem__)


def _occurrences(words: list[str], target: list[str]) -> list[int]:
    size = len(target)
    return [i for i in range(len(words) - size + 1) if words[i : i + size] == target]
