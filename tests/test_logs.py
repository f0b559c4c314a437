"""The bot token must never reach a log: httpx puts it in every request URL."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import RedactToken, setup_logging

TOKEN = "123456:SECRET-token-value"


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, message, args, (type(exc), exc, None) if exc else None
    )


def test_the_token_is_replaced_in_messages_and_arguments() -> None:
    record = _record("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    assert RedactToken(TOKEN).filter(record)
    assert record.getMessage() == "HTTP Request: POST https://api.telegram.org/bot<token>/getMe"


def test_the_token_is_replaced_in_tracebacks() -> None:
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError as error:
        record = _record("boom", exc=error)
        record.exc_info = (RuntimeError, error, error.__traceback__)
    RedactToken(TOKEN).filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert "<token>" in formatted


def test_without_a_token_records_pass_untouched() -> None:
    record = _record("nothing secret %s", "here")
    assert RedactToken(None).filter(record)
    assert record.getMessage() == "nothing secret here"


@pytest.fixture
def fresh_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    try:
        yield root
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_setup_quiets_httpx_and_scrubs_every_handler(
    fresh_root: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_root.handlers = []  # pytest adds its capture handlers only once the test runs
    setup_logging("DEBUG", TOKEN)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert fresh_root.handlers
    logging.getLogger("bot.test").warning("calling https://x/bot%s/getMe", TOKEN)
    err = capsys.readouterr().err
    assert "bot<token>/getMe" in err
    assert TOKEN not in err
