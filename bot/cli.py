"""The `crampcoach` command: run the bot, chat in the terminal, manage the database.

Start-up problems (a bad setting, a broken content file, no token) end with
one clear line and exit code 2, never a traceback: the person reading it is
often setting the bot up for the first time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken

from bot.coach import Coach
from bot.config import MissingSetting, Settings, describe_error
from bot.content import Content, ContentError, load_content
from bot.logs import setup_logging
from bot.reminders.zone_data import load_zone_book
from bot.reminders.zones import ZoneBook
from bot.service import ChatService
from bot.storage import make_engine, make_sessionmaker, upgrade_database

EXIT_USAGE = 2
NO_TOKEN = (
    "No Telegram bot token found. Put TELEGRAM_BOT_TOKEN=<token from @BotFather> in a .env file "
    "in this folder (see .env.example), or try the bot right here with: {chat}"
)
BAD_TOKEN = (
    "Telegram did not accept TELEGRAM_BOT_TOKEN. Check the token from @BotFather in .env "
    "(or TELEGRAM_BASE_URL if you changed it)."
)


UNKNOWN_LANGUAGE = "--language {code}: not one of the bot's languages ({languages})."


class StartupError(Exception):
    """Something the person starting the bot must fix; the message says what."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crampcoach", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the Telegram bot (long polling); applies migrations first")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal; no token needed")
    chat.add_argument(
        "--language",
        metavar="CODE",
        help="the language of the chat: en, es, de, ru or pt-BR (as a Telegram app set to it; "
        "/language in the chat changes it and is remembered)",
    )
    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_commands.add_parser("upgrade", help="apply pending migrations")
    commands.add_parser(
        "serve", help="run the bot as webhook workers (WEBHOOK_URL, docs/deploy.md); migrates first"
    )
    return parser


def _chat_command() -> str:
    """How the person ran us, so the hint can be pasted as is (".venv/bin/crampcoach chat")."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("crampcoach")
    if program.name == "__main__.py":
        return "python -m bot chat"
    try:
        shown = program.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = Path(program.name)
    return f"{shown} chat"


def _upgrade(settings: Settings) -> None:
    url = settings.resolved_database_url()
    try:
        upgrade_database(url)
    except (SQLAlchemyError, OSError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StartupError(f"Cannot open the database at {shown}: {reason}") from None


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise StartupError(describe_error(error)) from None


def _content(settings: Settings) -> Content:
    try:
        return load_content(settings.content_dir)
    except ContentError as error:
        raise StartupError(f"Content problem: {error}") from None


async def _coach(settings: Settings, content: Content) -> Coach:
    # City names and shared locations need map data (about a second to read): loaded once, in a
    # thread, before the first event, so nobody's message waits for it.
    zones = await asyncio.to_thread(load_zone_book)
    return coach_for(settings, content, zones)


def coach_for(settings: Settings, content: Content, zones: ZoneBook) -> Coach:
    """The coach as the settings make it (also each `serve` worker's, bot/worker.py)."""
    return Coach(
        content,
        zones=zones,
        time_scale=settings.routine_time_scale,
        checkin_after=timedelta(minutes=settings.checkin_minutes),
    )


async def _run_bot(settings: Settings, content: Content, token: str) -> None:
    from bot.telegram.app import bot_from_settings, serve

    engine = make_engine(settings.resolved_database_url())
    try:
        service = ChatService(await _coach(settings, content), make_sessionmaker(engine))
        adapter, app = bot_from_settings(settings, service, token)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        await serve(app, adapter, stop)
    finally:
        await engine.dispose()


def _chat_language(code: str | None, content: Content) -> str | None:
    """The chat's language from `--language`: one the bot offers ("pt-br" finds pt-BR), else a
    clear refusal rather than a silent English the person did not ask for."""
    if code is None:
        return None
    offered = content.offered_languages()
    found = content.language_for(code)
    if found not in offered or (found == "en" and not code.lower().startswith("en")):
        raise StartupError(UNKNOWN_LANGUAGE.format(code=code, languages=", ".join(offered)))
    return found


async def _chat(settings: Settings, content: Content, language: str | None = None) -> None:
    from bot.terminal import PROMPT, TerminalChat, stdin_lines

    engine = make_engine(settings.resolved_database_url())
    try:
        service = ChatService(await _coach(settings, content), make_sessionmaker(engine))
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        prompt = PROMPT if interactive else None
        chat = TerminalChat(
            service,
            content,
            sys.stdout,
            color=sys.stdout.isatty(),
            prompt=prompt,
            reminder_tick=settings.reminder_tick_seconds,
            reminder_grace=timedelta(minutes=settings.reminder_grace_minutes),
            files_dir=settings.data_dir / "files",
            language=language,
        )
        await chat.run(stdin_lines(prompt=prompt))
    finally:
        await engine.dispose()


def _serve(settings: Settings) -> None:
    """Migrate, set the webhook once, then run the workers until SIGTERM (bot/web/).

    The webhook is set here, in the starting process, so that it is set once however many
    workers there are; WORKERS>1 on SQLite was already refused by the settings' check.
    """
    from bot.web.serve import run_workers

    token = settings.telegram_bot_token
    if token is None:
        raise StartupError(NO_TOKEN.format(chat=_chat_command()))
    try:
        target = settings.webhook_target()
    except MissingSetting as error:
        raise StartupError(str(error)) from None
    _upgrade(settings)
    asyncio.run(_set_webhook(settings, token, target.url, target.secret))
    run_workers(
        "bot.worker:create",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        metrics_dir=settings.metrics_dir(),
    )


async def _set_webhook(settings: Settings, token: str, url: str, secret: str) -> None:
    from telegram import Bot

    from bot.web.ptb import set_webhook

    async with Bot(token, base_url=settings.telegram_base_url) as bot:
        await set_webhook(bot, url, secret, max_connections=settings.webhook_max_connections)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings()
        # The terminal chat shares the screen with the conversation: only problems are logged there.
        level = settings.log_level if args.command != "chat" else "WARNING"
        setup_logging(
            level,
            settings.telegram_bot_token,
            log_format=settings.log_format,
            more_secrets=(settings.webhook_secret,),
        )
        if args.command == "db":
            _upgrade(settings)
            print("Database is up to date.")
            return 0
        content = _content(settings)
        if args.command == "serve":
            _serve(settings)
            return 0
        if args.command == "run":
            token = settings.telegram_bot_token
            if token is None:
                raise StartupError(NO_TOKEN.format(chat=_chat_command()))
            _upgrade(settings)
            asyncio.run(_run_bot(settings, content, token))
            return 0
        language = _chat_language(args.language, content)
        _upgrade(settings)
        asyncio.run(_chat(settings, content, language))
        return 0
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    except StartupError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`crampcoach chat | head`): stop quietly, as command-line tools do.
        # Python's docs recommend pointing stdout at devnull so the exit flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
