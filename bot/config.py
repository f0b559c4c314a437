"""One place for every setting, read from the environment and `.env`.

pydantic-settings does the parsing so that a bad value is reported as one
line naming the variable (see `describe_error`), not as a traceback deep in
start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# Telegram's limit on bulk notifications (messages to people who are not talking to the bot):
# about 30 a second. The broadcast lane keeps any one second at Telegram's end within it
# (bot/telegram/lanes.py), so the whole 30 can be used.
FREE_BROADCAST_RATE = 30.0
# With paid broadcasts (`allow_paid_broadcast`, paid in Telegram Stars) up to 1,000 a second.
PAID_BROADCAST_RATE = 1000.0

_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# What Telegram accepts as setWebhook's secret_token, and sends back in every post's header.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# The webhook app's own routes (bot/web/app.py), which the webhook path must not shadow.
RESERVED_PATHS = ("/healthz", "/readyz", "/metrics")
# Telegram's own Bot API; any other TELEGRAM_BASE_URL is a local Bot API server (or a stand-in).
_TELEGRAM_API_HOST = "api.telegram.org"
MAX_WORKERS = 64
# prometheus-client's variable for its multiprocess mode (bot/metrics.py, bot/web/serve.py).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class MissingSetting(ValueError):
    """A setting a command needs is not set; the message names it."""


@dataclass(frozen=True)
class WebhookTarget:
    """Where Telegram posts (``url``), the route that takes it (``path``), and the secret."""

    url: str
    path: str
    secret: str


class Settings(BaseSettings):
    """Every knob of the bot; names match the variables in `.env.example`."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: str | None = Field(default=None)
    telegram_base_url: str = Field(default=DEFAULT_BASE_URL)
    database_url: str | None = Field(default=None)
    data_dir: Path = Field(default=DEFAULT_DATA_DIR)
    content_dir: Path = Field(default=DEFAULT_CONTENT_DIR)
    routine_time_scale: float = Field(default=1.0)
    checkin_minutes: float = Field(default=15.0)
    reminder_tick_seconds: float = Field(default=20.0)
    reminder_grace_minutes: float = Field(default=30.0)
    # Before the broadcast rate, which is checked against it.
    telegram_paid_broadcast: bool = Field(default=False)
    # TELEGRAM_RATE_LIMIT is the name this had when it spaced every message alike.
    telegram_broadcast_rate: float = Field(
        default=FREE_BROADCAST_RATE,
        validation_alias=AliasChoices("telegram_broadcast_rate", "telegram_rate_limit"),
    )
    log_level: str = Field(default="INFO")
    log_format: Literal["text", "json"] = Field(default="text")
    # `crampcoach serve` (webhook workers); after database_url and telegram_base_url, which
    # their checks read.
    webhook_url: str | None = Field(default=None)
    webhook_secret: str | None = Field(default=None)
    # Telegram's range for setWebhook's max_connections, and its default.
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    host: str = Field(default="127.0.0.1")
    port: int = Field(default=8080, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=MAX_WORKERS)
    # How long a worker is trusted with an update it claimed before another may take it over.
    webhook_lease_seconds: float = Field(default=120.0, gt=0, le=3600)
    # How often each worker looks for follow-ups overdue by as long (their worker died).
    timer_sweep_seconds: float = Field(default=2.0, gt=0, le=60)
    # prometheus-client's own variable; `crampcoach serve` empties the folder at start.
    prometheus_multiproc_dir: Path | None = Field(default=None)

    @field_validator("webhook_url", "webhook_secret", "prometheus_multiproc_dir", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_sane(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("must be the public https:// address Telegram posts updates to")
        base = str(info.data.get("telegram_base_url") or DEFAULT_BASE_URL)
        if parts.scheme == "http" and urlsplit(base).hostname == _TELEGRAM_API_HOST:
            raise ValueError(
                "must start with https:// (Telegram posts only to HTTPS; http:// works only "
                "with a local Bot API server in TELEGRAM_BASE_URL)"
            )
        if parts.fragment:
            raise ValueError("must not have a #fragment")
        if (parts.path or "/") in RESERVED_PATHS:
            raise ValueError(f"its path must not be one of {', '.join(RESERVED_PATHS)}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_telegram_accepts(cls, value: str | None) -> str | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value):
            raise ValueError(
                "may hold only letters, digits, _ and - (1 to 256 of them); make one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("workers")
    @classmethod
    def _workers_share_postgresql(cls, value: int, info: ValidationInfo) -> int:
        url = info.data.get("database_url")
        if value > 1 and (not url or str(url).startswith("sqlite")):
            raise ValueError(
                "more than 1 needs PostgreSQL in DATABASE_URL: SQLite lets only one process "
                "write at a time, so workers would wait on each other or fail"
            )
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _blank_token_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("telegram_base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https://, e.g. https://api.telegram.org/bot"
            )
        return value

    @field_validator("routine_time_scale")
    @classmethod
    def _scale_positive(cls, value: float) -> float:
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError("must be a number greater than 0 (1.0 in production)")
        return value

    @field_validator("checkin_minutes")
    @classmethod
    def _checkin_positive(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("must be a number of minutes greater than 0")
        return value

    @field_validator("reminder_tick_seconds")
    @classmethod
    def _tick_sane(cls, value: float) -> float:
        if not 0 < value <= 60:
            raise ValueError("must be a number of seconds between 0 and 60 (20 is a good choice)")
        return value

    @field_validator("reminder_grace_minutes")
    @classmethod
    def _grace_sane(cls, value: float) -> float:
        if not 0 <= value <= 720:
            raise ValueError("must be a number of minutes between 0 and 720")
        return value

    @field_validator("telegram_broadcast_rate")
    @classmethod
    def _rate_sane(cls, value: float, info: ValidationInfo) -> float:
        if not 0 <= value <= PAID_BROADCAST_RATE:  # also refuses NaN
            raise ValueError("must be messages per second between 0 (no limit) and 1000")
        # Above Telegram's free 30 a second only with paid broadcasts, which cost Stars.
        if value > FREE_BROADCAST_RATE and not info.data.get("telegram_paid_broadcast"):
            raise ValueError(
                "above 30 needs TELEGRAM_PAID_BROADCAST=true (paid broadcasts, which cost the "
                "bot owner Telegram Stars)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level

    def webhook_target(self) -> WebhookTarget:
        """What `crampcoach serve` needs, or one line naming what is missing."""
        missing = [
            name
            for name, value in (
                ("WEBHOOK_URL", self.webhook_url),
                ("WEBHOOK_SECRET", self.webhook_secret),
            )
            if value is None
        ]
        if missing or self.webhook_url is None or self.webhook_secret is None:
            raise MissingSetting(
                f"crampcoach serve needs {' and '.join(missing)} (see .env.example and "
                "docs/deploy.md)"
            )
        path = urlsplit(self.webhook_url).path or "/"
        return WebhookTarget(url=self.webhook_url, path=path, secret=self.webhook_secret)

    def metrics_dir(self) -> Path | None:
        """Where the workers' metric files go: PROMETHEUS_MULTIPROC_DIR, or with more than one
        worker a folder in DATA_DIR (one process needs none)."""
        if self.prometheus_multiproc_dir is not None:
            return self.prometheus_multiproc_dir
        return self.data_dir / "metrics" if self.workers > 1 else None

    def resolved_database_url(self) -> str:
        """The URL to connect to; the default SQLite file's folder is created on demand."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{self.data_dir / 'crampcoach.sqlite3'}"


def describe_error(error: ValidationError) -> str:
    """One human line per bad variable, naming it the way the user typed it (upper case)."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item.get("loc", ())) or "settings"
        message = str(item.get("msg", "is invalid")).removeprefix("Value error, ")
        lines.append(f"Invalid setting {name.upper()}: {message}")
    return "\n".join(lines)
