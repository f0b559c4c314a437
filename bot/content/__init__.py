"""Everything a person reads, loaded from `content/` into typed, immutable objects at start-up.

`models` holds the shapes, `loader` reads and cross-checks the files, `emergency` finds the
numbers to call for a time zone, `html` checks the Telegram HTML our texts may use. Languages:
`translatable` names each translatable text's key, `babel_extract` is the Babel extractor that
writes them to messages.pot, `i18n` reads each language's .po and matches language codes,
`translation_rules` says what a translation must keep (placeholders, tags).
"""

from bot.content.html import html_problem
from bot.content.i18n import DEFAULT_LANGUAGE, match_language
from bot.content.loader import load_content
from bot.content.models import (
    AREAS,
    POSITIONS,
    SAFETY_QUESTIONS,
    STOPPING_LEVELS,
    Area,
    Catalog,
    Content,
    ContentError,
    Exercise,
    Level,
    Mode,
    Plural,
    Position,
    ProfileRule,
    Routine,
    SafetyText,
    Source,
    Step,
    Tag,
)

__all__ = [
    "AREAS",
    "DEFAULT_LANGUAGE",
    "POSITIONS",
    "SAFETY_QUESTIONS",
    "STOPPING_LEVELS",
    "Area",
    "Catalog",
    "Content",
    "ContentError",
    "Exercise",
    "Level",
    "Mode",
    "Plural",
    "Position",
    "ProfileRule",
    "Routine",
    "SafetyText",
    "Source",
    "Step",
    "Tag",
    "html_problem",
    "load_content",
    "match_language",
]
