"""Webhook workers: `crampcoach serve` with 1, 2 and 4 workers against the polling process.

Why: issue 13 moves the bot past one process; this says what each worker buys on this machine
and what it costs a reply. All bots run on PostgreSQL (the only database more than one worker
may share) against the same local Bot API stand-in, which posts each update to the webhook as
Telegram does (up to 40 requests at once, one chat's updates in order), driven by the same
simulated users as bench/updates.py, doing whole routines with buttons:

* saturation: the users act as soon as their last answer came (closed loop): updates per second
  and the bots' CPU (every worker's, summed) per update;
* steady: updates offered at 50 a second (open loop), with the reply latency's percentiles.

The gain should stop at the machine's core count: the stand-in and the simulated users share
the same cores.

    python -m bench.webhook            # polling, 1, 2 and 4 workers
    python -m bench.webhook --quick    # seconds: the CI smoke test
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import support
from bench.updates import TIME_SCALE, drain, saturate, steady
from bench.users import Crowd, summary
from tools.botapi_standin import FakeBotApi

SECRET = "bench_webhook-SECRET"


@dataclass
class Workers(support.BotProcess):
    """`crampcoach serve`: its CPU is the starting process's and every worker's."""

    base: str = ""

    def cpu(self) -> float:
        return sum(support.cpu_seconds(pid) for pid in self._family())

    def memory(self) -> tuple[float, float]:
        figures = [support.memory_mb(pid) for pid in self._family()]
        return sum(now for now, _ in figures), sum(peak for _, peak in figures)

    def _family(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        alive = [int(pid) for pid in children if Path(f"/proc/{pid}").exists()]
        return [self.pid, *alive]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(api: FakeBotApi, database_url: str, workers: int) -> Workers:
    port = _free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "ROUTINE_TIME_SCALE": str(TIME_SCALE),
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(port),
        "WORKERS": str(workers),
    }
    return Workers([sys.executable, "-m", "bot", "serve"], env, base=f"http://127.0.0.1:{port}")


async def _until_serving(bot: Workers, workers: int, within: float = 60) -> None:
    """Every worker answers /readyz (uvicorn spreads connections; a few tries reach them)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            bot.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"serve never became ready:\n{bot.log()}")
            try:
                ready = (await client.get(bot.base + "/readyz")).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and len(bot._family()) > workers - (workers == 1):
                await asyncio.sleep(3.0)  # the other workers' start-up (content, zones)
                return
            await asyncio.sleep(0.1)


async def measure(workers: int, args: Any) -> dict[str, Any]:
    """0 workers: the polling process (`crampcoach run`)."""
    async with support.stand_in() as api:
        with tempfile.TemporaryDirectory(prefix="crampbench-") as folder:
            url = await support.fresh_database("postgres", Path(folder))
            crowd = Crowd(api, "crampcoach")
            crowd.add(args.users)
            bot: support.BotProcess
            if workers == 0:
                bot = support.crampcoach(api, url, routine_time_scale=TIME_SCALE)
                starting = support.running(bot, api)
                await starting.__aenter__()
            else:
                bot = serve(api, url, workers)
                bot.start()
                await _until_serving(bot, workers)
            try:
                await saturate(crowd, bot, min(args.users * 2, args.updates))  # warm-up
                crowd.handled = crowd.pushed = 0
                crowd.latencies.clear()
                sat = await saturate(crowd, bot, args.updates)
                sat.update(summary(crowd.latencies))
                await drain(crowd, bot)
                latency = await steady(crowd, bot, args.rate, args.seconds)
            finally:
                if workers == 0:
                    await starting.__aexit__(None, None, None)
                else:
                    await bot.stop()
            rejected = [f"{r.method}: {r.description}" for r in api.rejected]
    if rejected:
        raise RuntimeError(f"{workers} workers: the stand-in refused requests: {rejected[:5]}")
    return {"saturation": sat, "steady": latency}


async def main() -> None:
    parser = support.parser(__doc__.splitlines()[0], databases="postgres")
    parser.add_argument("--users", type=int, default=200, help="simulated users")
    parser.add_argument("--updates", type=int, default=3000, help="updates at saturation")
    parser.add_argument("--rate", type=float, default=50.0, help="offered updates/s, steady")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady phase")
    parser.add_argument("--workers", default="0,1,2,4", help="0 is the polling process")
    args = parser.parse_args()
    if args.quick:
        args.users, args.updates, args.rate, args.seconds = 20, 100, 20.0, 2.0
        args.workers = "0,2"
    results: dict[str, dict[str, Any]] = {}
    for workers in (int(n) for n in args.workers.split(",")):
        name = "polling" if workers == 0 else f"serve, {workers} worker(s)"
        results[name] = await measure(workers, args)
        sat = results[name]["saturation"]
        print(
            f"{name}: {sat['updates_per_s']:.0f} updates/s, p99 at {args.rate:g}/s "
            f"{results[name]['steady']['p99_ms']:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    rows = [
        [
            name,
            figures["saturation"]["updates"],
            figures["saturation"]["updates_per_s"],
            figures["saturation"]["bot_cpu_ms_per_update"],
            figures["saturation"]["p99_ms"],
            figures["steady"]["p50_ms"],
            figures["steady"]["p99_ms"],
        ]
        for name, figures in results.items()
    ]
    header = [
        "bot",
        "updates",
        "updates/s",
        "bot CPU ms/update",
        "p99 ms (saturated)",
        f"p50 ms at {args.rate:g}/s",
        f"p99 ms at {args.rate:g}/s",
    ]
    support.report(
        args,
        "webhook",
        {"settings": vars(args), "revision": support.bot_revision(), "results": results},
        support.table(f"Webhook workers on PostgreSQL, {args.users} users", header, rows),
    )


if __name__ == "__main__":
    asyncio.run(main())
