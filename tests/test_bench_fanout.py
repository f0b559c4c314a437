"""Smoke test of bench/fanout.py: the benchmark still runs end to end and its figures mean what
they say (every due user reminded exactly once, no 429 under the rate limit). Speed is never
asserted here; the speed goals live in the benchmark's output."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.auxil.bench import bench_postgres

ROOT = Path(__file__).resolve().parent.parent


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and 0 < value < math.inf


def test_fanout_benchmark_runs_and_reminds_everyone_exactly_once(tmp_path: Path) -> None:
    postgres = bench_postgres()
    databases = ["sqlite", "postgres"] if postgres else ["sqlite"]
    env = {**os.environ, "BENCH_POSTGRES_URL": postgres} if postgres else None
    # One run per database, side by side: each is a bot process plus the stand-in, and the two
    # share nothing (a temporary SQLite file; the PostgreSQL bench database).
    runs = {
        database: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.fanout",
                "--quick",
                "--databases",
                database,
                "--json",
                str(tmp_path / f"{database}.json"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for database in databases
    }
    outputs: dict[str, tuple[str, str]] = {}
    try:
        for database, run in runs.items():
            outputs[database] = run.communicate(timeout=240)
    finally:
        for run in runs.values():
            if run.poll() is None:
                run.kill()
                run.communicate()
    for database, run in runs.items():
        stdout, stderr = outputs[database]
        assert run.returncode == 0, stderr[-3000:]
        assert f"| {database} |" in stdout  # the tables are printed

        figures = json.loads((tmp_path / f"{database}.json").read_text(encoding="utf-8"))
        assert figures["benchmark"] == "fanout" and figures["quick"] is True
        result = figures["results"][database]
        due = figures["settings"]["due"]

        off = result["limiter_off"]
        assert off["due"] == due > 0, database
        assert off["reminded"] == due, database  # every due user got a reminder...
        assert off["duplicates"] == 0 and off["missing"] == 0, database  # ...exactly one
        assert off["stray"] == 0, database  # and nobody who was not due got one
        assert off["send_records"] == {"sent": due}, database
        assert off["exactly_once"] is True, database
        for name in ("reminders_per_s", "bot_cpu_ms_per_reminder", "seconds", "peak_rss_mb"):
            assert _positive(off[name]), (database, name, off[name])

        on = result["limiter_on"]
        assert on["flood_refusals"] == 0, database  # the rate limit kept under Telegram's cap
        assert on["duplicates"] == 0, database
        assert 0 < on["reminders_in_window"] <= due, database
        for name in ("reminders_per_s", "share_of_cap", "peak_rss_mb"):
            assert _positive(on[name]), (database, name, on[name])

        chat = result["with_chat"]
        assert chat["reminded"] == chat["due"] > 0, database  # everyone, during the chat...
        assert chat["duplicates"] == 0 and chat["missing"] == 0, database  # ...exactly once
        assert chat["flood_refusals"] == 0, database
        assert 0 < chat["most_in_one_second"] <= 30, database  # within Telegram's bulk limit
        replies = chat["replies"]
        assert replies["updates"] > 0, database
        assert 0 < replies["p50_ms"] <= replies["p99_ms"], database
