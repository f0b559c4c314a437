"""What every benchmark shares: the Bot API stand-in, the bot as a separate process, databases,
and figures.

Why a separate process: the bot gets a core of its own and its CPU time and peak memory are
read from ``/proc`` exactly, while the stand-in and the simulated users run in this process on
the other core. The bot is started as ``python -m bot run``, the very command a maintainer runs,
configured only through its environment variables.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` as well as `python -m bench.x`
    sys.path.insert(0, str(ROOT))

from tools.botapi_standin import FakeBotApi  # noqa: E402

TOKEN = "123456:BENCH-token"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/crampcoach_bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------- arguments


def parser(description: str, databases: str = "sqlite,postgres") -> argparse.ArgumentParser:
    """The options every script has: --quick for the CI smoke test, --json for machines, and
    --databases (default `databases`; read it back with :func:`database_names`)."""
    args = argparse.ArgumentParser(description=description)
    args.add_argument(
        "--quick", action="store_true", help="a few seconds, small numbers (the CI smoke test)"
    )
    args.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args.add_argument("--databases", default=databases, help="comma-separated: sqlite, postgres")
    return args


def database_names(args: argparse.Namespace) -> list[str]:
    return [name.strip() for name in args.databases.split(",") if name.strip()]


def postgres_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


# ---------------------------------------------------------------------------------- processes


def _proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text(encoding="ascii")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a live process (10 ms resolution)."""
    fields = _proc(pid, "stat").rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a live process, in MiB."""
    values: dict[str, float] = {}
    for line in _proc(pid, "status").splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


@dataclass
class BotProcess:
    """A bot started as its own process, pointed at the stand-in by environment variables."""

    command: Sequence[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="crampbench-")))

    def start(self) -> None:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        # Run from an empty folder so no developer's .env changes what is measured.
        self.process = subprocess.Popen(
            list(self.command),
            env=environment,
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "stderr.log").open("wb"),
        )

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("not started")
        return self.process.pid

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{self.log()}")

    def log(self) -> str:
        path = self.workdir / "stderr.log"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def memory(self) -> tuple[float, float]:
        return memory_mb(self.pid)

    async def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        for _ in range(200):
            if self.process.poll() is not None:
                return
            await asyncio.sleep(0.05)
        self.process.kill()


@contextlib.contextmanager
def profiled(bot: BotProcess, folder: str | None, name: str) -> Iterator[None]:
    """Sample the bot with py-spy while the block runs (collapsed stacks and a flame graph SVG),
    when a folder is given; py-spy must be installed (`pip install py-spy`)."""
    if folder is None:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    samplers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(bot.pid),
                "--rate",
                "250",
                "--format",
                form,
                "--output",
                str(Path(folder) / f"{name}.{suffix}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for form, suffix in (("raw", "txt"), ("flamegraph", "svg"))
    ]
    try:
        yield
    finally:
        for sampler in samplers:
            sampler.send_signal(signal.SIGINT)
        for sampler in samplers:
            sampler.wait(timeout=60)


def crampcoach(api: FakeBotApi, database_url: str, **settings: str | float) -> BotProcess:
    """`python -m bot run` against the stand-in; `settings` are extra environment variables."""
    env = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    env.update({name.upper(): str(value) for name, value in settings.items()})
    # Another checkout's bot/ and content/ (e.g. `git archive` of an older commit), to measure
    # the code before a change with the benchmark after it.
    if other := os.environ.get("BENCH_BOT_ROOT"):
        env["PYTHONPATH"] = other
    return BotProcess([sys.executable, "-m", "bot", "run"], env)


def echo_bot(api: FakeBotApi, connections: int | None = None) -> BotProcess:
    """The bare PTB echo bot; `connections` sets its HTTP pool (None: PTB's default)."""
    env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url}
    if connections is not None:
        env["ECHO_CONNECTIONS"] = str(connections)
    return BotProcess([sys.executable, "-m", "bench.echo_bot"], env)


@contextlib.asynccontextmanager
async def running(bot: BotProcess, api: FakeBotApi, within: float = 60) -> AsyncIterator[None]:
    """Start the bot, wait until its first long poll is parked, stop it afterwards."""
    bot.start()
    try:
        deadline = time.monotonic() + within
        while api.long_polls_waiting < 1:
            bot.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot never started polling:\n{bot.log()}")
            await asyncio.sleep(0.05)
        yield
    finally:
        await bot.stop()


def stand_in(*, flood_limit: int | None = None) -> FakeBotApi:
    # Telegram escapes nothing for us either; strict HTML keeps the bots honest here too.
    return FakeBotApi(token=TOKEN, flood_limit=flood_limit)


# ---------------------------------------------------------------------------------- databases


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"


async def fresh_database(kind: str, folder: Path) -> str:
    """An empty, migrated database: a new SQLite file, or the PostgreSQL bench database
    (created if missing, emptied if not)."""
    from bot.storage.db import upgrade_database

    if kind == "sqlite":
        url = sqlite_url(folder)
    else:
        url = postgres_url()
        await _recreate_postgres(url)
    await asyncio.to_thread(upgrade_database, url)
    return url


async def _recreate_postgres(url: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    from bot.storage.db import normalize_url

    parsed = normalize_url(url)
    name = parsed.database
    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database="postgres"
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


# ---------------------------------------------------------------------------------- figures


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated; NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    index = min(max(round(q * 10) - 1, 0), len(cuts) - 1)
    return cuts[index]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    import sqlite3

    import telegram

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
    }


def table(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table, so a run's output can be pasted into docs/benchmarks.md as it is."""
    rendered = [[_cell(value) for value in row] for row in rows]
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rendered]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def report(args: argparse.Namespace, name: str, figures: dict[str, Any], text: str) -> None:
    print(text, flush=True)
    if args.json:
        payload = {"benchmark": name, "quick": args.quick, "machine": machine(), **figures}
        Path(args.json).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")


# ---------------------------------------------------------------------------------- seeding


async def insert_rows(
    url: str, rows_by_table: Sequence[tuple[Any, Sequence[dict[str, Any]]]], chunk: int = 5000
) -> float:
    """Bulk-insert rows into the migrated tables of the database at ``url`` with Core
    ``executemany`` (in ``chunk``-row slices, one transaction); returns the seconds it took.

    ``rows_by_table`` pairs a table (or model) with its rows, in foreign-key order.
    """
    from sqlalchemy import insert

    from bot.storage.db import make_engine

    engine = make_engine(url)
    started = time.monotonic()
    try:
        async with engine.begin() as connection:
            for table, rows in rows_by_table:
                for start in range(0, len(rows), chunk):
                    await connection.execute(insert(table), list(rows[start : start + chunk]))
    finally:
        await engine.dispose()
    return time.monotonic() - started


# ---------------------------------------------------------------------------------- waiting


async def until(condition: Callable[[], bool], bot: BotProcess, within: float, what: str) -> float:
    """Wait until `condition()` holds; fail at once if the bot died, or after `within` s.

    Returns the seconds waited. `what` names the awaited thing in the TimeoutError."""
    started = time.monotonic()
    while not condition():
        bot.check_alive()
        if time.monotonic() - started > within:
            raise TimeoutError(f"{what}: not done after {within:g} s\n{bot.log()}")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def bot_revision() -> dict[str, str]:
    """Which bot code was measured: a digest of bot/**/*.py and its newest file's change time
    (the bot is edited while benchmarks run; without git, this tells runs apart)."""
    import hashlib
    from datetime import UTC, datetime

    root = Path(os.environ.get("BENCH_BOT_ROOT") or ROOT)  # the bot that was measured
    files = sorted((root / "bot").rglob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    newest = max(path.stat().st_mtime for path in files)
    return {
        "digest": digest.hexdigest()[:12],
        "newest_change": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
    }
