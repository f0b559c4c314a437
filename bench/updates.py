"""Updates: what one update costs crampcoach, against a bare python-telegram-bot echo bot.

Both bots run as their own process against the same local Bot API stand-in, driven by the same
simulated users (bench/users.py), one after the other in one run. crampcoach runs with its
default settings, as a maintainer runs it (rate limiting included), except that timed holds are
ten times longer, so no follow-up fires mid-measurement. Three scenarios, each against the echo
bot:

* help: 20 users each sending /help again as soon as the answer came (closed loop);
* routines: 20 users doing whole routines, pressing the buttons the bot sent (closed loop);
* crowd: 500 users doing the same; then a steady load, updates offered at a fixed rate (open
  loop: on schedule, whether or not replies are late), well under saturation.

Per scenario: updates handled per second, the bot's CPU per update, reply latency (from the
update being available to the bot's first request for that chat: a button's answer, or the
reply message), and the 429s the stand-in gave (it enforces Telegram's flood control on bulk
messages, 30 a second; nobody here is bulk, so there should be none).

    python -m bench.updates            # all three, SQLite and PostgreSQL
    python -m bench.updates --quick    # seconds: the CI smoke test
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import support
from bench.users import Crowd, summary

# Timed holds scaled up tenfold: the simulated users press Next, so no follow-up should fire
# mid-measurement (timers have their own benchmark, bench/timers.py).
TIME_SCALE = 10.0
# Telegram's flood control on bulk messages, which the stand-in enforces.
FLOOD_LIMIT = 30


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
    await _until(done, bot, crowd, within=max(120.0, updates / 5))
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


@dataclass(frozen=True)
class Scenario:
    """Who talks to the bot, how much, and whether a steady-load phase follows saturation."""

    name: str
    users: int
    updates: int
    kind: str  # the crowd's kind for crampcoach: "crampcoach" (whole routines) or "help"
    steady: bool
    description: str


def scenarios(args: Any) -> list[Scenario]:
    """(a) /help in a closed loop, (b) whole routines with buttons, (c) today's 500 users."""
    small = 200 if args.quick else args.small_updates
    return [
        Scenario("help", 20, small, "help", False, "20 users sending /help in a closed loop"),
        Scenario(
            "routines", 20, small, "crampcoach", False, "20 users doing whole routines (buttons)"
        ),
        Scenario(
            "crowd",
            args.users,
            args.updates,
            "crampcoach",
            True,
            f"{args.users} users doing whole routines; then {args.rate:g} updates/s offered",
        ),
    ]


async def measure(
    scenario: Scenario, bot_kind: str, database: str | None, args: Any
) -> dict[str, Any]:
    """One bot, with its default settings: saturation first (it also warms up: pictures
    uploaded, code paths hot), then, for the crowd, the steady load."""
    async with support.stand_in(flood_limit=FLOOD_LIMIT) as api:
        with tempfile.TemporaryDirectory(prefix="crampbench-") as folder:
            if bot_kind == "echo":
                bot = support.echo_bot(api)
                kind = "help" if scenario.kind == "help" else "echo"
            else:
                assert database is not None
                url = await support.fresh_database(database, Path(folder))
                bot = support.crampcoach(api, url, routine_time_scale=TIME_SCALE)
                kind = scenario.kind
            crowd = Crowd(api, kind)
            crowd.add(scenario.users)
            async with support.running(bot, api):
                await saturate(crowd, bot, min(scenario.users * 2, scenario.updates))
                crowd.handled = crowd.pushed = 0
                crowd.latencies.clear()
                name = f"{scenario.name}-{bot_kind}-{database or 'none'}"
                with support.profiled(bot, args.profile, name):
                    sat = await saturate(crowd, bot, scenario.updates)
                sat.update(summary(crowd.latencies))
                latency = None
                if scenario.steady:
                    await drain(crowd, bot)
                    latency = await steady(crowd, bot, args.rate, args.seconds)
                _, peak = bot.memory()
            rejected = [f"{r.method}: {r.description}" for r in api.rejected]
            refused = api.flood_refusals
    if rejected:
        raise RuntimeError(f"{name}: the stand-in refused requests: {rejected[:5]}")
    return {"saturation": sat, "steady": latency, "peak_rss_mb": peak, "flood_refusals": refused}


async def drain(crowd: Crowd, bot: support.BotProcess) -> None:
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
    parser.add_argument("--users", type=int, default=500, help="users in the crowd scenario")
    parser.add_argument("--updates", type=int, default=4000, help="crowd: updates at saturation")
    parser.add_argument(
        "--small-updates", type=int, default=2000, help="help and routines: updates measured"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="offered updates/s, steady")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the steady phase")
    parser.add_argument("--scenarios", default="help,routines,crowd", help="which to run")
    parser.add_argument(
        "--profile", metavar="DIR", help="py-spy profiles of each bot at saturation into DIR"
    )
    args = parser.parse_args()
    if args.quick:
        args.users, args.updates, args.rate, args.seconds = 20, 200, 20.0, 2.0
    wanted = {name.strip() for name in args.scenarios.split(",")}
    results: dict[str, dict[str, Any]] = {}
    for scenario in scenarios(args):
        if scenario.name not in wanted:
            continue
        bots = results.setdefault(scenario.name, {})
        bots["echo"] = await measure(scenario, "echo", None, args)
        _progress(scenario.name, "echo", bots["echo"])
        for database in support.database_names(args):
            name = f"crampcoach-{database}"
            bots[name] = await measure(scenario, "crampcoach", database, args)
            _progress(scenario.name, name, bots[name])
    support.report(
        args,
        "updates",
        {"settings": vars(args), "revision": support.bot_revision(), "results": results},
        render(results, args),
    )


def _progress(scenario: str, name: str, figures: dict[str, Any]) -> None:
    """One line per bot as it finishes, on stderr, so a long run shows signs of life."""
    sat = figures["saturation"]
    print(
        f"{scenario} {name}: {sat['updates_per_s']:.0f} updates/s, "
        f"{sat['bot_cpu_ms_per_update']:.2f} ms CPU/update, p99 {sat['p99_ms']:.1f} ms",
        file=sys.stderr,
        flush=True,
    )


def render(results: dict[str, dict[str, Any]], args: Any) -> str:
    described = {scenario.name: scenario.description for scenario in scenarios(args)}
    tables = []
    for name, bots in results.items():
        floor = bots["echo"]
        rows = []
        for bot, figures in bots.items():
            sat, steady = figures["saturation"], figures["steady"]
            row = [
                bot,
                sat["updates"],
                sat["updates_per_s"],
                sat["updates_per_s"] / floor["saturation"]["updates_per_s"],
                sat["bot_cpu_ms_per_update"],
                sat["p50_ms"],
                sat["p99_ms"],
            ]
            if steady is not None:
                row += [steady["p50_ms"], steady["p95_ms"], steady["p99_ms"]]
            rows.append([*row, figures["flood_refusals"], figures["peak_rss_mb"]])
        header = [
            "bot",
            "updates",
            "updates/s",
            "× echo",
            "bot CPU ms/update",
            "p50 ms (saturated)",
            "p99 ms (saturated)",
        ]
        if bots["echo"]["steady"] is not None:
            header += [f"p50 ms at {args.rate:g}/s", f"p95 ms at {args.rate:g}/s"]
            header += [f"p99 ms at {args.rate:g}/s"]
        header += ["429s", "peak RSS MiB"]
        tables.append(support.table(f"Updates, {name}: {described[name]}", header, rows))
    return "\n".join(tables)


if __name__ == "__main__":
    asyncio.run(main())
