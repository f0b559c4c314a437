"""Logging set-up that never writes the bot token (or the webhook secret) anywhere.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so its logger is
raised to WARNING and every record is also scrubbed, twice over: a filter rewrites the message
and the traceback before any handler sees them, and the formatter scrubs the finished line, so
that what neither covers (a field passed in ``extra``, a stack dump, a token that was
percent-encoded in a URL) is caught too.

``LOG_FORMAT=json`` writes one JSON object per line (time, level, logger, message, and the
traceback and any ``extra`` fields), for a log collector; the default is a line of text.
uvicorn's own loggers propagate to these handlers when it is started with ``log_config=None``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiosqlite")
LOG_FORMATS = ("text", "json")
REDACTED = "<token>"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Every attribute a LogRecord has of its own; anything else on a record came from ``extra``.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


def _variants(secrets: tuple[str | None, ...]) -> tuple[str, ...]:
    """Each secret as written and as percent-encoded in a URL (":" becomes "%3A")."""
    found: list[str] = []
    for secret in secrets:
        if secret:
            found.extend({secret, quote(secret, safe="")})
    # Longest first, so that no shorter secret breaks up a longer one before it is replaced.
    return tuple(sorted(set(found), key=len, reverse=True))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactToken(logging.Filter):
    """Replaces the secrets in a record's message and traceback before a handler formats it."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = _variants(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            cleaned = redact(text, self.secrets)
            if cleaned != text:
                record.exc_text = cleaned
        return True


class TextFormatter(logging.Formatter):
    """The usual one-line text, with the secrets scrubbed from the finished line."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__(TEXT_FORMAT)
        self.secrets = _variants(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what a log collector indexes without parsing text."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = _variants(secrets)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc_info"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return redact(line, self.secrets)


def setup_logging(
    level: str,
    secret: str | None,
    *,
    log_format: str = "text",
    more_secrets: tuple[str | None, ...] = (),
) -> None:
    """Log to stderr at ``level``; ``secret`` (the token) and ``more_secrets`` never appear."""
    secrets = (secret, *more_secrets)
    logging.basicConfig(level=level)
    formatter = JsonFormatter(*secrets) if log_format == "json" else TextFormatter(*secrets)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactToken(*secrets))
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(
            max(logging.WARNING, logging.getLevelNamesMapping()[level])
        )
