"""Smoke test of bench/webhook.py: the webhook benchmark still runs end to end (the polling
process and two `crampcoach serve` workers, on PostgreSQL) and its figures mean what they say.
Speed is never asserted here; the figures live in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auxil.bench import bench_postgres

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.postgres
def test_webhook_benchmark_runs_and_reports_sane_figures(tmp_path: Path) -> None:
    url = bench_postgres()
    if url is None:
        pytest.skip("the webhook benchmark needs PostgreSQL (TEST_POSTGRES_URL)")
    out = tmp_path / "webhook.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.webhook", "--quick", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "BENCH_POSTGRES_URL": url},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"polling", "serve, 2 worker(s)"}
    for figures in results.values():
        sat, steady = figures["saturation"], figures["steady"]
        assert sat["updates"] >= 100
        assert sat["updates_per_s"] > 0 and sat["bot_cpu_ms_per_update"] > 0
        assert 0 < steady["p50_ms"] <= steady["p99_ms"]
