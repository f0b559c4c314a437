"""The command line as a new user meets it: clear one-line answers, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(
    args: list[str], cwd: Path, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    clean.update(env)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_run_without_token_says_where_to_put_it(tmp_path: Path, data_dir: Path) -> None:
    result = _run(["run"], tmp_path, {"DATA_DIR": str(data_dir)})
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN" in message
    assert ".env" in message
    assert ".env.example" in message
    assert "chat" in message
    assert "Traceback" not in result.stderr


def test_invalid_setting_is_one_line_naming_the_variable(tmp_path: Path, data_dir: Path) -> None:
    result = _run(["chat"], tmp_path, {"DATA_DIR": str(data_dir), "ROUTINE_TIME_SCALE": "-2"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Invalid setting ROUTINE_TIME_SCALE: must be a number greater than 0 (1.0 in production)"
    ]


def test_settings_are_read_from_dotenv(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=chatty\n", encoding="utf-8")
    result = _run(["chat"], tmp_path, {"DATA_DIR": str(data_dir)})
    assert result.returncode == 2
    assert "Invalid setting LOG_LEVEL" in result.stderr


def test_db_upgrade_creates_the_default_sqlite_file(tmp_path: Path, data_dir: Path) -> None:
    result = _run(["db", "upgrade"], tmp_path, {"DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    database = data_dir / "crampcoach.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"users", "chat_states", "episodes", "alembic_version"} <= tables
    assert mode == "wal"


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"
    result = _run(["db", "upgrade"], tmp_path, {"DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith("Cannot open the database at postgresql+asyncpg://")
    assert "Traceback" not in result.stderr


def test_broken_content_stops_start_up_naming_file_and_field(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "locales").mkdir(parents=True)
    for name in (
        "routines.yaml",
        "safety.yaml",
        "sources.yaml",
        "safety_profile.yaml",
        "emergency_numbers.yaml",
        "locales/en.yaml",
    ):
        (content / name).write_text((ROOT / "content" / name).read_text("utf-8"), "utf-8")
    (content / "exercises.yaml").write_text(
        "exercises:\n  - id: calf_stretch\n    name: Calf\n", encoding="utf-8"
    )
    result = _run(["chat"], tmp_path, {"CONTENT_DIR": str(content), "DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert str(content / "exercises.yaml") in line
    # The first missing field, by name and place, and how many more problems there are.
    assert "exercises.0.why: Field required" in line
    assert "more problems" in line


def test_terminal_chat_runs_without_a_token(tmp_path: Path, data_dir: Path) -> None:
    result = _run(
        ["chat"],
        tmp_path,
        {"DATA_DIR": str(data_dir), "ROUTINE_TIME_SCALE": "0.01"},
        stdin="3\n2\n/quit\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "What's cramping?" in out
    assert "[3] Calf" in out
    assert "Where are you right now?" in out
    # Calf, sitting: one message with the exercise's name, the warning line and step 1.
    assert "1 of 3 · Calf stretch, towel or hand\n⚠️ One leg swollen" in out
    assert "Step 1 of" in out
    assert "<b>" not in out  # HTML is rendered, not shown
    assert result.stderr == ""


def test_a_reader_that_goes_away_ends_the_chat_quietly(tmp_path: Path, data_dir: Path) -> None:
    """`crampcoach chat | head -3`: no traceback when the pipe closes under the chat."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    clean.update({"DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)})
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=tmp_path,
        env=clean,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert chat.stdout is not None and chat.stdin is not None and chat.stderr is not None
    assert "terminal chat" in chat.stdout.readline()
    chat.stdout.close()  # the reader leaves
    chat.stdin.write("3\n2\n/quit\n")
    chat.stdin.close()
    assert chat.wait(timeout=60) == 1
    assert "Traceback" not in chat.stderr.read()


def test_terminal_chat_in_a_language(tmp_path: Path, data_dir: Path) -> None:
    """`chat --language es` speaks Spanish from the first line; /language then switches."""
    result = _run(
        ["chat", "--language", "es"],
        tmp_path,
        {"DATA_DIR": str(data_dir), "ROUTINE_TIME_SCALE": "0.01"},
        stdin="3\n/language\n3\n/help\n/quit\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "¿Dónde tienes el calambre?" in out and "[3] Pantorrilla" in out
    assert "What's cramping?" not in out
    assert "[2] Español\n[3] Deutsch" in out
    assert "Ab jetzt spreche ich Deutsch" in out
    assert "/language" in out.split("Ab jetzt spreche ich Deutsch", 1)[1]


def test_terminal_chat_refuses_a_language_it_does_not_speak(tmp_path: Path, data_dir: Path) -> None:
    result = _run(["chat", "--language", "ja"], tmp_path, {"DATA_DIR": str(data_dir)})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "--language ja: not one of the bot's languages (en, es, de, ru, pt-BR)."
    )
    assert result.stdout == ""
