"""What a translation must keep from the English: its placeholders and its HTML tags.

A missing `{number}` raises a KeyError mid-routine or silently drops a number, and a lost `</b>`
makes Telegram reject the whole message; a translator's check, the loader and the tests all ask
these same questions, here.
"""

from __future__ import annotations

import re
import string
from collections import Counter

from bot.content.html import html_problem

_TAG = re.compile(r"</?([a-z]+)[^>]*>")


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a str.format template (a stray brace counts as broken: '{')."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return {"{"}


def tags(text: str) -> Counter[str]:
    """How often each opening and closing tag occurs ("<b>", "</b>"); their order may change."""
    return Counter(match.group(0) for match in _TAG.finditer(text))


# Button labels and command descriptions are plain text, not HTML ("Sat & Sun").
_PLAIN_TEXT = ("button.", "command.")


def is_html(key: str) -> bool:
    """Whether the text under this key (a msgctxt) is sent as Telegram HTML."""
    return not key.startswith(_PLAIN_TEXT)


def translation_problem(english: str, translated: str, *, html: bool = True) -> str | None:
    """Why `translated` cannot stand in for `english`, or None if it can."""
    if not translated.strip():
        return "empty translation"
    ours, theirs = placeholders(english), placeholders(translated)
    if ours != theirs:
        missing = ", ".join(f"{{{name}}}" for name in sorted(ours - theirs)) or "none"
        extra = ", ".join(f"{{{name}}}" for name in sorted(theirs - ours)) or "none"
        return f"placeholders differ from the English (missing: {missing}; extra: {extra})"
    problem = html_problem(translated) if html else None
    if problem:
        return problem
    if tags(english) != tags(translated):
        wanted = " ".join(sorted(tags(english).elements())) or "none"
        return f"HTML tags differ from the English (the English has: {wanted})"
    return None
