"""Smoke test of bench/updates.py: the benchmark still runs end to end and its figures mean
what they say. Speed is never asserted here; the figures live in docs/benchmarks.md."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auxil.bench import bench_postgres

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "updates.json"
    env = {**os.environ, "BENCH_POSTGRES_URL": bench_postgres()} if bench_postgres() else None
    done = subprocess.run(
        [sys.executable, "-m", "bench.updates", "--quick", "--json", str(out), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| crampcoach-sqlite |" in done.stdout  # the table is printed
    return json.loads(out.read_text())


def test_updates_benchmark_runs_and_reports_sane_figures(tmp_path: Path) -> None:
    databases = "sqlite,postgres" if bench_postgres() else "sqlite"
    figures = _run(tmp_path, "--databases", databases)
    results = figures["results"]
    assert set(results) == {"help", "routines", "crowd"}
    bots = {"echo"} | {f"crampcoach-{name}" for name in databases.split(",")}
    settings = figures["settings"]
    for scenario, by_bot in results.items():
        assert set(by_bot) == bots, scenario
        for name, result in by_bot.items():
            saturation, steady = result["saturation"], result["steady"]
            where = (scenario, name)
            # Every update offered at saturation was answered (the run stops only then).
            assert saturation["updates"] >= 200, where
            assert saturation["updates_per_s"] > 0, where
            assert 0 < saturation["bot_cpu_ms_per_update"] < math.inf, where
            assert 0 < saturation["p50_ms"] <= saturation["p99_ms"], where
            # Nobody here is a bulk message: the stand-in's flood control never refused one.
            assert result["flood_refusals"] == 0, where
            assert result["peak_rss_mb"] > 10, where
            if scenario != "crowd":
                assert steady is None, where
                continue
            # The steady phase offered what it meant to, and every update got its reply.
            offered = settings["rate"] * settings["seconds"]
            assert steady["updates"] + steady["not_offered"] == pytest.approx(offered, abs=1), where
            assert steady["not_offered"] == 0, where
            assert 0 < steady["p50_ms"] <= steady["p95_ms"] <= steady["p99_ms"], where
