"""Catalog chores for translators and maintainers.

    python -m tools.i18n check es            # one language: every rule, and what is left
    python -m tools.i18n check es --partial  # the same; untranslated texts are not errors
    python -m tools.i18n update              # English changed: new .pot, every .po updated

Exit status 0 when the language passes, 1 when it does not (each problem on its own line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import PoFileError

from bot.content import ContentError, load_content
from bot.content.i18n import DEFAULT_LANGUAGE, LanguageFile, locale_name
from tools.i18n.checks import Problem, caption_problems, catalog_problems, word_problems

ROOT = Path(__file__).resolve().parents[2]
# The same flags every time, so that a regenerated file differs only where the text did.
_EXTRACT = ["--no-location", "--no-wrap", "--project", "crampcoach", "--version", "1",
            "--copyright-holder", "crampcoach contributors"]  # fmt: skip


def _languages(content_dir: Path) -> list[str]:
    import yaml

    raw = yaml.safe_load((content_dir / "locales" / "languages.yaml").read_text("utf-8"))
    return [code for code in LanguageFile.model_validate(raw).languages if code != "en"]


def check(content_dir: Path, language: str, partial: bool) -> int:
    if language not in _languages(content_dir):
        print(f"{language}: not a language of content/locales/languages.yaml")
        return 1
    try:
        problems = list(catalog_problems(content_dir, language))
    except PoFileError as error:
        print(f"the .po file cannot be read: {error}")
        return 1
    problems += word_problems(content_dir, language)
    try:
        problems += caption_problems(load_content(content_dir).languages[language])
    except ContentError as error:
        problems.append(Problem("start-up", f"the bot would not start: {error}"))
    wrong = [p for p in problems if not p.missing]
    left = [p for p in problems if p.missing]
    for problem in wrong if partial else problems:
        print(problem)
    summary = f"{language}: {len(wrong)} problem(s), {len(left)} text(s) or word list(s) left"
    print(summary, file=sys.stderr)
    return 1 if wrong or (left and not partial) else 0


def update(content_dir: Path) -> int:
    """pybabel extract, then pybabel update for every language (new texts empty, changed fuzzy)."""
    locales = content_dir / "locales"
    pot = str(locales / "messages.pot")
    # Babel's command line is the documented interface to extract/update; it has no type hints.
    run = CommandLineInterface().run
    extract = ["pybabel", "extract", "-F", str(ROOT / "babel.cfg"), *_EXTRACT, "-o", pot]
    run([*extract, str(ROOT)])  # type: ignore[no-untyped-call]
    for language in _languages(content_dir):
        command = ["pybabel", "update", "--no-wrap", "-D", "messages", "-i", pot, "-d"]
        run([*command, str(locales), "-l", locale_name(language)])  # type: ignore[no-untyped-call]
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.i18n", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="check one language's .po and word list")
    checking.add_argument("language", help="es, de, ru or pt-BR (pt_BR works too)")
    checking.add_argument("--partial", action="store_true", help="untranslated is not an error")
    commands.add_parser("update", help="re-extract messages.pot and update every .po")
    args = parser.parse_args(argv)
    if args.command == "update":
        return update(args.content)
    language = args.language.replace("_", "-")
    if language == DEFAULT_LANGUAGE:
        parser.error("English is the source; check a translation")
    return check(args.content, language, args.partial)


if __name__ == "__main__":
    sys.exit(main())
