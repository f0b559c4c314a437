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

# Histogram buckets, in seconds, around what each measures: replies take a fraction of a second,
# follow-ups should fire within a second or two, reminders within their tick (20 s).
_REPLY = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_TIMER = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)
_REMINDER = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


class Metrics:
    """Every metric of the bot, and one small method per thing that happened.

    Names get the ``crampcoach_`` prefix (and counters prometheus' ``_total``); docs/deploy.md
    says what each one means.
    """

    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self._registry = registry
        self.updates = self._count("updates", "Updates from Telegram handled, by kind", "kind")
        self.webhook_requests = self._count("webhook_requests", "Webhook posts", "outcome")
        self.reply_seconds = self._time("reply_seconds", "Update in to replies out", _REPLY)
        self.messages_sent = self._count("messages_sent", "Messages sent", "lane", "outcome")
        self.rate_limited = self._count("telegram_429", "429s from Telegram", "lane")
        self.timer_lateness = self._time("timer_lateness_seconds", "Follow-ups' lateness", _TIMER)
        self.timers_late = self._count("timers_late", f"Follow-ups {LATE_AFTER_SECONDS:g}+ s late")
        self.reminder_lag = self._time("reminder_lag_seconds", "Reminders' lag", _REMINDER)
        self.database_errors = self._count("database_errors", "Database errors", "where")

    def _count(self, name: str, doc: str, *labels: str) -> Counter:
        return Counter(f"crampcoach_{name}", doc, labels, registry=self._registry)

    def _time(self, name: str, doc: str, buckets: tuple[float, ...]) -> Histogram:
        return Histogram(f"crampcoach_{name}", doc, buckets=buckets, registry=self._registry)

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
