"""Memory: the bot's RSS with 100,000 users and reminders and 10,000 conversations in progress.

The bot runs as its own process (``python -m bot run``, production's log level) against the Bot
API stand-in; its current and peak RSS are read from ``/proc`` (VmRSS, VmHWM). Three processes,
one after the other:

* empty: a fresh, migrated database; RSS once start-up is over (the floor, for comparison);
* loaded: 100,000 users and 100,000 bedtime reminders bulk-inserted into the migrated tables
  (realistic values; every next reminder between one hour and a day or so away, so none is due),
  then 10,000 simulated users walk through /start, their area and their position (real updates
  through the stand-in, so the bot really holds their timers and jobs), and on through any step
  that waits for a tap (a standing person sits down first) to their first timed step; the holds
  are stretched (``ROUTINE_TIME_SCALE``) so every such step's timer is still pending when RSS is
  read;
* restart: a new process on the same database, which re-arms the 10,000 pending timers from the
  database at start-up (its log says how many); RSS once it polls again.

    python -m bench.memory            # 100,000 users, 10,000 conversations (SQLite)
    python -m bench.memory --quick    # 2,000 users, 200 conversations: the CI smoke test
"""

from __future__ import annotations

import asyncio
import random
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench import support
from bench.timers import bot_errors, press_all
from bench.users import Crowd
from bot.content import load_content
from bot.reminders.schedule import EVERY_DAY, next_fire
from bot.storage.db import make_engine
from bot.storage.models import ChatState, Reminder, User

FIRST_USER = 400_000_001  # Telegram-sized ids
# Holds of 10-60 s become hours: every first step's timer is pending when RSS is read.
TIME_SCALE = 1000.0
SETTLE = 3.0  # s after start-up (or the last reply) before RSS is read (--quick: 1 s)
TARGET_PEAK_MB = 250.0
REARMED = re.compile(r"Re-armed (\d+) pending follow-up")
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Dubai",
    "Australia/Sydney",
    "Africa/Lagos",
    "Africa/Johannesburg",
)
LANGUAGES = ("en", "en", "en", "en", "de", "es", "fr", "pt-br", "it", None)
WEEKDAYS, WEEKENDS = 0b0011111, 0b1100000


# ---------------------------------------------------------------------------------- seeding


def seed_rows(count: int, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` users, each with a bedtime reminder; deterministic (seeded) and none due."""
    rng = random.Random(20_260_507)
    after = now + timedelta(hours=1)
    fires: dict[tuple[str, wall, int], tuple[datetime, date]] = {}

    def fire(zone: str, at: wall, days: int) -> tuple[datetime, date]:
        key = (zone, at, days)
        if key not in fires:
            found = next_fire(at, ZoneInfo(zone), days, after=after)
            fires[key] = (found.at, found.local_date)
        return fires[key]

    users: list[dict[str, Any]] = []
    reminders: list[dict[str, Any]] = []
    for index in range(count):
        user_id = FIRST_USER + index
        zone = rng.choice(ZONES)
        first_seen = now - timedelta(days=rng.uniform(1, 365))
        last_seen = first_seen + (now - first_seen) * rng.random()
        conversation = index < count // 10  # the first tenth may be driven: never blocked
        users.append(
            {
                "id": user_id,
                "language": rng.choice(LANGUAGES),
                "first_seen": first_seen,
                "last_seen": last_seen,
                "blocked": not conversation and rng.random() < 0.02,
                "timezone": zone,
                "pictures": rng.random() < 0.9,
            }
        )
        at = wall(rng.choice((21, 22, 22, 23)), rng.choice((0, 15, 30, 45)))
        roll = rng.random()
        days = EVERY_DAY if roll < 0.8 else WEEKDAYS if roll < 0.95 else WEEKENDS
        enabled = rng.random() < 0.95
        next_at, night = fire(zone, at, days)
        started = (now - timedelta(days=rng.uniform(2, 120))).date()
        morning = rng.random() < 0.1
        morning_at = wall(7, 30)
        reminders.append(
            {
                "user_id": user_id,
                "chat_id": user_id,
                "timezone": zone,
                "local_time": at,
                "days": days,
                "enabled": enabled,
                "next_fire_at": next_at if enabled else None,
                "next_local_date": night if enabled else None,
                "last_sent_date": night - timedelta(days=1) if enabled else None,
                "snooze_until": None,
                "snooze_date": None,
                "started_on": started,
                "helping_asked": (now.date() - started).days > 42,
                "helping_answer": None,
                "morning_time": morning_at if morning else None,
                "morning_next_at": fire(zone, morning_at, EVERY_DAY)[0] if morning else None,
                "created_at": first_seen,
                "updated_at": last_seen,
            }
        )
    return users, reminders


async def count_rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            users = await connection.scalar(select(func.count()).select_from(User))
            reminders = await connection.scalar(select(func.count()).select_from(Reminder))
            due = await connection.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.next_fire_at <= datetime.now(UTC) + timedelta(minutes=30))
            )
            timers = await connection.scalar(
                select(func.count())
                .select_from(ChatState)
                .where(ChatState.timer_token.is_not(None), ChatState.timer_due_at.is_not(None))
            )
    finally:
        await engine.dispose()
    return {
        "users": users or 0,
        "reminders": reminders or 0,
        "due": due or 0,
        "timers": timers or 0,
    }


# ---------------------------------------------------------------------------------- the run


def _progress(message: str) -> None:
    print(f"[memory {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _bot(api: Any, url: str) -> support.BotProcess:
    # INFO is production's default, and the restart reports how many timers it re-armed.
    return support.crampcoach(api, url, routine_time_scale=TIME_SCALE, log_level="INFO")


def _rss(bot: support.BotProcess) -> dict[str, float]:
    current, peak = bot.memory()
    return {"rss_mb": current, "peak_rss_mb": peak}


async def _database(kind: str, folder: Path) -> str:
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    return await support.fresh_database(kind, folder)


async def measure(database: str, args: Any) -> dict[str, Any]:
    content = load_content(support.ROOT / "content")
    catalog = content.catalog("en")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="crampbench-") as scratch:
        folder = Path(scratch)
        # 1. The floor: an empty database.
        url = await _database(database, folder / "empty")
        async with support.stand_in() as api:
            bot = _bot(api, url)
            started = time.monotonic()
            async with support.running(bot, api):
                results["empty"] = {"startup_seconds": time.monotonic() - started}
                results["empty"]["bot_code"] = support.bot_revision()
                await asyncio.sleep(args.settle)
                results["empty"].update(_rss(bot))
        _progress(f"{database} empty: {results['empty']}")

        # 2. 100,000 users and reminders, then 10,000 conversations in progress.
        url = await _database(database, folder / "loaded")
        users, reminders = seed_rows(args.users, datetime.now(UTC))
        seconds = await support.insert_rows(url, [(User, users), (Reminder, reminders)])
        del users, reminders
        seeded = await count_rows(url)
        _progress(f"seeded in {seconds:.1f} s: {seeded}")
        async with support.stand_in() as api:
            crowd = Crowd(api, "crampcoach")
            crowd.add(args.conversations, first_chat=FIRST_USER)
            bot = _bot(api, url)
            started = time.monotonic()
            async with support.running(bot, api):
                loaded: dict[str, Any] = {"startup_seconds": time.monotonic() - started}
                loaded["bot_code"] = support.bot_revision()
                await asyncio.sleep(args.settle)
                loaded["idle"] = _rss(bot)
                _progress(f"bot {bot.pid} up on the seeded database: {loaded}")
                cpu = bot.cpu()
                walk = await press_all(
                    crowd,
                    bot,
                    window=args.window,
                    error_text=catalog.text("error_sorry"),
                    what="to the first timed step",
                    stop_at=catalog.button("next"),
                    unless=re.sub(r"<[^>]+>", "", catalog.text("hint.manual")),
                    progress_every=max(1, args.conversations // 10),
                )
                loaded["walk_seconds"] = walk.seconds
                loaded["updates"] = crowd.pushed
                loaded["updates_per_s"] = crowd.pushed / walk.seconds
                loaded["bot_cpu_ms_per_update"] = (bot.cpu() - cpu) * 1000 / crowd.pushed
                loaded["repeated_updates"] = walk.retried
                await asyncio.sleep(args.settle)
                loaded.update(_rss(bot))
            loaded.update(bot_errors(bot))
            rejected = [f"{r.method}: {r.description}" for r in api.rejected]
        if rejected:
            raise RuntimeError(f"the stand-in refused requests: {rejected[:5]}")
        after = await count_rows(url)
        loaded["pending_timers"] = after["timers"]
        loaded["reminders_due"] = after["due"]
        results["loaded"] = loaded
        results["seeded"] = {**seeded, "insert_seconds": seconds}
        _progress(f"{database} loaded: {loaded}")

        # 3. Restart on the same database: every pending timer is re-armed at start-up.
        async with support.stand_in() as api:
            bot = _bot(api, url)
            started = time.monotonic()
            async with support.running(bot, api, 600):  # re-arming takes a while
                restart: dict[str, Any] = {"startup_seconds": time.monotonic() - started}
                restart["bot_code"] = support.bot_revision()
                await asyncio.sleep(args.settle)
                restart.update(_rss(bot))
            found = REARMED.search(_log(bot))
            restart["rearmed"] = int(found.group(1)) if found else 0
            restart.update(bot_errors(bot))
        results["restart"] = restart
        _progress(f"{database} restart: {restart}")
        if args.keep and database == "sqlite":  # for a closer look (or an experiment) later
            kept = Path(args.keep) / f"memory-{args.conversations}.sqlite3"
            await asyncio.to_thread(_keep, folder / "loaded" / "bench.sqlite3", kept)
            _progress(f"database kept as {kept}")
    return results


def _keep(source: Path, target: Path) -> None:
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)  # consistent, with whatever the WAL still holds


def _log(bot: support.BotProcess) -> str:
    path = bot.workdir / "stderr.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


async def main() -> None:
    parser = support.parser(__doc__.splitlines()[0], databases="sqlite")
    parser.add_argument("--users", type=int, default=100_000, help="users, each with a reminder")
    parser.add_argument(
        "--conversations", type=int, default=10_000, help="users brought to a first step"
    )
    parser.add_argument(
        "--window", type=int, default=100, help="updates unanswered at most while walking"
    )
    parser.add_argument(
        "--keep", metavar="FOLDER", help="copy the loaded SQLite database there afterwards"
    )
    parser.add_argument("--settle", type=float, default=SETTLE, help="s to wait before reading RSS")
    args = parser.parse_args()
    if args.quick:
        args.users, args.conversations, args.settle = 2_000, 200, 1.0
    if args.conversations > args.users // 10:
        parser.error("--conversations can be at most a tenth of --users (the never-blocked ones)")
    results: dict[str, Any] = {}
    for database in support.database_names(args):
        results[database] = await measure(database, args)
    support.report(
        args,
        "memory",
        {"settings": vars(args), "results": results},
        render(results, args) + _revision(results),
    )


def render(results: dict[str, Any], args: Any) -> str:
    rows = []
    for database, figures in results.items():
        empty, loaded, restart = figures["empty"], figures["loaded"], figures["restart"]
        rows += [
            [
                database,
                "empty database, after start-up",
                empty["rss_mb"],
                empty["peak_rss_mb"],
                "–",
                empty["startup_seconds"],
            ],
            [
                database,
                f"{args.users:,} users + reminders, after start-up",
                loaded["idle"]["rss_mb"],
                loaded["idle"]["peak_rss_mb"],
                "–",
                loaded["startup_seconds"],
            ],
            [
                database,
                f"… + {args.conversations:,} conversations in progress",
                loaded["rss_mb"],
                loaded["peak_rss_mb"],
                f"{loaded['pending_timers']:,}",
                "–",
            ],
            [
                database,
                "restart on that database",
                restart["rss_mb"],
                restart["peak_rss_mb"],
                f"{restart['rearmed']:,} re-armed",
                restart["startup_seconds"],
            ],
        ]
    header = ["database", "bot process", "RSS MiB", "peak RSS MiB", "timers pending", "start-up s"]
    title = (
        f"Memory: {args.users:,} users with reminders, {args.conversations:,} conversations "
        f"in progress (target: peak < {TARGET_PEAK_MB:g} MB)"
    )
    text = support.table(title, header, rows)
    walks = [
        [
            database,
            f"{figures['loaded']['updates']:,}",
            figures["loaded"]["walk_seconds"],
            figures["loaded"]["updates_per_s"],
            figures["loaded"]["bot_cpu_ms_per_update"],
            figures["loaded"]["repeated_updates"],
            figures["loaded"]["errors_logged"],
            figures["seeded"]["insert_seconds"],
        ]
        for database, figures in results.items()
    ]
    text += "\n" + support.table(
        "Getting there: the walk to the first step, and the bulk insert",
        [
            "database",
            "updates",
            "seconds",
            "updates/s",
            "bot CPU ms/update",
            "updates repeated",
            "errors logged",
            "insert s",
        ],
        walks,
    )
    return text


def _revision(results: dict[str, Any]) -> str:
    codes = [
        f"{database} {phase} {figures[phase]['bot_code']['digest']} "
        f"(newest file {figures[phase]['bot_code']['newest_change']})"
        for database, figures in results.items()
        for phase in ("empty", "loaded", "restart")
    ]
    return "\nbot code each process loaded (digest of bot/**/*.py): " + "; ".join(codes) + "\n"


if __name__ == "__main__":
    asyncio.run(main())
