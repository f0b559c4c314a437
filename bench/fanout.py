"""Fan-out: the bedtime reminders of 10,000 users due in the same minute, out of 100,000.

The bot runs as its own process (``python -m bot run``, configured only by environment
variables) against the Bot API stand-in, on a database seeded with bulk inserts into the real,
migrated tables. Every due chat is known to the stand-in; a request listener times each
reminder as it arrives. Twice per database, each time on a freshly seeded database:

* paid broadcasts allowed (``TELEGRAM_PAID_BROADCAST=true``, ``TELEGRAM_BROADCAST_RATE=1000``,
  no flood limit at the stand-in): how many reminders a second the claim-and-send path
  sustains (from the first to the last of the due reminders), the bot's CPU time per reminder
  over the same stretch, and whether every due user got
  exactly one reminder (none missing, no duplicates, every send record ``sent``);
* limiter on (the bot's default broadcast budget, the stand-in refusing the 31st bulk message in
  any second with a 429, as Telegram does): the rate achieved over a fixed window as a share of
  Telegram's 30 messages/s, and how many 429s the bot ran into;
* replies during a fan-out (the bot's default settings, the same flood limit): 600 reminders
  come due at once while 20 people chat, 20 updates a second offered; their reply latency, the
  most reminders in any one second, each reminder sent once, and the 429s.

    python -m bench.fanout            # 100,000 users, 10,000 due; SQLite and PostgreSQL
    python -m bench.fanout --quick    # seconds: the CI smoke test
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench import support
from bench.updates import drain, saturate, steady
from bench.users import Crowd
from bot.reminders.schedule import EVERY_DAY, next_fire
from bot.storage.db import make_engine
from bot.storage.models import Reminder, ReminderSend, User
from tools.botapi_standin import FakeBotApi, RecordedRequest

# Telegram's cap on bulk messages per second, which the stand-in enforces in (b) and (c).
TELEGRAM_CAP = 30
# (c): holds ten times longer, so the chatting users' routines wait for their buttons, not for
# timers (as in bench.updates).
CHAT_TIME_SCALE = 10.0
# Where people are, roughly weighted by repetition (a big share in Europe and the Americas).
ZONES = (
    "Europe/Berlin",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Europe/Istanbul",
    "America/New_York",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Jakarta",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Johannesburg",
)
LANGUAGES = ("en", "en", "en", "de", "es", "pt-br", "ru", "fr", None)
BEDTIME = time(21, 30)
# Realistic Telegram user ids (private chat id = user id), not 1, 2, 3.
FIRST_USER = 310_000_000


# ---------------------------------------------------------------------------------- seeding


@dataclass(frozen=True)
class Seeded:
    url: str
    due: frozenset[int]  # chat ids due now
    users: int
    seconds: float
    due_at: datetime


def _rows(
    users: int, due: int, now: datetime, first: int = FIRST_USER
) -> tuple[list[dict[str, Any]], ...]:
    """Users and their reminders; every (users // due)-th user is due in the current minute.

    A due reminder's local time is the wall-clock minute it is due at in its zone, so the row
    is exactly what the bot would have stored for that person; everybody else has 21:30 local
    and comes due within a day (no earlier than an hour from now, so not during the run).
    """
    due_at = now.replace(second=0, microsecond=0)
    later = now + timedelta(hours=1)
    step = max(1, users // due) if due else users + 1
    zones = {name: ZoneInfo(name) for name in set(ZONES)}
    # The next 21:30 of each zone, and the local minute of `due_at` there: computed per zone.
    upcoming = {
        name: next_fire(BEDTIME, zone, EVERY_DAY, after=later) for name, zone in zones.items()
    }
    local_now = {name: due_at.astimezone(zone) for name, zone in zones.items()}
    user_rows: list[dict[str, Any]] = []
    reminder_rows: list[dict[str, Any]] = []
    picked = 0
    for index in range(users):
        user_id = first + index * 7
        is_due = picked < due and index % step == 0
        if is_due:
            # Every zone of the list has people due now (at whatever its local time is).
            zone = ZONES[picked % len(ZONES)]
            picked += 1
            local = local_now[zone]
            local_time = time(local.hour, local.minute)
            fire_at, night = due_at, local.date()
        else:
            zone = ZONES[index % len(ZONES)]
            local_time = BEDTIME
            fire_at, night = upcoming[zone].at, upcoming[zone].local_date
        joined = now - timedelta(days=1 + index % 40, minutes=index % 600)
        user_rows.append(
            {
                "id": user_id,
                "language": LANGUAGES[index % len(LANGUAGES)],
                "first_seen": joined,
                "last_seen": now - timedelta(hours=1 + index % 20),
                "blocked": False,
                "timezone": zone,
                "pictures": True,
            }
        )
        reminder_rows.append(
            {
                "user_id": user_id,
                "chat_id": user_id,
                "timezone": zone,
                "local_time": local_time,
                "days": EVERY_DAY,
                "enabled": True,
                "next_fire_at": fire_at,
                "next_local_date": night,
                # Yesterday's reminder went out; the six-week question is weeks away for all,
                # so each due user gets exactly one message.
                "last_sent_date": night - timedelta(days=1),
                "started_on": night - timedelta(days=1 + index % 40),
                "helping_asked": False,
                "created_at": joined,
                "updated_at": joined,
            }
        )
    return user_rows, reminder_rows


async def seed(kind: str, folder: Path, users: int, due: int) -> Seeded:
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    url = await support.fresh_database(kind, folder)
    now = datetime.now(UTC)
    user_rows, reminder_rows = _rows(users, due, now)
    seconds = await support.insert_rows(url, [(User, user_rows), (Reminder, reminder_rows)])
    due_at = now.replace(second=0, microsecond=0)
    chats = frozenset(row["chat_id"] for row in reminder_rows if row["next_fire_at"] == due_at)
    return Seeded(url, chats, users, seconds, due_at)


async def send_records(url: str) -> dict[str, int]:
    """How the night's send records ended, by status."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                select(ReminderSend.status, func.count()).group_by(ReminderSend.status)
            )
            return {status: count for status, count in result.tuples()}
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------- measuring


@dataclass
class Arrivals:
    """The stand-in's listener: every reminder that reached a due chat, with when it came."""

    due: frozenset[int]
    bot: support.BotProcess
    counts: Counter[int] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)
    stray: int = 0  # messages to chats that were not due (there should be none)
    cpu_first: float | None = None
    cpu_last: float | None = None
    # This process's CPU time (the stand-in and the listeners) over the same stretch.
    own_first: float | None = None
    own_last: float | None = None
    last_at: float | None = None
    everyone: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, record: RecordedRequest) -> None:
        if record.method != "sendMessage" or not record.ok:
            return
        chat = int(record.params.get("chat_id", 0))
        if chat not in self.due:
            self.stray += 1
            return
        self.counts[chat] += 1
        self.times.append(record.time)
        if len(self.times) == 1:
            self.cpu_first = self.bot.cpu()
            self.own_first = clock.process_time()
        if self.cpu_last is None and len(self.counts) == len(self.due):
            self.cpu_last = self.bot.cpu()
            self.own_last = clock.process_time()
            self.last_at = record.time
            self.everyone.set()

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.counts.values() if count > 1)

    @property
    def missing(self) -> int:
        return len(self.due) - len(self.counts)


async def _first_reminder(arrivals: Arrivals, bot: support.BotProcess, seconds: float) -> None:
    deadline = clock.monotonic() + seconds
    while not arrivals.times:
        bot.check_alive()
        if clock.monotonic() > deadline:
            raise TimeoutError(f"no reminder arrived within {seconds} s\n{bot.log()}")
        await asyncio.sleep(0.01)


async def limiter_off(kind: str, folder: Path, args: Any) -> dict[str, Any]:
    """(a) Paid broadcasts at up to 1,000 a second, no flood limit: the claim-and-send path at
    full speed."""
    seeded = await seed(kind, folder, args.users, args.due)
    async with support.stand_in() as api:
        for chat in seeded.due:
            api.register_chat(chat)
        bot = support.crampcoach(
            api,
            seeded.url,
            telegram_paid_broadcast="true",
            telegram_broadcast_rate=1000,
            reminder_tick_seconds=args.tick,
        )
        arrivals = Arrivals(seeded.due, bot)
        api.listeners.append(arrivals)
        async with support.running(bot, api):
            await _first_reminder(arrivals, bot, 60)
            await _everyone(arrivals, bot, api)
            await asyncio.sleep(args.settle)  # time for a duplicate to show up, were there one
            _, peak = bot.memory()
        _check(api, kind)
        flood = api.flood_refusals
    assert arrivals.cpu_first is not None and arrivals.cpu_last is not None
    assert arrivals.last_at is not None
    span = arrivals.last_at - arrivals.times[0]
    reminders = len(seeded.due)
    records = await send_records(seeded.url)
    return {
        "users": seeded.users,
        "due": reminders,
        "seed_seconds": seeded.seconds,
        "reminded": len(arrivals.counts),
        "duplicates": arrivals.duplicates,
        "missing": arrivals.missing,
        "stray": arrivals.stray,
        "send_records": records,
        "exactly_once": arrivals.duplicates == 0
        and arrivals.missing == 0
        and records == {"sent": reminders},
        "seconds": span,
        "reminders_per_s": (reminders - 1) / span if span > 0 else float("nan"),
        "bot_cpu_ms_per_reminder": (arrivals.cpu_last - arrivals.cpu_first)
        * 1000
        / max(1, reminders - 1),
        "bot_cpu_share": (arrivals.cpu_last - arrivals.cpu_first) / span if span > 0 else 0.0,
        # The stand-in answers from this process, on the other core: near 1.0, it is the limit.
        "stand_in_cpu_share": ((arrivals.own_last or 0.0) - (arrivals.own_first or 0.0)) / span
        if span > 0
        else 0.0,
        "flood_refusals": flood,
        "peak_rss_mb": peak,
    }


async def _everyone(arrivals: Arrivals, bot: support.BotProcess, api: FakeBotApi) -> None:
    """Wait until every due chat has its reminder; fail if the fan-out stalls for a minute."""
    seen, stalled_since = -1, clock.monotonic()
    while not arrivals.everyone.is_set():
        bot.check_alive()
        if len(arrivals.times) != seen:
            seen, stalled_since = len(arrivals.times), clock.monotonic()
        elif clock.monotonic() - stalled_since > 60:
            raise TimeoutError(
                f"the fan-out stalled at {len(arrivals.counts)} of {len(arrivals.due)} chats"
                f" (rejected: {[r.description for r in api.rejected[:3]]})\n{bot.log()}"
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrivals.everyone.wait(), 0.5)


async def limiter_on(kind: str, folder: Path, args: Any) -> dict[str, Any]:
    """(b) The bot's default broadcast budget against Telegram's flood control, for a fixed
    window."""
    seeded = await seed(kind, folder, args.users, args.due)
    async with support.stand_in(flood_limit=TELEGRAM_CAP) as api:
        for chat in seeded.due:
            api.register_chat(chat)
        # TELEGRAM_BROADCAST_RATE left unset: the bot's default, as in production.
        bot = support.crampcoach(api, seeded.url, reminder_tick_seconds=args.tick)
        arrivals = Arrivals(seeded.due, bot)
        api.listeners.append(arrivals)
        server_log = logging.getLogger("aiohttp.server")
        level = server_log.level
        try:
            async with support.running(bot, api):
                await _first_reminder(arrivals, bot, 60)
                start = arrivals.times[0]
                cpu_before = arrivals.cpu_first
                await asyncio.sleep(max(0.0, start + args.window - clock.monotonic()))
                bot.check_alive()
                cpu = bot.cpu() - (cpu_before or 0.0)
                _, peak = bot.memory()
                flood = api.flood_refusals
                # Leaving stops the bot, which waits for the fan-out still running (PTB lets a
                # running job finish) until support kills it; the requests it had open then end
                # abruptly, which aiohttp would log as errors. Expected here, so not shown.
                server_log.setLevel(logging.CRITICAL)
        finally:
            server_log.setLevel(level)
        _check(api, kind)
    within = sum(1 for moment in arrivals.times if moment < start + args.window)
    rate = within / args.window
    return {
        "users": seeded.users,
        "due": len(seeded.due),
        "window_s": args.window,
        "reminders_in_window": within,
        "reminders_per_s": rate,
        "share_of_cap": rate / TELEGRAM_CAP,
        "flood_refusals": flood,
        "duplicates": arrivals.duplicates,
        "bot_cpu_share": cpu / args.window,
        "peak_rss_mb": peak,
    }


async def with_chat(kind: str, folder: Path, args: Any) -> dict[str, Any]:
    """(c) Replies during a fan-out, with the bot's default settings: `chat_due` reminders come
    due at once while `chat_users` people chat (updates offered at `chat_rate` a second); the
    stand-in refuses the 31st bulk message in any second, as Telegram does."""
    seeded = await seed(kind, folder, args.chat_users, 0)
    async with support.stand_in(flood_limit=TELEGRAM_CAP) as api:
        bot = support.crampcoach(
            api, seeded.url, routine_time_scale=CHAT_TIME_SCALE, reminder_tick_seconds=args.tick
        )
        crowd = Crowd(api, "crampcoach")
        crowd.add(args.chatting)
        async with support.running(bot, api):
            # Warm up (pictures uploaded, code paths hot) before the reminders come due.
            await saturate(crowd, bot, args.chatting * 3)
            await drain(crowd, bot)
            user_rows, reminder_rows = _rows(
                args.chat_due, args.chat_due, datetime.now(UTC), first=FIRST_USER * 2
            )
            due = frozenset(row["chat_id"] for row in reminder_rows)
            for chat in due:
                api.register_chat(chat)
            arrivals = Arrivals(due, bot)
            api.listeners.append(arrivals)
            await support.insert_rows(seeded.url, [(User, user_rows), (Reminder, reminder_rows)])
            await _first_reminder(arrivals, bot, 60)
            # Chat for as long as the fan-out lasts at Telegram's 30 a second.
            chatting = await steady(crowd, bot, args.chat_rate, len(due) / TELEGRAM_CAP - 1)
            await _everyone(arrivals, bot, api)
            await asyncio.sleep(args.settle)
        _check(api, kind)
        flood = api.flood_refusals
    assert arrivals.last_at is not None
    span = arrivals.last_at - arrivals.times[0]
    return {
        "due": len(due),
        "reminded": len(arrivals.counts),
        "duplicates": arrivals.duplicates,
        "missing": arrivals.missing,
        "reminders_per_s": (len(due) - 1) / span if span > 0 else float("nan"),
        "most_in_one_second": most_in_one_second(arrivals.times),
        "flood_refusals": flood,
        "chatting": args.chatting,
        "replies": chatting,
    }


def most_in_one_second(moments: list[float]) -> int:
    """The most of these moments (seconds) that fall within any one second."""
    ordered = sorted(moments)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def _check(api: FakeBotApi, kind: str) -> None:
    rejected = [f"{r.method}: {r.description}" for r in api.rejected]
    if rejected:
        raise RuntimeError(f"{kind}: the stand-in refused requests: {rejected[:5]}")


async def measure(kind: str, args: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="crampbench-") as name:
        figures: dict[str, Any] = {}
        for phase, run in PHASES.items():
            if phase in args.phases:
                figures[phase] = await run(kind, Path(name) / phase, args)
    return figures


# ---------------------------------------------------------------------------------- output


PHASES = {"limiter_off": limiter_off, "limiter_on": limiter_on, "with_chat": with_chat}


def render(results: dict[str, Any], args: Any) -> str:
    """One table per phase that ran, a row per database."""
    tables = []
    for phase, (title, header, row) in _tables(args).items():
        rows = [row(db, figures[phase]) for db, figures in results.items() if phase in figures]
        if rows:
            tables.append(support.table(title, header, rows))
    return "\n".join(tables)


def _tables(args: Any) -> dict[str, tuple[str, list[str], Any]]:
    def off(database: str, off: dict[str, Any]) -> list[Any]:
        return [
            database,
            off["reminders_per_s"],
            off["bot_cpu_ms_per_reminder"],
            off["seconds"],
            off["bot_cpu_share"],
            off["stand_in_cpu_share"],
            f"{off['reminded']:,} of {off['due']:,}",
            off["duplicates"],
            off["missing"],
            "yes" if off["exactly_once"] else "NO",
            off["peak_rss_mb"],
        ]

    def on(database: str, on: dict[str, Any]) -> list[Any]:
        return [
            database,
            on["reminders_in_window"],
            on["reminders_per_s"],
            f"{on['share_of_cap']:.1%}",
            on["flood_refusals"],
            on["duplicates"],
            on["bot_cpu_share"],
            on["peak_rss_mb"],
        ]

    def chat(database: str, chat: dict[str, Any]) -> list[Any]:
        replies = chat["replies"]
        return [
            database,
            f"{chat['reminded']:,} of {chat['due']:,}",
            chat["duplicates"],
            chat["reminders_per_s"],
            chat["most_in_one_second"],
            chat["flood_refusals"],
            replies["updates"],
            replies["p50_ms"],
            replies["p95_ms"],
            replies["p99_ms"],
        ]

    return {
        "limiter_off": (
            f"Fan-out, paid broadcasts up to 1,000/s: {args.due:,} of {args.users:,} users due "
            f"in one minute (tick {args.tick:g} s)",
            [
                "database",
                "reminders/s",
                "bot CPU ms/reminder",
                "first→last s",
                "bot CPU share",
                "stand-in CPU share",
                "reminded",
                "duplicates",
                "missing",
                "exactly once",
                "peak RSS MiB",
            ],
            off,
        ),
        "limiter_on": (
            f"Fan-out, limiter on: default broadcast budget against a {TELEGRAM_CAP}/s flood "
            f"limit, {args.window:g} s window",
            [
                "database",
                "reminders in window",
                "reminders/s",
                f"share of {TELEGRAM_CAP}/s",
                "429s",
                "duplicates",
                "bot CPU share",
                "peak RSS MiB",
            ],
            on,
        ),
        "with_chat": (
            f"Replies during a fan-out: {args.chat_due:,} reminders due at once (default "
            f"settings, {TELEGRAM_CAP}/s bulk flood limit) while {args.chatting} people chat "
            f"({args.chat_rate:g} updates/s offered)",
            [
                "database",
                "reminded",
                "duplicates",
                "reminders/s",
                "most reminders in one second",
                "429s",
                "replies",
                "reply p50 ms",
                "reply p95 ms",
                "reply p99 ms",
            ],
            chat,
        ),
    }


async def main() -> None:
    parser = support.parser(__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000, help="users with a reminder")
    parser.add_argument("--due", type=int, default=10_000, help="of them due in this minute")
    parser.add_argument("--window", type=float, default=60.0, help="seconds measured, limiter on")
    parser.add_argument("--tick", type=float, default=0.5, help="REMINDER_TICK_SECONDS")
    parser.add_argument(
        "--settle", type=float, default=2.0, help="seconds to wait for duplicates after the last"
    )
    parser.add_argument("--chat-users", type=int, default=10_000, help="(c): users in all")
    parser.add_argument("--chat-due", type=int, default=600, help="(c): reminders due at once")
    parser.add_argument("--chatting", type=int, default=20, help="(c): people chatting")
    parser.add_argument("--chat-rate", type=float, default=20.0, help="(c): updates/s offered")
    parser.add_argument("--phases", default=",".join(PHASES), help="which phases to run")
    args = parser.parse_args()
    args.phases = [name.strip() for name in args.phases.split(",")]
    if args.quick:
        args.users, args.due, args.window, args.settle = 2_000, 200, 5.0, 0.5
        args.chat_users, args.chat_due, args.chatting, args.chat_rate = 500, 90, 5, 5.0
    if not 0 < args.due <= args.users:
        parser.error("--due must be between 1 and --users")
    results: dict[str, Any] = {}
    for database in support.database_names(args):
        results[database] = await measure(database, args)
    support.report(
        args, "fanout", {"settings": vars(args), "results": results}, render(results, args)
    )


if __name__ == "__main__":
    asyncio.run(main())
