"""Logging set-up that never writes the bot token anywhere.

httpx logs every request URL at INFO, and Bot API URLs contain the token,
so its logger is raised to WARNING and every record is also scrubbed.
"""

from __future__ import annotations

import logging

NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiosqlite")


class RedactToken(logging.Filter):
    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "<token>")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self.secret in text:
                record.exc_text = text.replace(self.secret, "<token>")
        return True


def setup_logging(level: str, secret: str | None) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(secret))
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(
            max(logging.WARNING, logging.getLevelNamesMapping()[level])
        )
