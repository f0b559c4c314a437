"""The bot's Prometheus metrics, correct with one process or many (prometheus-client).

With several webhook workers each process counts its own traffic, and a scrape of ``/metrics``
reaches only one of them, so each would show a fraction. prometheus-client's multiprocess mode
fixes that, on conditions this module keeps:

* ``PROMETHEUS_MULTIPROC_DIR`` must be in the environment *before prometheus_client is first
  imported* in a worker: the library picks file-backed values at import time. `crampcoach serve`
  puts it there before it starts the workers (``bot.web.serve.prepare_metrics_dir``), and
  ``check_multiprocess_mode`` refuses to run a worker that imported the library too early (its
  numbers would silently be missing from every scrape).
* The directory is emptied when the server starts, never while it runs: a worker that died and
  was replaced keeps its counts in its files, so totals never go down.
* A scrape builds a fresh registry with a ``MultiProcessCollector`` over the directory
  (``exposition``); the metrics themselves are not registered to it, which would count them twice.
* Only counters and histograms: their files are summed over every process that ever ran. (A
  "live" gauge would need ``multiprocess.mark_process_dead`` on each worker's exit; there is none.)

Without the variable (one process, `crampcoach run`) the default registry is exposed as is.
What each metric means is in docs/deploy.md.
"""

from __future__ import annotations

import os
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from bot.config import MULTIPROC_ENV

__all__ = [
    "LATE_AFTER_SECONDS",
    "METRICS",
    "MULTIPROC_ENV",
    "Metrics",
    "check_multiprocess_mode",
    "exposition",
]

# A timed follow-up ("hold for 30 seconds") this much after its due time counts as late.
LATE_AFTER_SECONDS = 2.0

_REPLY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_TIMER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)
_REMINDER_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


class Metrics:
    """Every metric of the bot, and one small method per thing that happened."""

    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.updates = Counter(
            "crampcoach_updates",
            "Updates from Telegram handled, by kind (message, callback_query, ...)",
            ["kind"],
            registry=registry,
        )
        self.webhook_requests = Counter(
            "crampcoach_webhook_requests",
            "Webhook requests by outcome (handled, duplicate, forged, malformed, in_hand, "
            "failed, unavailable)",
            ["outcome"],
            registry=registry,
        )
        self.reply_seconds = Histogram(
            "crampcoach_reply_seconds",
            "Seconds from an update's arrival until it was handled and its replies were sent",
            buckets=_REPLY_BUCKETS,
            registry=registry,
        )
        self.messages_sent = Counter(
            "crampcoach_messages_sent",
            "Messages to Telegram by lane (reply, broadcast) and outcome (sent, blocked, retry, "
            "failed, uncertain)",
            ["lane", "outcome"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "crampcoach_telegram_429",
            "429 Too Many Requests answers from Telegram, by lane",
            ["lane"],
            registry=registry,
        )
        self.timer_lateness = Histogram(
            "crampcoach_timer_lateness_seconds",
            "Seconds between a timed follow-up's due time and when it fired",
            buckets=_TIMER_BUCKETS,
            registry=registry,
        )
        self.timers_late = Counter(
            "crampcoach_timers_late",
            f"Timed follow-ups fired more than {LATE_AFTER_SECONDS:g} s after their due time",
            registry=registry,
        )
        self.reminder_lag = Histogram(
            "crampcoach_reminder_lag_seconds",
            "Seconds between a bedtime reminder's due time and its sending",
            buckets=_REMINDER_BUCKETS,
            registry=registry,
        )
        self.database_errors = Counter(
            "crampcoach_database_errors",
            "Database operations that failed, by where they happened",
            ["where"],
            registry=registry,
        )

    def update_handled(self, kind: str) -> None:
        self.updates.labels(kind=kind).inc()

    def webhook_request(self, outcome: str) -> None:
        self.webhook_requests.labels(outcome=outcome).inc()

    def reply_latency(self, seconds: float) -> None:
        self.reply_seconds.observe(max(seconds, 0.0))

    def message_sent(self, lane: str, outcome: str) -> None:
        self.messages_sent.labels(lane=lane, outcome=outcome).inc()

    def telegram_429(self, lane: str) -> None:
        self.rate_limited.labels(lane=lane).inc()

    def timer_fired(self, due_at: datetime, fired_at: datetime) -> None:
        """A follow-up fired; an early one (a clock step) counts as on time."""
        lateness = max((fired_at - due_at).total_seconds(), 0.0)
        self.timer_lateness.observe(lateness)
        if lateness > LATE_AFTER_SECONDS:
            self.timers_late.inc()

    def reminder_sent(self, due_at: datetime, sent_at: datetime) -> None:
        self.reminder_lag.observe(max((sent_at - due_at).total_seconds(), 0.0))

    def database_error(self, where: str) -> None:
        self.database_errors.labels(where=where).inc()


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def check_multiprocess_mode() -> None:
    """Refuse a worker whose numbers would be missing from the scrapes.

    prometheus-client decides between in-memory and file-backed values when it is first
    imported; if that happened before ``PROMETHEUS_MULTIPROC_DIR`` was set, this process counts
    in memory while ``/metrics`` reads the files.
    """
    if multiprocess_dir() and values.ValueClass is values.MutexValue:
        raise RuntimeError(
            f"{MULTIPROC_ENV} was set after prometheus_client was imported; set it in the "
            "environment that starts crampcoach (see docs/deploy.md)"
        )


def exposition(registry: CollectorRegistry | None = None) -> tuple[bytes, str]:
    """The text a scrape gets, and its content type: every worker's numbers, summed."""
    if registry is None:
        if multiprocess_dir():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


METRICS = Metrics()
