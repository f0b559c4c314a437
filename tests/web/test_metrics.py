"""bot/metrics.py: what each recording means, and multiprocess mode with real processes.

Why: with several webhook workers a scrape reaches one of them; the numbers must still be the
whole server's. Each "worker" here is a separate Python process that records and exits, and
the scrape is made from yet another process, the way uvicorn's workers and a scrape behave.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry

from bot.config import MULTIPROC_ENV
from bot.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
DUE = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_each_recording_lands_in_its_metric() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.update_handled("message")
    metrics.update_handled("message")
    metrics.update_handled("callback_query")
    metrics.message_sent("reply", "sent")
    metrics.message_sent("broadcast", "blocked")
    metrics.telegram_429("broadcast")
    metrics.reply_latency(0.2)
    metrics.database_error("webhook_claim")
    assert sample(registry, "crampcoach_updates_total", kind="message") == 2
    assert sample(registry, "crampcoach_updates_total", kind="callback_query") == 1
    assert sample(registry, "crampcoach_messages_sent_total", lane="reply", outcome="sent") == 1
    assert (
        sample(registry, "crampcoach_messages_sent_total", lane="broadcast", outcome="blocked") == 1
    )
    assert sample(registry, "crampcoach_telegram_429_total", lane="broadcast") == 1
    assert sample(registry, "crampcoach_reply_seconds_bucket", le="0.25") == 1
    assert sample(registry, "crampcoach_reply_seconds_bucket", le="0.1") == 0
    assert sample(registry, "crampcoach_database_errors_total", where="webhook_claim") == 1


def test_a_timer_counts_as_late_only_past_the_threshold() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.timer_fired(DUE, DUE + timedelta(seconds=1.5))
    metrics.timer_fired(DUE, DUE - timedelta(seconds=3))  # early (a clock step): on time
    metrics.timer_fired(DUE, DUE + timedelta(seconds=40))
    assert sample(registry, "crampcoach_timers_late_total") == 1
    assert sample(registry, "crampcoach_timer_lateness_seconds_count") == 3
    assert sample(registry, "crampcoach_timer_lateness_seconds_bucket", le="0.1") == 1
    assert sample(registry, "crampcoach_timer_lateness_seconds_sum") == 41.5


def test_reminder_lag_is_seconds_after_the_due_time() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.reminder_sent(DUE, DUE + timedelta(seconds=12))
    assert sample(registry, "crampcoach_reminder_lag_seconds_sum") == 12
    assert sample(registry, "crampcoach_reminder_lag_seconds_bucket", le="5.0") == 0
    assert sample(registry, "crampcoach_reminder_lag_seconds_bucket", le="15.0") == 1


def _python(code: str, directory: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != MULTIPROC_ENV}
    if directory is not None:
        env[MULTIPROC_ENV] = str(directory)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


WORKER = """
from bot.metrics import METRICS
for _ in range({n}):
    METRICS.update_handled("message")
METRICS.message_sent("reply", "sent")
METRICS.reply_latency(0.3)
"""
SCRAPE = "from bot.metrics import exposition; print(exposition()[0].decode())"


def test_a_scrape_sums_every_worker_process_including_ones_that_exited(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    for n in (2, 3):
        done = _python(WORKER.format(n=n), directory)
        assert done.returncode == 0, done.stderr
    scraped = _python(SCRAPE, directory)
    assert scraped.returncode == 0, scraped.stderr
    lines = scraped.stdout.splitlines()
    assert 'crampcoach_updates_total{kind="message"} 5.0' in lines
    assert 'crampcoach_messages_sent_total{lane="reply",outcome="sent"} 2.0' in lines
    assert "crampcoach_reply_seconds_count 2.0" in lines
    # Only the bot's own metrics: no per-process collectors that multiprocess mode cannot sum.
    assert not any(line.startswith("process_") for line in lines)


def test_without_the_directory_the_process_shows_its_own_numbers(tmp_path: Path) -> None:
    code = WORKER.format(n=4) + "\n" + SCRAPE
    done = _python(code, None)
    assert done.returncode == 0, done.stderr
    assert 'crampcoach_updates_total{kind="message"} 4.0' in done.stdout.splitlines()


def test_a_worker_that_imported_the_library_too_early_is_refused(tmp_path: Path) -> None:
    code = (
        "import os, prometheus_client\n"
        f"os.environ[{MULTIPROC_ENV!r}] = {str(tmp_path)!r}\n"
        "from bot.metrics import check_multiprocess_mode\n"
        "check_multiprocess_mode()\n"
    )
    done = _python(code, None)
    assert done.returncode != 0
    assert "was set after prometheus_client was imported" in done.stderr
    assert (
        _python("from bot.metrics import check_multiprocess_mode as c; c()", tmp_path).returncode
        == 0
    )


ONE_WORKER = """
import sys
from pathlib import Path
from bot.web.serve import prepare_metrics_dir
import bot.web.ptb  # what the starting process uses for setWebhook
assert "prometheus_client" not in sys.modules, "loaded before the folder was prepared"
prepare_metrics_dir(Path({path!r}))
# uvicorn now imports the worker's app in this very process.
from bot.metrics import METRICS, check_multiprocess_mode, exposition
check_multiprocess_mode()
METRICS.update_handled("message")
print(exposition()[0].decode())
"""


def test_with_one_worker_the_starting_process_counts_into_a_fresh_folder(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999.db").write_bytes(b"stale numbers of the last run")
    done = _python(ONE_WORKER.format(path=str(directory)), None)
    assert done.returncode == 0, done.stderr
    assert 'crampcoach_updates_total{kind="message"} 1.0' in done.stdout.splitlines()
    assert not (directory / "counter_999.db").exists()
    assert any(directory.iterdir())  # this process's own files


def test_preparing_the_folder_after_loading_the_library_is_refused(tmp_path: Path) -> None:
    code = (
        "import bot.metrics\n"
        "from pathlib import Path\n"
        "from bot.web.serve import prepare_metrics_dir\n"
        f"prepare_metrics_dir(Path({str(tmp_path / 'm')!r}))\n"
    )
    done = _python(code, None)
    assert done.returncode != 0
    assert "imported before the metrics folder was prepared" in done.stderr
    assert not (tmp_path / "m").exists()
