"""The bot's languages: which there are, which are shipped, and their gettext catalogs.

English YAML is the source; `content/locales/<ll_CC>/LC_MESSAGES/messages.po` holds each other
language, keyed by msgctxt (`bot.content.translatable`). The loader reads the `.po` files
themselves with Babel, not compiled `.mo` files: the `.po` is what translators edit and what git
reviews, so there is no build step to forget and no binary that can drift from its source, and
reading a few hundred messages once at start-up costs milliseconds. A text whose translation is
missing, fuzzy or written for an older English wording stays English (per text, not per file),
so a new English string never leaves a hole; a translation that breaks a rule (placeholders,
HTML tags) stops start-up with one line naming the file and key, as any broken content does.

A language is only offered (picked from Telegram's `language_code`) once `languages.yaml` marks it
shipped, which the tests allow only when it has no missing text.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pydantic import BaseModel, ConfigDict, Field

from bot.content.translatable import Entry
from bot.content.translation_rules import is_html, translation_problem

DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
# A Telegram code with only a base language we ship in a regional form ("pt", "pt-PT").
_ALIASES = {"pt": "pt-BR"}


class LanguageError(Exception):
    """A translation breaks a rule; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Language(_Frozen):
    name: str = Field(min_length=1, max_length=40)  # in the language itself, for /language
    shipped: bool = False


class LanguageFile(_Frozen):
    languages: dict[str, Language] = Field(min_length=1)


def locale_name(language: str) -> str:
    """The gettext/Babel spelling of a language code: pt-BR -> pt_BR."""
    return language.replace("-", "_")


def po_path(locales: Path, language: str) -> Path:
    return locales / locale_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def match_language(code: str | None, available: Iterable[str]) -> str:
    """The language to use for a Telegram `language_code`: pt-br and pt -> pt-BR, de-AT -> de,
    anything we do not offer -> English. Babel's locale negotiation does the matching."""
    offered = {language.lower(): language for language in available}
    if not code:
        return DEFAULT_LANGUAGE
    wanted = code.replace("_", "-")
    base = wanted.split("-")[0]
    found = negotiate_locale([wanted, base], list(offered.values()), sep="-", aliases=_ALIASES)
    return offered.get(found.lower(), DEFAULT_LANGUAGE) if found else DEFAULT_LANGUAGE


def telegram_code(language: str) -> str:
    """The code for Telegram's per-language settings (setMyCommands takes two letters): pt-BR
    -> pt, which is also what Telegram apps send as the base of pt-br."""
    return language.split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class Translation:
    """One language's catalog, read from its .po: what is translated, and for which English."""

    language: str
    path: Path | None
    singular: Mapping[tuple[str, str], str]
    # (key, English singular) -> all forms, for the plural texts translated in every form.
    plural: Mapping[tuple[str, str], tuple[str, ...]]
    translations: gettext.NullTranslations

    def lookup(self, entry: Entry) -> str | None:
        """The translation of this text as its English reads now, or None to keep the English."""
        if entry.plural is not None:
            return None
        return self.singular.get((entry.context, entry.text))

    def forms(self, entry: Entry) -> tuple[str, ...] | None:
        """All plural forms of a plural text, or None to keep the English."""
        return self.plural.get((entry.context, entry.text))

    def has(self, entry: Entry) -> bool:
        if entry.plural is not None:
            return self.forms(entry) is not None
        return self.lookup(entry) is not None


def untranslated(language: str, path: Path | None = None) -> Translation:
    return Translation(language, path, {}, {}, gettext.NullTranslations())


def _complete(message_string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(message_string, tuple | list):
        return all(form.strip() for form in message_string)
    return bool(message_string and message_string.strip())


def _check(path: Path, context: str, english: str, forms: Iterable[str]) -> None:
    """Each form keeps the English's placeholders and tags (for plurals, the general form's)."""
    for form in forms:
        problem = translation_problem(english, form, html=is_html(context))
        if problem:
            raise LanguageError(f"{path}: {context}: {problem}")


def read_translation(path: Path, language: str) -> Translation:
    """Read one language's .po; a missing file is a language with nothing translated yet.

    Fuzzy and incomplete messages are dropped before anything is looked up, so they read as
    missing (English) everywhere, the plural texts gettext looks up included.
    """
    if not path.is_file():
        return untranslated(language, path)
    with path.open("rb") as handle:
        try:
            catalog = read_po(
                handle, locale=locale_name(language), domain=DOMAIN, abort_invalid=True
            )
        except Exception as error:  # Babel raises several types for a broken .po
            raise LanguageError(f"{path}: not a readable .po file: {error}") from None
    singular: dict[tuple[str, str], str] = {}
    plural: dict[tuple[str, str], tuple[str, ...]] = {}
    for message in list(catalog):
        if not message.id:
            continue  # the header
        if message.fuzzy or not _complete(message.string):
            catalog.delete(message.id, context=message.context)
            continue
        context = message.context or ""
        if isinstance(message.id, tuple | list):
            assert isinstance(message.string, tuple | list)
            forms = tuple(message.string)
            _check(path, context, message.id[-1], forms)
            plural[(context, message.id[0])] = forms
        else:
            assert isinstance(message.string, str)
            _check(path, context, message.id, (message.string,))
            singular[(context, message.id)] = message.string
    # Plural texts are looked up through gettext itself, which applies the catalog's
    # Plural-Forms (Babel writes it from CLDR's rules for the language).
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translation(language, path, singular, plural, gettext.GNUTranslations(buffer))
