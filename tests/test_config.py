"""Settings: defaults, validation, and one readable line per bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import (
    DEFAULT_BASE_URL,
    DEFAULT_CONTENT_DIR,
    DEFAULT_DATA_DIR,
    MissingSetting,
    Settings,
    WebhookTarget,
    describe_error,
)

VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BASE_URL",
    "DATABASE_URL",
    "DATA_DIR",
    "CONTENT_DIR",
    "ROUTINE_TIME_SCALE",
    "CHECKIN_MINUTES",
    "REMINDER_TICK_SECONDS",
    "REMINDER_GRACE_MINUTES",
    "TELEGRAM_BROADCAST_RATE",
    "TELEGRAM_PAID_BROADCAST",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_MAX_CONNECTIONS",
    "HOST",
    "PORT",
    "WORKERS",
    "PROMETHEUS_MULTIPROC_DIR",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's .env and no exported variable leaks into these tests."""
    monkeypatch.chdir(tmp_path)
    for name in (*VARIABLES, "TELEGRAM_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)


def error_for(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    return describe_error(caught.value)


def test_defaults() -> None:
    settings = Settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_base_url == DEFAULT_BASE_URL == "https://api.telegram.org/bot"
    assert settings.database_url is None
    assert settings.data_dir == DEFAULT_DATA_DIR
    assert settings.content_dir == DEFAULT_CONTENT_DIR
    assert settings.routine_time_scale == 1.0
    assert settings.checkin_minutes == 15.0
    assert settings.reminder_tick_seconds == 20.0
    assert settings.reminder_grace_minutes == 30.0
    assert settings.telegram_broadcast_rate == 30.0
    assert settings.telegram_paid_broadcast is False
    assert settings.log_level == "INFO"
    assert settings.log_format == "text"
    assert (settings.webhook_url, settings.webhook_secret) == (None, None)
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8080, 1)
    assert settings.webhook_max_connections == 40
    assert settings.metrics_dir() is None


def test_the_default_content_dir_is_the_repositorys() -> None:
    assert (DEFAULT_CONTENT_DIR / "exercises.yaml").is_file()


@pytest.mark.parametrize(
    ("value", "expected"), [("0.1", 0.1), ("1", 1.0), ("2.5", 2.5), ("1e-3", 0.001)]
)
def test_a_positive_time_scale(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: float
) -> None:
    monkeypatch.setenv("ROUTINE_TIME_SCALE", value)
    assert Settings().routine_time_scale == expected


@pytest.mark.parametrize("value", ["0", "-1", "nan", "NaN", "abc", "inf", "-0.0", ""])
def test_a_time_scale_that_is_not_positive_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    message = error_for(monkeypatch, "ROUTINE_TIME_SCALE", value)
    assert "\n" not in message
    assert message.startswith("Invalid setting ROUTINE_TIME_SCALE:")
    assert "Traceback" not in message


def test_the_time_scale_message_says_what_is_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_for(monkeypatch, "ROUTINE_TIME_SCALE", "0")
    assert "greater than 0" in message


def test_the_time_scale_is_read_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("routine_time_scale", "0.5")
    assert Settings().routine_time_scale == 0.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("debug", "DEBUG"),
        (" warning ", "WARNING"),
        ("Info", "INFO"),
        ("ERROR", "ERROR"),
        ("critical", "CRITICAL"),
    ],
)
def test_log_level_is_normalised(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)
    assert Settings().log_level == expected


@pytest.mark.parametrize("value", ["verbose", "TRACE", "", "10"])
def test_an_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    message = error_for(monkeypatch, "LOG_LEVEL", value)
    assert message.startswith("Invalid setting LOG_LEVEL:")
    assert "DEBUG" in message and "\n" not in message


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_a_blank_token_is_none(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", value)
    assert Settings().telegram_bot_token is None


def test_a_token_is_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " 123:abc \n")
    assert Settings().telegram_bot_token == "123:abc"


def test_a_base_url_must_be_http(monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_for(monkeypatch, "TELEGRAM_BASE_URL", "api.telegram.org/bot")
    assert message.startswith("Invalid setting TELEGRAM_BASE_URL:")
    monkeypatch.setenv("TELEGRAM_BASE_URL", " http://127.0.0.1:8081/bot ")
    assert Settings().telegram_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_checkin_minutes_must_be_positive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    assert error_for(monkeypatch, "CHECKIN_MINUTES", value).startswith(
        "Invalid setting CHECKIN_MINUTES:"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REMINDER_TICK_SECONDS", "0"),
        ("REMINDER_TICK_SECONDS", "61"),
        ("REMINDER_TICK_SECONDS", "soon"),
        ("REMINDER_GRACE_MINUTES", "-1"),
        ("REMINDER_GRACE_MINUTES", "721"),
        ("TELEGRAM_BROADCAST_RATE", "-1"),
        ("TELEGRAM_BROADCAST_RATE", "1001"),
        ("TELEGRAM_BROADCAST_RATE", "nan"),
        ("TELEGRAM_BROADCAST_RATE", "fast"),
    ],
)
def test_reminder_timing_must_be_sane(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    assert error_for(monkeypatch, name, value).startswith(f"Invalid setting {name}:")


def test_reminder_grace_may_be_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero means: only on time, never late (someone who would rather miss one than be woken)."""
    monkeypatch.setenv("REMINDER_GRACE_MINUTES", "0")
    assert Settings().reminder_grace_minutes == 0


def test_the_broadcast_budget_may_be_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BROADCAST_RATE", "0")
    assert Settings().telegram_broadcast_rate == 0


def test_the_old_name_of_the_rate_still_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_RATE_LIMIT", "12")
    assert Settings().telegram_broadcast_rate == 12


def test_over_thirty_broadcasts_a_second_only_with_paid_broadcasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = error_for(monkeypatch, "TELEGRAM_BROADCAST_RATE", "100")
    assert message.startswith("Invalid setting TELEGRAM_BROADCAST_RATE: above 30 needs")
    assert "TELEGRAM_PAID_BROADCAST=true" in message
    monkeypatch.setenv("TELEGRAM_PAID_BROADCAST", "true")
    settings = Settings()
    assert (settings.telegram_broadcast_rate, settings.telegram_paid_broadcast) == (100, True)
    assert error_for(monkeypatch, "TELEGRAM_BROADCAST_RATE", "1001").startswith(
        "Invalid setting TELEGRAM_BROADCAST_RATE: must be messages per second between 0"
    )


def test_every_setting_is_documented_in_env_example() -> None:
    example = (DEFAULT_CONTENT_DIR.parent / ".env.example").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert name in example, name


def test_one_line_per_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTINE_TIME_SCALE", "-1")
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(ValidationError) as caught:
        Settings()
    lines = describe_error(caught.value).splitlines()
    assert len(lines) == 2
    assert sorted(line.split(":")[0] for line in lines) == [
        "Invalid setting LOG_LEVEL",
        "Invalid setting ROUTINE_TIME_SCALE",
    ]


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\nROUTINE_TIME_SCALE=0.25\n", encoding="utf-8")
    settings = Settings()
    assert settings.log_level == "DEBUG"
    assert settings.routine_time_scale == 0.25


def test_the_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    monkeypatch.setenv("LOG_LEVEL", "error")
    assert Settings().log_level == "ERROR"


def test_a_bad_value_in_dotenv_is_named_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ROUTINE_TIME_SCALE=0\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert "ROUTINE_TIME_SCALE" in describe_error(caught.value)


def test_the_default_database_is_a_sqlite_file_in_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "somewhere" / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", "")
    url = Settings().resolved_database_url()
    assert url == f"sqlite+aiosqlite:///{data / 'crampcoach.sqlite3'}"
    assert data.is_dir()


def test_an_explicit_database_url_is_used_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "unused"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@127.0.0.1/db")
    assert Settings().resolved_database_url() == "postgresql+asyncpg://u@127.0.0.1/db"
    assert not (tmp_path / "unused").exists()


# --------------------------------------------------------------------------- crampcoach serve

POSTGRES = "postgresql+asyncpg://crampcoach@127.0.0.1/crampcoach"


def test_the_webhook_target_comes_from_url_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", " https://bot.example.org/tg/hook ")
    monkeypatch.setenv("WEBHOOK_SECRET", "abc_DEF-123")
    assert Settings().webhook_target() == WebhookTarget(
        url="https://bot.example.org/tg/hook", path="/tg/hook", secret="abc_DEF-123"
    )
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    assert Settings().webhook_target().path == "/"


@pytest.mark.parametrize(
    ("url", "secret", "named"),
    [
        (None, "abc", "WEBHOOK_URL"),
        ("https://bot.example.org/hook", None, "WEBHOOK_SECRET"),
        (None, None, "WEBHOOK_URL and WEBHOOK_SECRET"),
        ("", "  ", "WEBHOOK_URL and WEBHOOK_SECRET"),
    ],
)
def test_serve_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, url: str | None, secret: str | None, named: str
) -> None:
    for name, value in (("WEBHOOK_URL", url), ("WEBHOOK_SECRET", secret)):
        if value is not None:
            monkeypatch.setenv(name, value)
    with pytest.raises(MissingSetting) as caught:
        Settings().webhook_target()
    assert str(caught.value).startswith(f"crampcoach serve needs {named} (")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "secret", ["has space", "123:token", "x" * 257, "ümlaut", "semi;colon", "a/b"]
)
def test_a_secret_telegram_would_refuse_is_refused(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    message = error_for(monkeypatch, "WEBHOOK_SECRET", secret)
    assert message.startswith("Invalid setting WEBHOOK_SECRET: may hold only letters, digits")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("bot.example.org/hook", "public https://"),
        ("ftp://bot.example.org/hook", "public https://"),
        ("http://bot.example.org/hook", "Telegram posts only to HTTPS"),
        ("https://bot.example.org/metrics", "its path must not be"),
        ("https://bot.example.org/healthz", "its path must not be"),
        ("https://bot.example.org/hook#x", "fragment"),
    ],
)
def test_a_webhook_url_telegram_cannot_use_is_refused(
    monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    message = error_for(monkeypatch, "WEBHOOK_URL", url)
    assert message.startswith("Invalid setting WEBHOOK_URL:") and reason in message


def test_http_is_allowed_with_a_local_bot_api_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("WEBHOOK_URL", "http://127.0.0.1:8080/hook")
    assert Settings().webhook_url == "http://127.0.0.1:8080/hook"


@pytest.mark.parametrize("database_url", [None, "", "sqlite+aiosqlite:///data/x.sqlite3"])
def test_more_than_one_worker_with_sqlite_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, database_url: str | None
) -> None:
    if database_url is not None:
        monkeypatch.setenv("DATABASE_URL", database_url)
    message = error_for(monkeypatch, "WORKERS", "2")
    assert message.startswith("Invalid setting WORKERS: more than 1 needs PostgreSQL")
    assert "\n" not in message


def test_workers_with_postgresql(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    monkeypatch.setenv("WORKERS", "4")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.workers == 4
    assert settings.metrics_dir() == tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "prom"))
    assert Settings().metrics_dir() == tmp_path / "prom"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WORKERS", "0"),
        ("WORKERS", "65"),
        ("WORKERS", "two"),
        ("PORT", "0"),
        ("PORT", "70000"),
        ("PORT", "http"),
        ("WEBHOOK_MAX_CONNECTIONS", "0"),
        ("WEBHOOK_MAX_CONNECTIONS", "101"),
        ("LOG_FORMAT", "yaml"),
    ],
)
def test_serve_numbers_must_be_sane(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    message = error_for(monkeypatch, name, value)
    assert message.startswith(f"Invalid setting {name}:") and "\n" not in message


def test_log_format_is_read_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", " JSON ")
    assert Settings().log_format == "json"
