"""Smoke test: `python -m bench.timers --quick` and `python -m bench.memory --quick` run end to end
(the real bot as its own process, SQLite) and their JSON holds what they claim to have measured.

No timing is asserted: the figures depend on the machine. What is asserted could genuinely go
wrong: a follow-up that never came, a timer not pending or not re-armed, a figure that is not one.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180  # s; both together take about 30 s on a quiet two-core machine


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Both benchmarks, run at the same time (the suite should stay quick), as parsed JSON."""
    folder = tmp_path_factory.mktemp("bench")
    # No developer's bot settings may leak into the bot the benchmarks start.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    running = {}
    for name, extra in (("timers", ["--databases", "sqlite"]), ("memory", [])):
        output = folder / f"{name}.json"
        command = [sys.executable, "-m", f"bench.{name}", "--quick", "--json", str(output), *extra]
        with (folder / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        running[name] = (process, output, folder / f"{name}.log")
    reports = {}
    for name, (process, output, log_path) in running.items():
        try:
            code = process.wait(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        assert code == 0, f"bench.{name} exited with {code}:\n{tail}"
        reports[name] = json.loads(output.read_text(encoding="utf-8"))
    return reports


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def test_every_follow_up_arrived_and_was_timed(reports: dict[str, dict[str, Any]]) -> None:
    report = reports["timers"]
    assert report["benchmark"] == "timers" and report["quick"] is True
    assert set(report["results"]) == {"sqlite"}
    sqlite = report["results"]["sqlite"]
    settings = report["settings"]
    # Every user, every round, every timed step of the chosen routines: a follow-up each.
    assert sqlite["expected"] > 0
    assert sqlite["expected"] % (settings["routines"] * settings["rounds"]) == 0
    assert sqlite["armed"] == sqlite["expected"], "a timer never showed up in chat_states"
    assert sqlite["measured"] == sqlite["expected"], "a follow-up never reached the stand-in"
    assert sqlite["missed"] == 0
    assert sum(r["follow_ups"] for r in sqlite["per_round"]) == sqlite["expected"]
    lateness = sqlite["lateness_ms"]
    assert len(lateness) == sqlite["measured"]
    # A follow-up is never sent before its timer is due: lateness is a number, never negative.
    assert all(_number(value) and value >= 0 for value in lateness)
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "bot_cpu_share"):
        assert _number(sqlite[key]) and sqlite[key] >= 0, key
    assert sqlite["p50_ms"] <= sqlite["p99_ms"] <= sqlite["max_ms"] == max(lateness)
    assert sqlite["errors_logged"] == 0


def test_every_conversation_holds_a_timer_and_a_restart_rearms_them(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["memory"]
    assert report["benchmark"] == "memory" and report["quick"] is True
    settings = report["settings"]
    sqlite = report["results"]["sqlite"]
    assert sqlite["seeded"]["users"] == sqlite["seeded"]["reminders"] == settings["users"]
    assert sqlite["seeded"]["due"] == 0
    loaded, restart = sqlite["loaded"], sqlite["restart"]
    assert loaded["pending_timers"] == settings["conversations"]
    assert restart["rearmed"] == settings["conversations"]
    assert loaded["reminders_due"] == 0
    for phase in (sqlite["empty"], loaded["idle"], loaded, restart):
        assert _number(phase["rss_mb"]) and phase["rss_mb"] > 0
        assert _number(phase["peak_rss_mb"]) and phase["peak_rss_mb"] >= phase["rss_mb"]
    assert loaded["errors_logged"] == restart["errors_logged"] == 0
