"""The bot token must never reach a log: httpx puts it in every request URL."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

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


SECRET = "hook_secret-value"


def _json_lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_json_lines_carry_the_fields_and_never_a_secret(
    fresh_root: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_root.handlers = []
    setup_logging("INFO", TOKEN, log_format="json", more_secrets=(SECRET,))
    log = logging.getLogger("bot.web")
    log.info("calling https://x/bot%s/getMe", TOKEN)
    log.warning("posted", extra={"url": f"https://x/bot{TOKEN}/sendMessage", "chat_id": 7})
    log.warning("percent-encoded: /bot%s/getMe", quote(TOKEN, safe=""))
    log.error("header was %s", SECRET, stack_info=True)
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("boom")
    err = capsys.readouterr().err
    assert TOKEN not in err and SECRET not in err
    assert quote(TOKEN, safe="") not in err
    first, extra, encoded, header, failed = _json_lines(err)
    assert first["message"] == "calling https://x/bot<token>/getMe"
    assert (first["level"], first["logger"]) == ("INFO", "bot.web")
    assert str(first["time"]).endswith("+00:00")
    assert extra["url"] == "https://x/bot<token>/sendMessage" and extra["chat_id"] == 7
    assert encoded["message"] == "percent-encoded: /bot<token>/getMe"
    assert header["message"] == "header was <token>" and "stack_info" in header
    assert "RuntimeError: failed calling /bot<token>/sendMessage" in str(failed["exc_info"])


def test_text_is_the_default_and_scrubs_extra_fields_too(
    fresh_root: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_root.handlers = []
    setup_logging("INFO", TOKEN)
    logging.getLogger("bot.test").info("plain line")
    err = capsys.readouterr().err
    assert err.rstrip().endswith("INFO bot.test: plain line")
    with pytest.raises(json.JSONDecodeError):
        json.loads(err)


def test_a_longer_secret_is_not_broken_up_by_a_shorter_one() -> None:
    record = _record("url %s", f"/bot{TOKEN}/x")
    assert RedactToken("123456", TOKEN).filter(record)
    assert record.getMessage() == "url /bot<token>/x"
