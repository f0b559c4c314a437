"""Updates: what one update costs crampcoach, against a bare python-telegram-bot echo bot.

Both bots run as their own process against the same local Bot API stand-in (no rate limits),
driven by the same simulated users (bench/users.py), one after the other in one run. The echo
bot runs twice: with PTB's defaults ("echo", the floor the issue asks for) and with the same
HTTP pool as crampcoach ("echo-32"), so the pool's share of the difference shows.

* saturation: every user sends their next update as soon as the reply they need arrives;
  updates handled per second;
* steady load: updates offered at a fixed rate (open loop: on schedule, whether or not replies
  are late), well under saturation; reply latency p50/p95/p99, from the update being available
  to the bot's first request for that chat (a button's answer, or the reply message).

    python -m bench.updates            # 500 users, 50 updates/s for 30 s, SQLite and PostgreSQL
    python -m bench.updates --quick    # seconds: the CI smoke test
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import support
from bench.users import Crowd, summary
from bot.telegram.app import HTTP_CONNECTIONS

# Timed holds scaled up tenfold: the simulated users press Next, so no follow-up should fire
# mid-measurement (timers have their own benchmark, bench/timers.py).
TIME_SCALE = 10.0


async def saturate(crowd: Crowd, bot: support.BotProcess, updates: int) -> dict[str, Any]:
    """Closed loop: each ready user acts at once; stop after `updates` replies."""
    done = asyncio.Event()

    def go(_user: object) -> None:
        while crowd.ready and crowd.pushed < updates:
            crowd.act(crowd.users[crowd.ready.popleft()])
        if crowd.handled >= updates:
            done.set()

    crowd.on_ready = go
    cpu_before, own_before = bot.cpu(), time.process_time()
    started = time.monotonic()
    go(None)
    await _until(done, bot, crowd, within=max(60.0, updates / 20))
    wall = time.monotonic() - started
    cpu = bot.cpu() - cpu_before
    crowd.on_ready = None
    return {
        "updates": crowd.handled,
        "seconds": wall,
        "updates_per_s": crowd.handled / wall,
        "bot_cpu_ms_per_update": cpu * 1000 / crowd.handled,
        "bot_cpu_share": cpu / wall,
        "stand_in_cpu_share": (time.process_time() - own_before) / wall,
    }


async def steady(
    crowd: Crowd, bot: support.BotProcess, rate: float, seconds: float
) -> dict[str, Any]:
    """Open loop: one update every 1/rate s from whichever user is ready; latencies recorded."""
    crowd.latencies.clear()
    handled_before = crowd.handled
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)
    start = loop.time() + 0.05
    idle = 0
    cpu_before = bot.cpu()
    for index in range(total):
        delay = start + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if crowd.ready:
            crowd.act(crowd.users[crowd.ready.popleft()])
        else:
            idle += 1  # nobody could act: the offered load fell short (reported)
    # Let the last replies come in.
    deadline = time.monotonic() + 10
    while crowd.handled - handled_before < total - idle and time.monotonic() < deadline:
        bot.check_alive()
        await asyncio.sleep(0.01)
    cpu = bot.cpu() - cpu_before
    return {
        "offered_per_s": rate,
        "updates": crowd.handled - handled_before,
        "not_offered": idle,
        "bot_cpu_share": cpu / seconds,
        **summary(crowd.latencies),
    }


async def _until(
    event: asyncio.Event, bot: support.BotProcess, crowd: Crowd, within: float
) -> None:
    deadline = time.monotonic() + within
    while not event.is_set():
        bot.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{crowd.kind}: {crowd.handled} of {crowd.pushed} updates answered in {within:g} s"
                f"\n{bot.log()}"
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), 0.5)


async def measure(kind: str, database: str | None, args: Any) -> dict[str, Any]:
    """One bot: saturation first (it also warms up: pictures uploaded, code paths hot), then the
    steady load."""
    async with support.stand_in() as api:
        with tempfile.TemporaryDirectory(prefix="crampbench-") as folder:
            if kind == "echo":
                bot = support.echo_bot(api)
            elif kind == "echo-32":
                bot = support.echo_bot(api, connections=HTTP_CONNECTIONS)
            else:
                assert database is not None
                url = await support.fresh_database(database, Path(folder))
                bot = support.crampcoach(api, url, routine_time_scale=TIME_SCALE)
            crowd = Crowd(api, "echo" if kind.startswith("echo") else "crampcoach")
            crowd.add(args.users)
            async with support.running(bot, api):
                warm = await saturate(crowd, bot, min(args.users * 2, args.updates))
                del warm
                crowd.handled = crowd.pushed = 0
                crowd.latencies.clear()
                with support.profiled(bot, args.profile, f"{kind}-{database or 'none'}"):
                    sat = await saturate(crowd, bot, args.updates)
                await _drain(crowd, bot)
                latency = await steady(crowd, bot, args.rate, args.seconds)
                _, peak = bot.memory()
            rejected = [f"{r.method}: {r.description}" for r in api.rejected]
    if rejected:
        raise RuntimeError(f"{kind}: the stand-in refused requests: {rejected[:5]}")
    return {"saturation": sat, "steady": latency, "peak_rss_mb": peak}


async def _drain(crowd: Crowd, bot: support.BotProcess) -> None:
    """Wait until every user's last update was answered, so the steady phase starts idle."""
    deadline = time.monotonic() + 30
    while any(user.waiting for user in crowd.users.values()):
        bot.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError("replies never came for some users")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)


async def main() -> None:
    parser = support.parser(__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--updates", type=int, default=4000, help="updates at saturation")
    parser.add_argument("--rate", type=float, default=50.0, help="offered updates/s, steady")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the steady phase")
    parser.add_argument(
        "--profile", metavar="DIR", help="py-spy profiles of each bot at saturation into DIR"
    )
    args = parser.parse_args()
    if args.quick:
        args.users, args.updates, args.rate, args.seconds = 20, 200, 20.0, 2.0
    results: dict[str, Any] = {}
    for echo in ("echo", "echo-32"):
        results[echo] = await measure(echo, None, args)
        _progress(echo, results[echo])
    for database in support.database_names(args):
        name = f"crampcoach-{database}"
        results[name] = await measure("crampcoach", database, args)
        _progress(name, results[name])
    support.report(
        args, "updates", {"settings": vars(args), "results": results}, render(results, args)
    )


def _progress(name: str, figures: dict[str, Any]) -> None:
    """One line per bot as it finishes, on stderr, so a long run shows signs of life."""
    sat, steady = figures["saturation"], figures["steady"]
    print(
        f"{name}: {sat['updates_per_s']:.0f} updates/s, {sat['bot_cpu_ms_per_update']:.2f} ms CPU"
        f"/update; p50 {steady['p50_ms']:.1f} ms, p99 {steady['p99_ms']:.1f} ms",
        file=sys.stderr,
        flush=True,
    )


def render(results: dict[str, Any], args: Any) -> str:
    floors = {name: results[name] for name in ("echo", "echo-32")}
    rows = []
    for name, figures in results.items():
        sat, steady = figures["saturation"], figures["steady"]
        rows.append(
            [
                name,
                sat["updates_per_s"],
                *(sat["updates_per_s"] / f["saturation"]["updates_per_s"] for f in floors.values()),
                sat["bot_cpu_ms_per_update"],
                steady["p50_ms"],
                steady["p95_ms"],
                steady["p99_ms"],
                *(steady["p99_ms"] / f["steady"]["p99_ms"] for f in floors.values()),
                figures["peak_rss_mb"],
            ]
        )
    header = [
        "bot",
        "updates/s (saturation)",
        "× echo",
        "× echo-32",
        "bot CPU ms/update",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p99 × echo",
        "p99 × echo-32",
        "peak RSS MiB",
    ]
    title = (
        f"Updates: {args.users} users, {args.updates} updates at saturation; "
        f"{args.rate:g} updates/s offered for {args.seconds:g} s"
    )
    return support.table(title, header, rows)


if __name__ == "__main__":
    asyncio.run(main())
