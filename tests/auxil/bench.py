"""What the benchmark smoke tests share."""

from __future__ import annotations

import os


def bench_postgres() -> str | None:
    """The benchmarks' own database on the test server, never the tests' database itself.

    Named after the tests' database (``test`` -> ``test_bench``): the scripts drop and recreate
    it, so two suites running side by side on one server, each with its own test database, do
    not drop each other's.
    """
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    return f"{url}_bench" if url else None
