"""One place for every setting, read from the environment and `.env`.

pydantic-settings does the parsing so that a bad value is reported as one
line naming the variable (see `describe_error`), not as a traceback deep in
start-up.
"""

from __future__ import annotations

from pathlib import Path

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
