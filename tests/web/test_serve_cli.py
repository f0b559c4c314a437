"""`crampcoach serve`'s start-up refusals and `LOG_FORMAT`, as an operator meets them.

Why: a webhook set-up that is wrong must stop before anything listens or calls Telegram, in one
line naming the setting; and the JSON log format must reach every command, not only the
workers (the starting process logs the migrations and the webhook's registration).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import _run


def test_more_than_one_worker_on_sqlite_is_one_line(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data"), "WORKERS": "2", "TELEGRAM_BOT_TOKEN": "1:x"}
    result = _run(["serve"], tmp_path, env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "WORKERS" in line and "PostgreSQL" in line


def test_serve_without_a_webhook_names_what_is_missing(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data"), "TELEGRAM_BOT_TOKEN": "1:x"}
    result = _run(["serve"], tmp_path, env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "WEBHOOK_URL" in line and "WEBHOOK_SECRET" in line


def test_log_format_json_reaches_the_commands(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    result = _run(["db", "upgrade"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(json.loads(line)["message"] for line in lines)
