"""The subset of Telegram HTML our texts may use, checked when the content is loaded.

Telegram rejects a whole message over one stray '<' or an unclosed tag; at 3 a.m. that is a
message that never arrives. Checking every text at start-up turns it into a start-up error.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_ALLOWED_TAGS = frozenset({"b", "i"})


class _TagChecker(HTMLParser):
    """Checks that a text uses only the Telegram HTML we allow, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS or attrs:
            self.problem = self.problem or f"tag <{tag}> is not allowed (only <b> and <i>)"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problem = self.problem or f"</{tag}> does not close the open tag"
        else:
            self.stack.pop()


def html_problem(text: str) -> str | None:
    """Why Telegram would reject this HTML text, or None if it is fine."""
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+);)", text) or re.search(r"<(?![/a-z])", text):
        return "a bare '&' or '<' must be written as &amp; or &lt;"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.problem:
        return checker.problem
    if checker.stack:
        return f"<{checker.stack[-1]}> is never closed"
    return None
